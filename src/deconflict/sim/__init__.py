"""Scenario generation and incident replay."""
