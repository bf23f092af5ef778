"""``deconflict conflicts FILE.geojson``: every conflict among the declared volumes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..domain.conflict import Conflict, Separation, find_conflicts
from ..domain.errors import DomainError
from ..formats.geojson import load_file
from ..geoid import LazyEGM96
from .output import EXIT_FOUND, EXIT_OK, console, fail, print_json


def _ref(ref: Any) -> dict[str, Any]:
    return {"party": ref.party, "operation": ref.operation, "index": ref.index}


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    return {
        "a": _ref(conflict.a),
        "b": _ref(conflict.b),
        "time_start": conflict.window.start.isoformat().replace("+00:00", "Z"),
        "time_end": conflict.window.end.isoformat().replace("+00:00", "Z"),
        "alt_lower_m": round(conflict.alt_lower_m, 3),
        "alt_upper_m": round(conflict.alt_upper_m, 3),
        "vertical_gap_m": round(conflict.vertical_gap_m, 3),
        "distance_m": round(conflict.distance_m, 3),
        "overlap_area_m2": round(conflict.overlap_area_m2, 1),
    }


def conflicts_command(
    file: Annotated[Path, typer.Argument(help="A GeoJSON FeatureCollection of volumes.")],
    margin_h_m: Annotated[float, typer.Option("--margin-h-m", help="Horizontal separation, metres.")] = 0.0,
    margin_v_m: Annotated[float, typer.Option("--margin-v-m", help="Vertical separation, metres.")] = 0.0,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print every conflict between different parties' volumes. Exit 0 none, 1 some, 2 bad input."""
    try:
        margin = Separation(margin_h_m, margin_v_m)
        volumes = load_file(file, LazyEGM96())
        found = find_conflicts([v.tagged() for v in volumes], margin)
    except DomainError as error:
        fail(error)
    rows = [conflict_json(c) for c in found]
    if json_output:
        print_json(rows)
    else:
        out = console()
        if not rows:
            out.print(f"No conflicts among {len(volumes)} volumes.")
        else:
            table = Table(title=f"{len(rows)} conflict(s) among {len(volumes)} volumes")
            for column in ("a", "b", "from", "to", "band (m W84)", "distance (m)", "area (km²)"):
                table.add_column(column)
            for row in rows:
                a, b = row["a"], row["b"]
                table.add_row(
                    f"{a['party']}/{a['operation']}#{a['index']}",
                    f"{b['party']}/{b['operation']}#{b['index']}",
                    row["time_start"],
                    row["time_end"],
                    f"{row['alt_lower_m']:.0f}–{row['alt_upper_m']:.0f}",
                    f"{row['distance_m']:.0f}",
                    f"{row['overlap_area_m2'] / 1e6:.2f}",
                )
            out.print(table)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_OK)
