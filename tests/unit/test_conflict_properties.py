"""Properties every conflict rule must have, checked on generated volumes."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from builders import square, tagged, volume
from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.conflict import Separation, conflict_between
from deconflict.domain.footprint import circle_footprint
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import Volume4D

lons = st.floats(min_value=-179.0, max_value=179.0)
lats = st.floats(min_value=-84.0, max_value=84.0)


@st.composite
def volumes(draw: st.DrawFn, lon: float | None = None, lat: float | None = None) -> Volume4D:
    centre_lon = draw(lons) if lon is None else lon + draw(st.floats(-0.2, 0.2))
    centre_lat = draw(lats) if lat is None else lat + draw(st.floats(-0.2, 0.2))
    if draw(st.booleans()):
        fp = circle_footprint((centre_lon, centre_lat), draw(st.floats(100, 20_000)))
    else:
        fp = square(centre_lon, centre_lat, draw(st.floats(0.01, 0.3)))
    lower = draw(st.floats(-100, 10_000))
    start = draw(st.floats(0, 300))
    return volume(fp, lower, lower + draw(st.floats(10, 3_000)), start, start + draw(st.floats(1, 240)))


margins = st.builds(Separation, st.sampled_from([0.0, 500.0, 5_000.0]), st.sampled_from([0.0, 150.0]))


@st.composite
def nearby_pairs(draw: st.DrawFn) -> tuple[Volume4D, Volume4D]:
    lon, lat = draw(lons), draw(lats)
    return draw(volumes(lon, lat)), draw(volumes(lon, lat))


@settings(max_examples=150, deadline=None)
@given(nearby_pairs(), margins)
def test_conflict_is_symmetric(pair: tuple[Volume4D, Volume4D], margin: Separation) -> None:
    a, b = tagged("blue", "a", pair[0]), tagged("red", "b", pair[1])
    assert conflict_between(a, b, margin) == conflict_between(b, a, margin)


@settings(max_examples=100, deadline=None)
@given(volumes(), margins)
def test_a_volume_always_conflicts_with_its_copy_from_another_party(
    vol: Volume4D, margin: Separation
) -> None:
    conflict = conflict_between(tagged("blue", "a", vol), tagged("red", "b", vol), margin)
    assert conflict is not None
    assert conflict.distance_m == 0
    assert conflict.window == vol.window


def _shrunk(vol: Volume4D, fraction: float) -> Volume4D:
    polygon = vol.footprint.polygon
    inner = polygon.buffer(-fraction * (polygon.bounds[2] - polygon.bounds[0]) / 4)
    if inner.is_empty or inner.geom_type != "Polygon":
        inner = polygon
    band = AltitudeBand(
        vol.altitude.lower_m + fraction * (vol.altitude.upper_m - vol.altitude.lower_m) / 3,
        vol.altitude.upper_m - fraction * (vol.altitude.upper_m - vol.altitude.lower_m) / 3,
    )
    window = TimeWindow(vol.window.start + (vol.window.duration * fraction) / 3, vol.window.end)
    return Volume4D(replace(vol.footprint, polygon=inner), band, window)


@settings(max_examples=150, deadline=None)
@given(nearby_pairs(), margins, st.floats(0.05, 0.9))
def test_shrinking_a_volume_never_adds_a_conflict(
    pair: tuple[Volume4D, Volume4D], margin: Separation, fraction: float
) -> None:
    a, b = tagged("blue", "a", pair[0]), tagged("red", "b", pair[1])
    smaller = tagged("blue", "a", _shrunk(pair[0], fraction))
    if conflict_between(a, b, margin) is None:
        assert conflict_between(smaller, b, margin) is None
