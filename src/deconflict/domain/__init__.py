"""The pure model and rules of deconfliction.

Nothing here performs I/O or reads a clock: every time is an aware UTC
``datetime`` passed in, every length is metres, every altitude is metres above
the WGS84 ellipsoid unless its name says otherwise, every frequency is Hz.
"""
