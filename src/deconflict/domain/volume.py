"""The 4D volume: footprint × altitude band × time window."""

from __future__ import annotations

from dataclasses import dataclass

from .altitude import AltitudeBand
from .footprint import Footprint
from .timewindow import TimeWindow

__all__ = ["TaggedVolume", "Volume4D", "VolumeRef"]


@dataclass(frozen=True, slots=True)
class Volume4D:
    footprint: Footprint
    altitude: AltitudeBand
    window: TimeWindow


@dataclass(frozen=True, slots=True, order=True)
class VolumeRef:
    """Which volume: the owning party, its operation (or zone) and the volume's index."""

    party: str
    operation: str
    index: int = 0


@dataclass(frozen=True, slots=True)
class TaggedVolume:
    ref: VolumeRef
    volume: Volume4D

    @property
    def party(self) -> str:
        return self.ref.party
