"""Tracks as CSV, one row per position report: the ``cpa`` command's one instant, and recordings.

    id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm[,on_ground]
    BLU01,blue,2026-11-22T10:00:00Z,50.0,10.0,31000,450,90,0

``t`` is RFC 3339 with an offset, or seconds since the Unix epoch (UTC). ``on_ground``
(optional: ``true``/``false``, ``1``/``0``, empty for unknown) says the platform reported
itself on the surface. Errors name the line and the column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..domain.errors import InvalidInput

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "TrackRow", "read_track_rows", "where"]

COLUMNS = ("id", "party", "t", "lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm")
OPTIONAL_COLUMNS = ("on_ground",)
NUMBERS = ("lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm")
_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "gs_kt": (0.0, math.inf)}
_TRUE = frozenset({"true", "1", "yes", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "f", "n"})


@dataclass(frozen=True, slots=True)
class TrackRow:
    """One checked row: ``text`` holds the stripped cells, ``numbers`` the numeric ones."""

    line: int
    at: datetime
    text: dict[str, str]
    numbers: dict[str, float]
    on_ground: bool | None = None


def where(line: int, column: str | None = None) -> str:
    return f"line {line}" if column is None else f"line {line}, column {column}"


def _instant(text: str, line: int) -> datetime:
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an RFC 3339 time (e.g. 2026-11-22T10:00:00Z)", field=where(line, "t")
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{text!r} needs a UTC offset (e.g. Z or +00:00)", field=where(line, "t"))
    return moment.astimezone(UTC)


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number", field=where(line, column)) from None
    if not math.isfinite(value):
        raise InvalidInput(f"{text!r} is not a finite number", field=where(line, column))
    low, high = _RANGES.get(column, (-math.inf, math.inf))
    if not low <= value <= high:
        raise InvalidInput(f"{value} is outside [{low}, {high}]", field=where(line, column))
    return value


def _flag(text: str | None, line: int) -> bool | None:
    value = (text or "").strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(f"{text!r} is not true or false", field=where(line, "on_ground"))


def _rows(reader: csv.DictReader[str], required: Sequence[str]) -> list[TrackRow]:
    header = reader.fieldnames
    if not header:
        raise InvalidInput(f"empty file: expected a header {','.join(COLUMNS)}", field=where(1))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"missing column(s) {', '.join(missing)}; the header must name {','.join(COLUMNS)}",
            field=where(1),
        )
    out: list[TrackRow] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InvalidInput(f"more fields than the header's {len(header)}", field=where(line))
        text: dict[str, str] = {}
        for name in COLUMNS:
            value = row.get(name)
            if value is None or not value.strip():
                if name in required:
                    raise InvalidInput("missing value", field=where(line, name))
                value = ""
            text[name] = value.strip()
        out.append(
            TrackRow(
                line,
                _instant(text["t"], line),
                text,
                {n: _number(text[n], line, n) for n in NUMBERS},
                _flag(row.get("on_ground"), line),
            )
        )
    return out


def read_track_rows(path: Path, required: Sequence[str] = COLUMNS) -> list[TrackRow]:
    """Every row of a track CSV, checked; ``required`` names the columns that may not be empty."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _rows(csv.DictReader(handle), required)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(f"cannot read {path}: {error}", field="tracks") from None
