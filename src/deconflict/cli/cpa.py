"""``deconflict cpa TRACKS.csv``: predicted loss of separation between live tracks.

The CSV holds one row per platform at one instant::

    id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm
    BLU01,blue,2026-11-22T10:00:00Z,50.0,10.0,31000,450,90,0

``t`` is RFC 3339 with an offset (or seconds since the Unix epoch, UTC); every
row must carry the same instant. Exit 0 when no conflict, 1 when any, 2 on bad
input (the message names the line and column).
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..domain.errors import DomainError, InvalidInput
from ..domain.tactical import Minima, PredictedConflict, TrackState, detect
from ..domain.units import (
    METRES_PER_FOOT,
    METRES_PER_NAUTICAL_MILE,
    METRES_PER_SECOND_PER_FPM,
    METRES_PER_SECOND_PER_KNOT,
)
from .output import EXIT_FOUND, EXIT_OK, console, fail, print_json

COLUMNS = ("id", "party", "t", "lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm")
_NUMBERS = ("lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm")
_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "gs_kt": (0.0, math.inf)}


def _where(line: int, column: str | None = None) -> str:
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
            f"{text!r} is not an RFC 3339 time (e.g. 2026-11-22T10:00:00Z)", field=_where(line, "t")
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{text!r} needs a UTC offset (e.g. Z or +00:00)", field=_where(line, "t"))
    return moment.astimezone(UTC)


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number", field=_where(line, column)) from None
    if not math.isfinite(value):
        raise InvalidInput(f"{text!r} is not a finite number", field=_where(line, column))
    low, high = _RANGES.get(column, (-math.inf, math.inf))
    if not low <= value <= high:
        raise InvalidInput(f"{value} is outside [{low}, {high}]", field=_where(line, column))
    return value


def read_tracks(path: Path) -> TrackState:
    """Read the one-instant track CSV into a :class:`TrackState` (SI units)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(_rows(csv.DictReader(handle)))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(f"cannot read {path}: {error}", field="tracks") from None
    at = rows[0][1] if rows else datetime.fromtimestamp(0.0, tz=UTC)
    seen: dict[str, int] = {}
    for line, _, text, _ in rows:
        if text["id"] in seen:
            raise InvalidInput(
                f"id {text['id']!r} already used on line {seen[text['id']]}", field=_where(line, "id")
            )
        seen[text["id"]] = line
    column = {name: [values[name] for _, _, _, values in rows] for name in _NUMBERS}
    return TrackState.from_columns(
        at,
        ids=[text["id"] for _, _, text, _ in rows],
        party=[text["party"] for _, _, text, _ in rows],
        lat_deg=column["lat"],
        lon_deg=column["lon"],
        alt_m=[v * METRES_PER_FOOT for v in column["alt_ft"]],
        ground_speed_m_s=[v * METRES_PER_SECOND_PER_KNOT for v in column["gs_kt"]],
        track_deg=column["trk_deg"],
        vertical_rate_m_s=[v * METRES_PER_SECOND_PER_FPM for v in column["vs_fpm"]],
    )


def _rows(
    reader: csv.DictReader[str],
) -> list[tuple[int, datetime, dict[str, str], dict[str, float]]]:
    header = reader.fieldnames
    if not header:
        raise InvalidInput(f"empty file: expected a header {','.join(COLUMNS)}", field=_where(1))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"missing column(s) {', '.join(missing)}; the header must name {','.join(COLUMNS)}",
            field=_where(1),
        )
    out: list[tuple[int, datetime, dict[str, str], dict[str, float]]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InvalidInput(f"more fields than the header's {len(header)}", field=_where(line))
        text: dict[str, str] = {}
        for name in COLUMNS:
            value = row.get(name)
            if value is None or not value.strip():
                raise InvalidInput("missing value", field=_where(line, name))
            text[name] = value.strip()
        moment = _instant(text["t"], line)
        if out and moment != out[0][1]:
            raise InvalidInput(
                f"instant {moment.isoformat()} differs from {out[0][1].isoformat()} on line "
                f"{out[0][0]}; a file holds one instant",
                field=_where(line, "t"),
            )
        out.append((line, moment, text, {n: _number(text[n], line, n) for n in _NUMBERS}))
    return out


def conflict_json(conflict: PredictedConflict) -> dict[str, Any]:
    return {
        "a": conflict.a,
        "b": conflict.b,
        "tcpa_s": round(conflict.tcpa_s, 3),
        "dcpa_m": round(conflict.dcpa_m, 3),
        "t_in_s": round(conflict.t_in_s, 3),
        "t_out_s": round(conflict.t_out_s, 3),
        "current_loss": bool(conflict.current_loss),
        "vertical_bounded": bool(conflict.vertical_bounded),
    }


def cpa_command(
    tracks: Annotated[Path, typer.Argument(help="CSV: id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm.")],
    look_ahead_s: Annotated[
        float, typer.Option("--look-ahead-s", help="How far ahead to predict, seconds.")
    ] = 300.0,
    sep_h_nm: Annotated[float, typer.Option("--sep-h-nm", help="Horizontal minimum, NM.")] = 5.0,
    sep_v_ft: Annotated[float, typer.Option("--sep-v-ft", help="Vertical minimum, feet.")] = 1000.0,
    vertical_horizon_s: Annotated[
        float,
        typer.Option("--vertical-horizon-s", help="Extrapolate a climb or descent this long, then level."),
    ] = 60.0,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Predicted loss of separation between different parties' tracks. Exit 0 none, 1 some, 2 bad input."""
    try:
        minima = Minima(
            horizontal_m=sep_h_nm * METRES_PER_NAUTICAL_MILE,
            vertical_m=sep_v_ft * METRES_PER_FOOT,
            look_ahead_s=look_ahead_s,
        )
        state = read_tracks(tracks)
        found = detect(state, minima, vertical_horizon_s)
    except DomainError as error:
        fail(escape(str(error)))
    rows = [conflict_json(c) for c in found]
    if json_output:
        print_json(rows)
    else:
        out = console()
        at = state.at.isoformat().replace("+00:00", "Z")
        if not len(state):
            out.print(f"No tracks in {tracks}.")
        elif not rows:
            out.print(f"No predicted conflicts among {len(state)} tracks at {at}.")
        else:
            now = sum(c.current_loss for c in found)
            table = Table(
                title=f"{len(rows)} predicted conflict(s) among {len(state)} tracks at {at}"
                f" ({now} already in loss)"
            )
            for column in ("a", "b", "tcpa_s", "dcpa_m", "t_in_s", "t_out_s"):
                table.add_column(column, justify="left" if column in ("a", "b") else "right")
            for row in rows:
                table.add_row(
                    row["a"],
                    row["b"],
                    f"{row['tcpa_s']:.1f}",
                    f"{row['dcpa_m']:.0f}",
                    f"{row['t_in_s']:.1f}",
                    f"{row['t_out_s']:.1f}",
                )
            out.print(table)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_OK)
