"""The operating picture served to browsers: map, alerts, conflicts, hotline (see :func:`mount_web`)."""

from .routes import mount_web

__all__ = ["mount_web"]
