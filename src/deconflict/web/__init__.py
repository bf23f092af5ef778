"""The operating picture served to browsers."""
