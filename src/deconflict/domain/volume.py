"""The 4D volume: footprint × altitude band × time window (× frequency band, for spectrum)."""

from __future__ import annotations

from dataclasses import dataclass

from .altitude import AltitudeBand
from .errors import InvalidInput
from .footprint import Footprint
from .spectrum import FrequencyBand, check_eirp_dbm
from .timewindow import TimeWindow

__all__ = ["TaggedVolume", "Volume4D", "VolumeRef"]


@dataclass(frozen=True, slots=True)
class Volume4D:
    """Where, how high and when; a spectrum volume adds its band and, for an emission, its
    maximum power (EIRP, dBm). Volumes of the other domains carry neither."""

    footprint: Footprint
    altitude: AltitudeBand
    window: TimeWindow
    band: FrequencyBand | None = None
    eirp_dbm: float | None = None

    def __post_init__(self) -> None:
        if self.eirp_dbm is not None:
            if self.band is None:
                raise InvalidInput("a power (eirp_dbm) needs a frequency band", field="eirp_dbm")
            check_eirp_dbm(self.eirp_dbm)


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
