"""``deconflict cpa TRACKS.csv``: predicted loss of separation between live tracks.

The CSV holds one row per platform at one instant::

    id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm
    BLU01,blue,2026-11-22T10:00:00Z,50.0,10.0,31000,450,90,0

``t`` is RFC 3339 with an offset (or seconds since the Unix epoch, UTC); every
row must carry the same instant. Exit 0 when no conflict, 1 when any, 2 on bad
input (the message names the line and column).
"""

from __future__ import annotations

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
from ..formats.track_csv import NUMBERS, read_track_rows, where
from .output import EXIT_FOUND, EXIT_OK, console, fail, print_json


def read_tracks(path: Path) -> TrackState:
    """Read the one-instant track CSV into a :class:`TrackState` (SI units)."""
    rows = read_track_rows(path)
    at = rows[0].at if rows else datetime.fromtimestamp(0.0, tz=UTC)
    seen: dict[str, int] = {}
    for row in rows:
        if row.at != at:
            raise InvalidInput(
                f"instant {row.at.isoformat()} differs from {at.isoformat()} on line "
                f"{rows[0].line}; a file holds one instant",
                field=where(row.line, "t"),
            )
        ident = row.text["id"]
        if ident in seen:
            raise InvalidInput(
                f"id {ident!r} already used on line {seen[ident]}", field=where(row.line, "id")
            )
        seen[ident] = row.line
    column = {name: [row.numbers[name] for row in rows] for name in NUMBERS}
    return TrackState.from_columns(
        at,
        ids=[row.text["id"] for row in rows],
        party=[row.text["party"] for row in rows],
        lat_deg=column["lat"],
        lon_deg=column["lon"],
        alt_m=[v * METRES_PER_FOOT for v in column["alt_ft"]],
        ground_speed_m_s=[v * METRES_PER_SECOND_PER_KNOT for v in column["gs_kt"]],
        track_deg=column["trk_deg"],
        vertical_rate_m_s=[v * METRES_PER_SECOND_PER_FPM for v in column["vs_fpm"]],
    )


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
