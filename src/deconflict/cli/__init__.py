"""The ``deconflict`` command line. Each command lives in its own module;
:func:`build_app` wires them explicitly, so nothing registers itself at import."""

from __future__ import annotations

from .app import build_app, main

__all__ = ["build_app", "main"]
