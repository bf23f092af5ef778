"""Text from outside: what can be stored, signed and shown.

JSON may carry an escaped lone UTF-16 surrogate (``"\\ud800"``): a Python string can
hold it, but it has no UTF-8 form, so neither the store, the canonical JSON of
the ledger nor a terminal can take it. PostgreSQL text cannot hold NUL. Every
free-text field (names, details, contact, category) is checked here.
"""

from __future__ import annotations

from .errors import InvalidInput

__all__ = ["check_text"]


def check_text(value: str, field: str) -> str:
    """``value`` unchanged if it is storable Unicode; else :class:`InvalidInput` naming ``field``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidInput(
            f"not valid Unicode: a lone surrogate {value[error.start]!r} at character {error.start}",
            field=field,
        ) from None
    if "\x00" in value:
        raise InvalidInput("must not contain NUL characters", field=field)
    return value
