"""The aerodrome list for terminal areas: the ``airportsdata`` package, read once per process.

``airportsdata`` lists some 28,000 aerodromes and landing strips by ICAO indicator, with
the reference point and the elevation (ft above MSL). Terminal rules belong to aerodromes
with an approach and a tower, which the list does not say; by default those with an IATA
code (airline service, about 7,900) are taken. Elevations become metres above the WGS84
ellipsoid with the EGM96 geoid, as every altitude in the domain is.
"""

from __future__ import annotations

from functools import cache

from .domain.errors import InvalidInput
from .domain.tactical.state import Minima
from .domain.tactical.terminal import Aerodrome, TerminalAreas, TerminalRules
from .domain.units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE
from .geoid import egm96
from .settings import Settings

__all__ = ["aerodromes", "terminal_areas", "terminal_areas_for", "terminal_rules"]


@cache
def aerodromes(selection: str) -> tuple[Aerodrome, ...]:
    """``iata``: every aerodrome with an IATA code; ``all``; ``none``; or ICAO indicators
    separated by commas (e.g. ``LSZH,LSGG``)."""
    import airportsdata

    choice = selection.strip()
    if choice.lower() == "none":
        return ()
    table = airportsdata.load("ICAO")
    if choice.lower() == "iata":
        rows = [a for a in table.values() if a["iata"]]
    elif choice.lower() == "all":
        rows = list(table.values())
    else:
        wanted = [c.strip().upper() for c in choice.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in table]
        if unknown:
            raise InvalidInput(f"unknown aerodrome(s) {', '.join(unknown)}", field="terminal_aerodromes")
        rows = [table[c] for c in wanted]
    if not rows:
        return ()
    undulation = egm96().undulation_m([float(a["lon"]) for a in rows], [float(a["lat"]) for a in rows])
    return tuple(
        Aerodrome(
            a["icao"], float(a["lat"]), float(a["lon"]), float(a["elevation"]) * METRES_PER_FOOT + float(n)
        )
        for a, n in zip(rows, undulation, strict=True)
    )


def terminal_areas(selection: str, rules: TerminalRules) -> TerminalAreas | None:
    """The indexed terminal areas of the selected aerodromes (None when there are none)."""
    found = aerodromes(selection)
    return TerminalAreas(found, rules) if found else None


def terminal_rules(settings: Settings) -> TerminalRules:
    """The terminal-area and tower-zone extents and minima, from settings."""
    return TerminalRules(
        area_radius_m=settings.terminal_area_radius_nm * METRES_PER_NAUTICAL_MILE,
        area_height_m=settings.terminal_area_height_ft * METRES_PER_FOOT,
        minima=Minima(
            horizontal_m=settings.terminal_sep_h_nm * METRES_PER_NAUTICAL_MILE,
            vertical_m=settings.terminal_sep_v_ft * METRES_PER_FOOT,
        ),
        tower_radius_m=settings.tower_radius_nm * METRES_PER_NAUTICAL_MILE,
        tower_height_m=settings.tower_height_ft * METRES_PER_FOOT,
    )


def terminal_areas_for(settings: Settings) -> TerminalAreas | None:
    """The terminal areas the settings name, with the settings' rules."""
    return terminal_areas(settings.terminal_aerodromes, terminal_rules(settings))
