"""The space-time candidate index."""
