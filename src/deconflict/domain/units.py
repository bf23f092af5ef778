"""Units carried in names and types, and the exact conversion factors."""

from __future__ import annotations

from typing import Annotated

Metres = Annotated[float, "m"]
Feet = Annotated[float, "ft"]
Seconds = Annotated[float, "s"]
Hertz = Annotated[float, "Hz"]
SquareMetres = Annotated[float, "m2"]

METRES_PER_FOOT = 0.3048  # exact, international foot
METRES_PER_NAUTICAL_MILE = 1852.0  # exact
METRES_PER_SECOND_PER_KNOT = METRES_PER_NAUTICAL_MILE / 3600.0
METRES_PER_SECOND_PER_FPM = METRES_PER_FOOT / 60.0


def feet_to_metres(feet: float) -> float:
    return feet * METRES_PER_FOOT


def metres_to_feet(metres: float) -> float:
    return metres / METRES_PER_FOOT


def nautical_miles_to_metres(nm: float) -> float:
    return nm * METRES_PER_NAUTICAL_MILE
