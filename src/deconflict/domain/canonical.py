"""Canonical JSON (RFC 8785, JCS) and the hashes taken over it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import rfc8785

from .errors import InvalidInput

__all__ = ["canonical_json", "sha256_hex", "utc_timestamp"]


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, ECMAScript numbers."""
    try:
        return rfc8785.dumps(value)
    except (TypeError, ValueError, rfc8785.CanonicalizationError) as error:
        raise InvalidInput(f"value cannot be canonicalised: {error}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds and 'Z'."""
    if moment.tzinfo is None:
        raise InvalidInput("a timestamp needs a UTC offset", field="ts")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """The inverse of :func:`utc_timestamp`; ValueError for anything but a UTC 'Z' time.

    ``fromisoformat``, not ``strptime``: every ledger read parses one, and strptime
    costs ten times as much (a locale lookup and a regex per call)."""
    moment = datetime.fromisoformat(text[:-1]) if text.endswith("Z") else None
    if moment is None or moment.tzinfo is not None:
        raise ValueError(f"not a UTC timestamp: {text!r}")
    return moment.replace(tzinfo=UTC)
