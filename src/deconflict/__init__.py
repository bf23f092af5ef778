"""deconflict — a joint deconfliction service between independent parties."""

__version__ = "0.1.0"
