"""Spectrum: bands overlap by a positive width, FSPL reach, and the spectrum conflict rule."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from builders import square, tagged, volume
from deconflict.domain.conflict import Separation, conflict_between, conflicts_against, find_conflicts
from deconflict.domain.errors import InvalidInput
from deconflict.domain.footprint import circle_footprint
from deconflict.domain.spectrum import (
    EmissionReach,
    FrequencyBand,
    free_space_path_loss_db,
    interference_range_m,
)
from deconflict.domain.volume import Volume4D

MHZ = 1e6


def banded(
    vol: Volume4D | None = None, low_mhz: float = 100.0, high_mhz: float = 200.0, eirp: float | None = None
) -> Volume4D:
    return replace(vol or volume(), band=FrequencyBand(low_mhz * MHZ, high_mhz * MHZ), eirp_dbm=eirp)


# bands


def test_bands_overlap_only_by_a_positive_width() -> None:
    vhf = FrequencyBand(100 * MHZ, 200 * MHZ)
    assert vhf.overlaps(FrequencyBand(150 * MHZ, 300 * MHZ))
    assert vhf.shared(FrequencyBand(150 * MHZ, 300 * MHZ)) == FrequencyBand(150 * MHZ, 200 * MHZ)
    assert not vhf.overlaps(FrequencyBand(200 * MHZ, 300 * MHZ))  # a common edge is a hand-over
    assert vhf.shared(FrequencyBand(200 * MHZ, 300 * MHZ)) is None
    assert not vhf.overlaps(FrequencyBand(300 * MHZ, 400 * MHZ))
    assert vhf.overlaps(FrequencyBand(120 * MHZ, 130 * MHZ))  # contained
    assert vhf.overlaps(vhf)


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        (0.0, 1e6, "band_low_hz"),
        (-5.0, 1e6, "band_low_hz"),
        (math.nan, 1e6, "band_low_hz"),
        (2e6, 1e6, "band_high_hz"),
        (1e6, 1e6, "band_high_hz"),
        (1e6, math.inf, "band_high_hz"),
        (1e6, 4e12, "band_high_hz"),
    ],
)
def test_a_band_must_be_positive_finite_and_ordered(low: float, high: float, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        FrequencyBand(low, high)
    assert error.value.field == field


def test_a_power_needs_a_band_and_a_sane_value() -> None:
    with pytest.raises(InvalidInput) as no_band:
        replace(volume(), eirp_dbm=30.0)
    assert no_band.value.field == "eirp_dbm"
    for bad in (math.nan, 500.0, -300.0):
        with pytest.raises(InvalidInput):
            banded(eirp=bad)
    assert banded(eirp=30.0).eirp_dbm == 30.0


# free-space path loss


def test_fspl_matches_the_textbook_value() -> None:
    # 1 km at 1 GHz: 60 + 180 − 147.55 = 92.45 dB.
    assert free_space_path_loss_db(1_000.0, 1e9) == pytest.approx(92.45)
    # Doubling the distance or the frequency adds 20 log10(2) ≈ 6.02 dB.
    assert free_space_path_loss_db(2_000.0, 1e9) - free_space_path_loss_db(1_000.0, 1e9) == pytest.approx(
        6.0206, abs=1e-4
    )
    with pytest.raises(InvalidInput):
        free_space_path_loss_db(0.0, 1e9)


@pytest.mark.parametrize(("eirp", "freq"), [(30.0, 400e6), (60.0, 2.8e9), (-10.0, 5.8e9), (0.0, 30e6)])
def test_interference_range_is_where_the_signal_falls_to_the_threshold(eirp: float, freq: float) -> None:
    distance = interference_range_m(eirp, freq, -110.0)
    assert eirp - free_space_path_loss_db(distance, freq) == pytest.approx(-110.0)


def test_interference_range_known_value_and_scaling() -> None:
    # 20 dBm at 1 GHz down to −110 dBm: 130 dB of loss; 20 log10 d = 130 − 180 + 147.55 → d ≈ 75.4 km.
    assert interference_range_m(20.0, 1e9) == pytest.approx(10 ** (97.55 / 20), rel=1e-9)
    assert interference_range_m(20.0, 1e9) == pytest.approx(75_423, rel=1e-3)
    # 20 dB more power: ten times the range; a stricter threshold reaches further.
    assert interference_range_m(40.0, 1e9) == pytest.approx(10 * interference_range_m(20.0, 1e9))
    assert interference_range_m(20.0, 1e9, -120.0) > interference_range_m(20.0, 1e9, -110.0)


def test_emission_reach_is_capped_and_zero_without_power() -> None:
    reach = EmissionReach(-110.0, 50_000.0)
    assert reach.reach_m(None, 1e9) == 0.0
    assert reach.reach_m(90.0, 1e9) == 50_000.0  # free space says thousands of km
    assert reach.reach_m(-20.0, 1e9) == pytest.approx(interference_range_m(-20.0, 1e9))
    with pytest.raises(InvalidInput):
        EmissionReach(cap_m=-1.0)


# the conflict rule


def test_spectrum_volumes_conflict_only_when_bands_overlap() -> None:
    a = tagged("blue", "a", banded(low_mhz=100, high_mhz=200, eirp=30))
    b = tagged("red", "b", banded(low_mhz=150, high_mhz=250, eirp=30))
    assert conflict_between(a, b) is not None
    edge = tagged("red", "c", banded(low_mhz=200, high_mhz=250, eirp=30))
    assert conflict_between(a, edge) is None
    apart = tagged("red", "d", banded(low_mhz=300, high_mhz=400, eirp=30))
    assert conflict_between(a, apart) is None


def test_an_emission_and_a_volume_without_a_band_never_conflict() -> None:
    emission = tagged("blue", "jam", banded(eirp=60))
    flight = tagged("red", "flight", volume())
    assert conflict_between(emission, flight) is None
    assert conflict_between(flight, emission) is None
    assert conflict_between(emission, flight, Separation(10_000, 300, EmissionReach())) is None
    assert find_conflicts([emission, flight]) == []


def test_band_overlap_still_needs_space_altitude_and_time() -> None:
    a = tagged("blue", "a", banded(volume(square(10.0, 50.0), 0, 1000, 0, 60), eirp=None))
    later = tagged("red", "b", banded(volume(square(10.0, 50.0), 0, 1000, 60, 120), eirp=None))
    higher = tagged("red", "c", banded(volume(square(10.0, 50.0), 2000, 3000, 0, 60), eirp=None))
    elsewhere = tagged("red", "d", banded(volume(square(11.0, 50.0)), eirp=None))
    for other in (later, higher, elsewhere):
        assert conflict_between(a, other) is None


def test_an_emissions_reach_grows_the_horizontal_margin() -> None:
    # Two circles 1 km across, centres ~20 km apart on the meridian.
    here = circle_footprint((10.0, 50.0), 500)
    there = circle_footprint((10.0, 50.18), 500)
    reach = EmissionReach(-110.0, 100_000.0)
    jammer = tagged("blue", "jam", banded(volume(here), 100, 200, eirp=20.0))
    entry = tagged("red", "protected", banded(volume(there), 150, 160, eirp=None))
    assert conflict_between(jammer, entry) is None  # no reach: the areas are apart
    grown = conflict_between(jammer, entry, Separation(reach=reach))
    assert grown is not None
    assert grown.distance_m == pytest.approx(19_000, rel=0.02)
    # At the shared band's lowest frequency (150 MHz) 20 dBm reaches ~500 km: capped at 100 km.
    assert conflict_between(jammer, entry, Separation(reach=EmissionReach(cap_m=15_000))) is None
    # A weak emitter reaches less far than the gap.
    weak = tagged("blue", "weak", banded(volume(here), 100, 200, eirp=-40.0))
    assert interference_range_m(-40.0, 150e6) < 19_000
    assert conflict_between(weak, entry, Separation(reach=reach)) is None
    # Two entries (no power) do not grow the margin.
    entry_here = tagged("blue", "entry", banded(volume(here), 100, 200))
    assert conflict_between(entry_here, entry, Separation(reach=reach)) is None


def test_searches_find_an_emitter_whose_reach_extends_beyond_its_area() -> None:
    reach = Separation(reach=EmissionReach(cap_m=50_000))
    jammer = tagged("blue", "jam", banded(volume(circle_footprint((10.0, 50.0), 500)), eirp=40.0))
    entry = tagged("red", "entry", banded(volume(circle_footprint((10.3, 50.0), 500))))  # ~21 km east
    assert [c.pair for c in find_conflicts([jammer, entry], reach)] == [(jammer.ref, entry.ref)]
    assert len(conflicts_against([entry], [jammer], reach)) == 1
    assert len(conflicts_against([jammer], [entry], reach)) == 1
    far = tagged("red", "far", banded(volume(circle_footprint((11.0, 50.0), 500))))  # ~70 km: beyond the cap
    assert conflicts_against([far], [jammer], reach) == []


def test_separation_search_pad_covers_the_cap_for_banded_volumes_only() -> None:
    margin = Separation(1_000, 0, EmissionReach(cap_m=30_000))
    assert margin.search_m(volume()) == 1_000
    assert margin.search_m(banded()) == 30_000
    assert Separation(1_000).search_m(banded()) == 1_000
