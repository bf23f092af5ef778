"""The conflict properties again, with frequency bands, powers and emission reach in play."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from test_conflict_properties import nearby_pairs, volumes

from builders import tagged
from deconflict.domain.conflict import Separation, conflict_between, conflicts_against, find_conflicts
from deconflict.domain.spectrum import EmissionReach, FrequencyBand
from deconflict.domain.volume import Volume4D

# Bands on a coarse grid (MHz) so that shared edges and exact overlaps come up often.
edges = st.integers(min_value=1, max_value=12).map(lambda n: n * 50e6)


@st.composite
def bands(draw: st.DrawFn) -> FrequencyBand:
    low = draw(edges)
    return FrequencyBand(low, low + draw(st.integers(1, 4)) * 50e6)


@st.composite
def spectrum_volume(draw: st.DrawFn, base: Volume4D) -> Volume4D:
    """``base`` with no band, a band (an entry), or a band and a power (an emission)."""
    kind = draw(st.sampled_from(["none", "entry", "emission"]))
    if kind == "none":
        return base
    eirp = draw(st.floats(-60, 60)) if kind == "emission" else None
    return replace(base, band=draw(bands()), eirp_dbm=eirp)


@st.composite
def spectrum_pairs(draw: st.DrawFn) -> tuple[Volume4D, Volume4D]:
    a, b = draw(nearby_pairs())
    return draw(spectrum_volume(a)), draw(spectrum_volume(b))


margins = st.builds(
    Separation,
    st.sampled_from([0.0, 500.0]),
    st.sampled_from([0.0, 150.0]),
    st.sampled_from([None, EmissionReach(cap_m=5_000.0), EmissionReach(-90.0, 40_000.0)]),
)


@settings(max_examples=200, deadline=None)
@given(spectrum_pairs(), margins)
def test_spectrum_conflict_is_symmetric(pair: tuple[Volume4D, Volume4D], margin: Separation) -> None:
    a, b = tagged("blue", "a", pair[0]), tagged("red", "b", pair[1])
    assert conflict_between(a, b, margin) == conflict_between(b, a, margin)


@settings(max_examples=200, deadline=None)
@given(spectrum_pairs(), margins)
def test_banded_and_unbanded_volumes_never_conflict(
    pair: tuple[Volume4D, Volume4D], margin: Separation
) -> None:
    a, b = tagged("blue", "a", pair[0]), tagged("red", "b", pair[1])
    if (pair[0].band is None) != (pair[1].band is None):
        assert conflict_between(a, b, margin) is None
    if pair[0].band is not None and pair[1].band is not None and not pair[0].band.overlaps(pair[1].band):
        assert conflict_between(a, b, margin) is None


@settings(max_examples=100, deadline=None)
@given(volumes(), bands(), st.one_of(st.none(), st.floats(-60, 60)), margins)
def test_a_spectrum_volume_conflicts_with_its_copy(
    vol: Volume4D, band: FrequencyBand, eirp: float | None, margin: Separation
) -> None:
    banded = replace(vol, band=band, eirp_dbm=eirp)
    conflict = conflict_between(tagged("blue", "a", banded), tagged("red", "b", banded), margin)
    assert conflict is not None and conflict.distance_m == 0


@settings(max_examples=150, deadline=None)
@given(spectrum_pairs(), margins, st.floats(0.0, 0.9), st.floats(0.0, 30.0))
def test_narrowing_the_band_or_lowering_the_power_never_adds_a_conflict(
    pair: tuple[Volume4D, Volume4D], margin: Separation, cut: float, less_db: float
) -> None:
    a, b = tagged("blue", "a", pair[0]), tagged("red", "b", pair[1])
    if pair[0].band is None or conflict_between(a, b, margin) is not None:
        return
    band = pair[0].band
    narrower = FrequencyBand(band.low_hz + cut * band.width_hz / 2, band.high_hz - cut * band.width_hz / 2)
    eirp = None if pair[0].eirp_dbm is None else pair[0].eirp_dbm - less_db
    smaller = tagged("blue", "a", replace(pair[0], band=narrower, eirp_dbm=eirp))
    assert conflict_between(smaller, b, margin) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(spectrum_pairs(), min_size=1, max_size=4), margins)
def test_the_searches_agree_with_pairwise_checks(
    pairs: list[tuple[Volume4D, Volume4D]], margin: Separation
) -> None:
    vols = [
        tagged(p, f"{p}-{i}", v)
        for i, pair in enumerate(pairs)
        for p, v in zip(("blue", "red"), pair, strict=True)
    ]
    expected = sorted(
        (c.pair for i, x in enumerate(vols) for y in vols[i + 1 :] if (c := conflict_between(x, y, margin))),
    )
    assert [c.pair for c in find_conflicts(vols, margin)] == expected
    blues = [v for v in vols if v.party == "blue"]
    reds = [v for v in vols if v.party == "red"]
    assert {c.pair for c in conflicts_against(blues, reds, margin)} == set(expected)
