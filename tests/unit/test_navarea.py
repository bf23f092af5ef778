"""NAVAREA / NAVTEX warnings: read, written back the same, declared; bad text names the line."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deconflict.domain.activity import ActivityDomain
from deconflict.domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit
from deconflict.domain.errors import InvalidInput
from deconflict.domain.footprint import CircleSpec, FootprintKind, PolygonSpec
from deconflict.formats.navarea import (
    DEFAULT_CEILING_FT,
    WarningRef,
    format_navarea,
    parse_navarea,
    to_declaration,
)
from deconflict.geoid import egm96

EXERCISE_AREA = """\
NAVAREA III 123/26
EASTERN MEDITERRANEAN.
CYPRUS.
NAVAL EXERCISES.
1. 220600 UTC NOV 26 TO 221800 UTC NOV 26.
2. IN AREA BOUNDED BY
   34-40.00N 032-50.00E,
   34-40.00N 033-10.00E,
   34-20.00N 033-10.00E,
   34-20.00N 032-50.00E.
3. VESSELS ARE REQUESTED TO KEEP WELL CLEAR.
4. CANCEL THIS MSG 221900 UTC NOV 26.
"""

# NAVTEX-wrapped, area and locality on one line, month given once at the window's end.
CIRCLE_NAVTEX = """\
ZCZC HA12
NAVAREA III 124/26
EASTERN MEDITERRANEAN. CYPRUS.
HAZARDOUS OPERATIONS.
1. 302200 UTC TO 010400 UTC DEC 26.
2. WITHIN 5 NM OF 34-40.50N 032-50.00E.
3. CANCEL THIS MSG 010500 UTC DEC 26.
NNNN
"""

# Window and area inside a sentence of free text, labelled positions, a height as a flight level.
MISSILE_FIRING = """\
NAVAREA III 125/26
EASTERN MEDITERRANEAN.
SOUTH OF CRETE.
MISSILE FIRING.
1. MISSILE FIRING 240500 UTC NOV 26 TO 241100 UTC NOV 26 IN AREA BOUNDED BY
   A. 34-30.00N 024-00.00E
   B. 34-30.00N 025-00.00E
   C. 34-00.00N 025-00.00E
   D. 34-00.00N 024-00.00E.
