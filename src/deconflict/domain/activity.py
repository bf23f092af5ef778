"""The domains an operation can belong to."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ActivityDomain"]


class ActivityDomain(StrEnum):
    """Where an operation acts: in the air, at sea, on the ground, or in the spectrum."""

    AIR = "air"
    SEA = "sea"
    GROUND = "ground"
    SPECTRUM = "spectrum"
