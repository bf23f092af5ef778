"""Spectrum: frequency bands, and how far an emission reaches in free space.

A :class:`FrequencyBand` is the closed interval ``[low_hz, high_hz]``. Two bands
*overlap* only when they share a positive width: a band ending at 400 MHz and
one starting at 400 MHz meet at one frequency and do not overlap (the same
hand-over rule as time windows and stacked altitude blocks).

An emission declares its band, its area (where its emitters are) and its
maximum power as EIRP in dBm. Its effect reaches beyond that area; in free
space the received power (isotropic 0 dBi receiver) at distance ``d`` is
``EIRP − FSPL(d)``, with the free-space path loss

    FSPL(dB) = 20 log10(d_m) + 20 log10(f_hz) − 147.55

(147.55 dB = −20 log10(4π / c)). :func:`interference_range_m` solves
``EIRP − FSPL(d) = protection_dbm`` for ``d``: the distance beyond which the
emission falls below the protection threshold (default −110 dBm). It is
computed at the band's *lowest* frequency, where the loss is least.

Free space ignores the Earth's curvature, terrain and clutter, so it
over-states the range (conservative) and for any real emitter soon exceeds
the radio horizon; :class:`EmissionReach` therefore caps it
(``cap_m``, by default 100 km — about the radio horizon between two 150 m
masts on a 4/3 Earth). The reach grows the horizontal margin between an
emission and the volumes whose band it shares (see :mod:`.conflict`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import InvalidInput

__all__ = [
    "DEFAULT_PROTECTION_DBM",
    "DEFAULT_REACH_CAP_M",
    "FSPL_CONSTANT_DB",
    "MAX_EIRP_DBM",
    "MAX_FREQUENCY_HZ",
    "MIN_EIRP_DBM",
    "EmissionReach",
    "FrequencyBand",
    "check_eirp_dbm",
    "free_space_path_loss_db",
    "interference_range_m",
]

FSPL_CONSTANT_DB = 147.55  # −20 log10(4π / c), distance in metres and frequency in hertz
DEFAULT_PROTECTION_DBM = -110.0
DEFAULT_REACH_CAP_M = 100_000.0
MAX_FREQUENCY_HZ = 3e12  # 3,000 GHz: the upper end of the ITU radio spectrum
# Bounds on a declared power: from far below any receiver's noise floor to far above any
# emitter built (1 GW EIRP is 150 dBm); they keep the arithmetic finite.
MIN_EIRP_DBM = -200.0
MAX_EIRP_DBM = 200.0


@dataclass(frozen=True, slots=True)
class FrequencyBand:
    """A closed band ``[low_hz, high_hz]`` of radio frequencies, hertz."""

    low_hz: float
    high_hz: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low_hz) and 0 < self.low_hz <= MAX_FREQUENCY_HZ):
            raise InvalidInput(
                f"band_low_hz must be a frequency above 0 and up to {MAX_FREQUENCY_HZ:g} Hz",
                field="band_low_hz",
            )
        if not (math.isfinite(self.high_hz) and self.high_hz <= MAX_FREQUENCY_HZ):
            raise InvalidInput(
                f"band_high_hz must be a frequency up to {MAX_FREQUENCY_HZ:g} Hz", field="band_high_hz"
            )
        if not self.low_hz < self.high_hz:
            raise InvalidInput("band_high_hz must be above band_low_hz", field="band_high_hz")

    @property
    def width_hz(self) -> float:
        return self.high_hz - self.low_hz

    def shared(self, other: FrequencyBand) -> FrequencyBand | None:
        """The band both share, or None when they share no positive width."""
        low, high = max(self.low_hz, other.low_hz), min(self.high_hz, other.high_hz)
        return FrequencyBand(low, high) if low < high else None

    def overlaps(self, other: FrequencyBand) -> bool:
        """True when the bands share a positive width (a common edge frequency is not enough)."""
        return max(self.low_hz, other.low_hz) < min(self.high_hz, other.high_hz)


def check_eirp_dbm(value: float, field: str = "eirp_dbm") -> float:
    """A declared maximum power (EIRP, dBm): finite and within the stated bounds."""
    if not (math.isfinite(value) and MIN_EIRP_DBM <= value <= MAX_EIRP_DBM):
        raise InvalidInput(
            f"must be a power from {MIN_EIRP_DBM:g} to {MAX_EIRP_DBM:g} dBm (EIRP)", field=field
        )
    return float(value)


def free_space_path_loss_db(distance_m: float, frequency_hz: float) -> float:
    """FSPL in dB at ``distance_m`` (> 0, metres) and ``frequency_hz`` (> 0, hertz)."""
    if not (math.isfinite(distance_m) and distance_m > 0):
        raise InvalidInput("distance must be a positive number of metres", field="distance_m")
    if not (math.isfinite(frequency_hz) and frequency_hz > 0):
        raise InvalidInput("frequency must be a positive number of hertz", field="frequency_hz")
    return 20.0 * math.log10(distance_m) + 20.0 * math.log10(frequency_hz) - FSPL_CONSTANT_DB


def interference_range_m(
    eirp_dbm: float, frequency_hz: float, protection_dbm: float = DEFAULT_PROTECTION_DBM
) -> float:
    """Metres at which an emitter of ``eirp_dbm`` falls to ``protection_dbm`` in free space.

    Solves ``eirp_dbm − FSPL(d, frequency_hz) = protection_dbm``:
    ``d = 10 ** ((eirp_dbm − protection_dbm + 147.55 − 20 log10 f) / 20)``.
    The formula is the far-field one; for a weak emitter the answer can be under a
    metre, which is then what it is. Uncapped: see :class:`EmissionReach`.
    """
    check_eirp_dbm(eirp_dbm)
    if not (math.isfinite(frequency_hz) and frequency_hz > 0):
        raise InvalidInput("frequency must be a positive number of hertz", field="frequency_hz")
    if not (math.isfinite(protection_dbm) and MIN_EIRP_DBM <= protection_dbm <= MAX_EIRP_DBM):
        raise InvalidInput("the protection threshold must be a finite power in dBm", field="protection_dbm")
    exponent = (eirp_dbm - protection_dbm + FSPL_CONSTANT_DB - 20.0 * math.log10(frequency_hz)) / 20.0
    return float(10.0**exponent)


@dataclass(frozen=True, slots=True)
class EmissionReach:
    """How far beyond its area an emission is taken to interfere: FSPL range, capped.

    ``protection_dbm`` is the level a receiver must be kept below; ``cap_m`` the
    largest reach ever used (also how far the write path searches for spectrum
    conflicts, so it must be the same for every declaration in a theatre).
    """

    protection_dbm: float = DEFAULT_PROTECTION_DBM
    cap_m: float = DEFAULT_REACH_CAP_M

    def __post_init__(self) -> None:
        if not (math.isfinite(self.protection_dbm) and MIN_EIRP_DBM <= self.protection_dbm <= MAX_EIRP_DBM):
            raise InvalidInput(
                "the protection threshold must be a finite power in dBm", field="protection_dbm"
            )
        if not (math.isfinite(self.cap_m) and self.cap_m >= 0):
            raise InvalidInput("the reach cap must be a non-negative number of metres", field="cap_m")

    def reach_m(self, eirp_dbm: float | None, frequency_hz: float) -> float:
        """The reach of an emission at ``frequency_hz``; 0 for a volume that declares no power."""
        if eirp_dbm is None:
            return 0.0
        return min(self.cap_m, interference_range_m(eirp_dbm, frequency_hz, self.protection_dbm))
