"""Use cases: every change goes through one of these, in one unit of work."""
