"""Readers for live track formats: SBS-1, AIS."""