2. SURFACE TO FL300.
3. CANCEL NAVAREA III 118/26.
"""

CANCELLATION = """\
NAVAREA III 130/26
EASTERN MEDITERRANEAN.
CYPRUS.
NAVAL EXERCISES.
1. CANCEL NAVAREA III 120/26, 121/26 AND THIS MSG.
"""

EXAMPLES = [EXERCISE_AREA, CIRCLE_NAVTEX, MISSILE_FIRING, CANCELLATION]


def test_polygon_exercise_area_reads_every_part() -> None:
    warning = parse_navarea(EXERCISE_AREA)
    assert warning.ref == WarningRef("NAVAREA III", 123, 2026)
    assert (warning.general_area, warning.locality, warning.subject) == (
        "EASTERN MEDITERRANEAN",
        "CYPRUS",
        "NAVAL EXERCISES",
    )
    assert warning.window is not None
    assert warning.window.start == datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
    assert warning.window.end == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    assert warning.cancel_at == datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    assert warning.notes == ("VESSELS ARE REQUESTED TO KEEP WELL CLEAR",)
    assert warning.altitude is None
    assert warning.footprint is not None
    assert warning.footprint.kind is FootprintKind.POLYGON
    assert isinstance(warning.footprint.spec, PolygonSpec)
    assert warning.footprint.spec.exterior[0] == (32 + 50 / 60, 34 + 40 / 60)


def test_polygon_area_is_plausible() -> None:
    warning = parse_navarea(EXERCISE_AREA)
    assert warning.footprint is not None
    # 20' of latitude by 20' of longitude at 34.5° N.
    expected = (20 * 1852.0) * (20 * 1852.0 * math.cos(math.radians(34.5)))
    assert warning.footprint.area_m2() == pytest.approx(expected, rel=0.01)


def test_circle_in_navtex_wrapper_reads_centre_radius_and_month_rollover() -> None:
    warning = parse_navarea(CIRCLE_NAVTEX)
    assert warning.navtex_id == "HA12"
    assert (warning.general_area, warning.locality) == ("EASTERN MEDITERRANEAN", "CYPRUS")
    assert warning.window is not None
    assert warning.window.start == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    assert warning.window.end == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    assert warning.footprint is not None
    spec = warning.footprint.spec
    assert isinstance(spec, CircleSpec)
    assert spec.centre == (32 + 50 / 60, 34.675)
    assert spec.radius_m == 5 * 1852.0
    assert warning.footprint.area_m2() == pytest.approx(math.pi * 9260.0**2, rel=0.01)


def test_positions_parse_exactly() -> None:
    warning = parse_navarea(CIRCLE_NAVTEX)
    assert warning.footprint is not None
    assert isinstance(warning.footprint.spec, CircleSpec)
    assert warning.footprint.spec.centre[1] == 34.675  # 34-40.50N
    southern = parse_navarea(CIRCLE_NAVTEX.replace("34-40.50N 032-50.00E", "12-30-36S 045-07.25W"))
    assert southern.footprint is not None
    assert isinstance(southern.footprint.spec, CircleSpec)
    assert southern.footprint.spec.centre == (-(45 + 7.25 / 60), -(12 + 30 / 60 + 36 / 3600))


def test_missile_firing_reads_height_and_keeps_the_free_text() -> None:
    warning = parse_navarea(MISSILE_FIRING)
    assert warning.altitude == AltitudeSpec(0.0, 30_000.0, AltitudeRef.MSL, AltitudeUnit.FT)
    assert warning.notes == ("MISSILE FIRING",)
    assert warning.cancels == (WarningRef("NAVAREA III", 118, 2026),)
    assert warning.footprint is not None
    assert warning.footprint.kind is FootprintKind.POLYGON


def test_height_in_feet_and_in_metres() -> None:
    feet = parse_navarea(MISSILE_FIRING.replace("SURFACE TO FL300", "2000 FEET TO 30000 FEET"))
    assert feet.altitude == AltitudeSpec(2000.0, 30_000.0, AltitudeRef.MSL, AltitudeUnit.FT)
    metres = parse_navarea(MISSILE_FIRING.replace("SURFACE TO FL300", "SFC TO 9000 M"))
    assert metres.altitude == AltitudeSpec(0.0, 9000.0, AltitudeRef.MSL, AltitudeUnit.M)


def test_cancellation_only_warning_has_no_area_and_declares_nothing() -> None:
    warning = parse_navarea(CANCELLATION)
    assert warning.cancels_only
    assert warning.window is None
    assert warning.cancels == (WarningRef("NAVAREA III", 120, 2026), WarningRef("NAVAREA III", 121, 2026))
    with pytest.raises(InvalidInput, match="only cancels"):
        to_declaration(warning, egm96())


@pytest.mark.parametrize("text", EXAMPLES)
def test_parse_format_parse_gives_the_same_warning(text: str) -> None:
    warning = parse_navarea(text)
    written = format_navarea(warning)
    assert parse_navarea(written) == warning
    assert format_navarea(parse_navarea(written)) == written


def test_polygons_are_accepted_either_way_round_and_written_clockwise() -> None:
    anticlockwise = EXERCISE_AREA.replace(
        "34-40.00N 032-50.00E,\n   34-40.00N 033-10.00E,\n   34-20.00N 033-10.00E,\n   34-20.00N 032-50.00E.",
        "34-40.00N 032-50.00E,\n   34-20.00N 032-50.00E,\n   34-20.00N 033-10.00E,\n   34-40.00N 033-10.00E.",
    )
    assert anticlockwise != EXERCISE_AREA
    assert parse_navarea(anticlockwise) == parse_navarea(EXERCISE_AREA)
    warning = parse_navarea(anticlockwise)
    assert warning.footprint is not None
    assert not warning.footprint.polygon.exterior.is_ccw
    written = format_navarea(warning)
    assert "34-40.00N 032-50.00E,\n   34-40.00N 033-10.00E," in written


def test_a_warning_is_declared_as_a_sea_volume_with_the_stated_band() -> None:
    warning = parse_navarea(MISSILE_FIRING)
    declaration = to_declaration(warning, egm96(), text=MISSILE_FIRING)
    assert declaration.domain is ActivityDomain.SEA
    assert declaration.details == MISSILE_FIRING.strip()
    [volume] = declaration.volumes
    assert warning.footprint is not None
    assert volume.footprint == warning.footprint
    assert volume.window == warning.window
    assert volume.altitude.declared == AltitudeSpec(0.0, 30_000.0, AltitudeRef.MSL, AltitudeUnit.FT)
    # 30,000 ft above MSL, plus the geoid (about 20 m south of Crete).
    assert volume.altitude.upper_m == pytest.approx(30_000 * 0.3048 + 20, abs=15)
    # Without the text as received, the details are the warning as this module writes it.
    assert parse_navarea(to_declaration(warning, egm96()).details) == warning


def test_warning_without_height_is_declared_from_the_surface_to_the_stated_ceiling() -> None:
    warning = parse_navarea(CIRCLE_NAVTEX)
    [volume] = to_declaration(warning, egm96()).volumes
    assert volume.altitude.declared == AltitudeSpec(0.0, DEFAULT_CEILING_FT, AltitudeRef.MSL, AltitudeUnit.FT)
    assert volume.footprint.kind is FootprintKind.CIRCLE
    [low] = to_declaration(warning, egm96(), ceiling_ft=5_000.0).volumes
    assert low.altitude.declared is not None and low.altitude.declared.upper == 5_000.0


def test_cancel_time_inside_the_window_ends_the_declared_volume() -> None:
    early = parse_navarea(EXERCISE_AREA.replace("CANCEL THIS MSG 221900", "CANCEL THIS MSG 221200"))
    [volume] = to_declaration(early, egm96()).volumes
    assert volume.window.end == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _line_of(text: str, fragment: str) -> str:
    return f"line {next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)}"


@pytest.mark.parametrize(
    ("text", "fragment", "message"),
    [
        (EXERCISE_AREA.replace("NAVAREA III 123/26", "NAVAREA III"), "NAVAREA III", "header"),
        (EXERCISE_AREA.replace("34-20.00N 033-10.00E", "34-61.00N 033-10.00E"), "34-61.00N", "below 60"),
        (EXERCISE_AREA.replace("34-20.00N 033-10.00E", "34-2O.00N 033-10.00E"), "34-2O.00N", "position"),
        (EXERCISE_AREA.replace("220600 UTC NOV 26 TO", "320600 UTC NOV 26 TO"), "320600", "not a valid time"),
        (EXERCISE_AREA.replace("221800 UTC NOV 26.", "210600 UTC NOV 26."), "TO 210600", "after"),
        (
            EXERCISE_AREA.replace("CANCEL THIS MSG 221900 UTC NOV 26", "CANCEL THIS MSG"),
            "CANCEL",
            "cancellation",
        ),
        (
            EXERCISE_AREA.replace("UTC NOV 26 TO 221800 UTC NOV 26", "UTC NOV 26 TO 221800 UTC NOVEMBER 26"),
            "1. ",
            "window",
        ),
        (
            EXERCISE_AREA.replace("3. VESSELS", "3. 230600 UTC NOV 26 TO 231800 UTC NOV 26. VESSELS"),
            "3. ",
            "second time window",
        ),
        (CIRCLE_NAVTEX.replace("WITHIN 5 NM OF 34-40.50N", "WITHIN 5 NM OF 34-40,50N"), "WITHIN", "circle"),
        (MISSILE_FIRING.replace("SURFACE TO FL300", "SURFACE TO HIGH ALTITUDE"), "SURFACE", "height"),
        (CIRCLE_NAVTEX.replace("WITHIN 5 NM OF 34-40.50N", "WITHIN 5 NM OF 89-40.50N"), "WITHIN", "latitude"),
        (EXERCISE_AREA.replace("CYPRUS.\nNAVAL EXERCISES.\n", ""), "EASTERN", "general area, locality"),
        (
            EXERCISE_AREA.replace(
                "34-20.00N 033-10.00E,\n   34-20.00N 032-50.00E.",
                "34-20.00N 032-50.00E,\n   34-20.00N 033-10.00E.",
            ),
            "IN AREA",
            "Self-intersection",
        ),
        ("ZCZC H\nNAVAREA III 1/26\n", "ZCZC", "NAVTEX"),
    ],
)
def test_bad_input_names_the_line(text: str, fragment: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_navarea(text)
    assert caught.value.field == _line_of(text, fragment)


def test_empty_text_is_refused_on_line_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_navarea("\n  \n")
    assert caught.value.field == "line 1"


def test_writing_refuses_a_note_on_two_lines() -> None:
    bad = replace(parse_navarea(EXERCISE_AREA), notes=("ONE\nTWO",))
    with pytest.raises(InvalidInput, match="single line"):
        format_navarea(bad)


# Fuzzing: any text is either read or refused with InvalidInput, never another exception.

_WORDS = st.sampled_from(
    [
        "NAVAREA III 1/26",
        "CANCEL",
        "THIS MSG",
        "AND",
        "WITHIN",
        "5 NM OF",
        "IN AREA BOUNDED BY",
        "34-40.00N 032-50.00E",
        "34-99.9N 999-00E",
        "89-59.99N 180-00.00W",
        "220600 UTC NOV 26",
        "TO",
        "SURFACE TO",
        "FL300",
        "30000 FEET",
        "0 M",
        "1.",
        "2.",
        ".",
        ",",
        "\n",
        "ZCZC AB12",
        "NNNN",
        "120/26",
        "999999 UTC FEB 00",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=40))
def test_random_text_is_read_or_refused_with_invalid_input(words: list[str]) -> None:
    try:
        parse_navarea(" ".join(words))
    except InvalidInput as error:
        assert error.field is not None and error.field.startswith("line ")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_mutated_warnings_are_read_or_refused_with_invalid_input(text: str, data: st.DataObject) -> None:
    lines = text.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    cut = data.draw(st.integers(0, len(lines[index])))
    lines[index] = lines[index][:cut] + data.draw(st.text(max_size=6)) + lines[index][cut + 1 :]
    try:
        warning = parse_navarea("\n".join(lines))
    except InvalidInput as error:
        assert error.field is not None and error.field.startswith("line ")
    else:
        assert parse_navarea(format_navarea(warning)) == warning
