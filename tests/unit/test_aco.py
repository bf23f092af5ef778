"""USMTF ACO airspace control measures: read, written back the same, declared; nothing dropped silently."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deconflict.domain.activity import ActivityDomain
from deconflict.domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit
from deconflict.domain.errors import InvalidInput
from deconflict.domain.footprint import (
    CircleSpec,
    CorridorSpec,
    FootprintKind,
    PolygonSpec,
    RacetrackSpec,
    geod,
)
from deconflict.domain.timewindow import TimeWindow
from deconflict.formats.aco import (
    AcoParseResult,
    OrbitSide,
    format_aco,
    parse_aco,
    to_declaration,
)
from deconflict.geoid import egm96

HEADER = """\
EXER/BLUE FLAG 26//
MSGID/ACO/JACC/001/NOV/CHG/01//
ACOID/EAST MED AO/22A//
GEODATUM/WGE//
PERIOD/220000ZNOV2026/230000ZNOV2026//
"""

POLYGON_ROZ = """\
ACMID/ACM:ROZ/NAME:ROZ ALPHA/POLYGON/USE:ROZ//
POLYGON/351200N0334500E/351200N0340000E/350000N0340000E/350000N0334500E//
EFFLEVEL/FLFL:FL050-FL250//
APERIOD/DISCRETE/221000ZNOV2026/221400ZNOV2026//
APERIOD/DISCRETE/221800ZNOV/222000ZNOV//
"""

CIRCLE_ROA = """\
ACMID/ACM:ROA/NAME:UAS HOLD/CIRCLE/USE:UAS//
CIRCLE/LATS:351200N0334500E/10NM//
EFFLEVEL/RARA:005AMSL-030AMSL//
APERIOD/DISCRETE/221000ZNOV2026/221200ZNOV2026//
AMPN/CONTACT CHALLENGER ON 243.0//
"""

CORRIDOR = """\
ACMID/ACM:CORRTE/NAME:SKY ONE/CORRIDOR/USE:SAAFR//
CORRIDOR/WIDTH:10NM/351200N0334500E/352000N0340000E/353000N0341000E//
EFFLEVEL/RAFL:1000FT-FL100//
APERIOD/DISCRETE/221000ZNOV2026/221400ZNOV2026//
"""

ORBIT = """\
ACMID/ACM:ROA/NAME:TANKER 1/ORBIT/USE:AAR//
AORBIT/351200N0334500E/352000N0340000E/WIDTH:20NM/ORBALN:C//
EFFLEVEL/FLFL:FL200-FL240//
APERIOD/DISCRETE/221000ZNOV2026/221600ZNOV2026//
"""

# A set we do not read (CONTROLA) inside a measure, and a measure of a shape we do not read.
WITH_UNKNOWN = """\
ACMID/ACM:ROZ/NAME:ROZ BRAVO/POLYGON//
POLYGON/3512N03345E/3512N03400E/3500N03400E//
EFFLEVEL/BRFL:MSL-FL100//
CONTROLA/ARMY ATC/123.45//
ACMID/ACM:ROZ/NAME:ARC ONE/RADARC//
RADARC/351200N0334500E/000T/090T/5NM/10NM//
EFFLEVEL/FLFL:FL050-FL250//
"""

MESSAGES = [
    HEADER + POLYGON_ROZ,
    HEADER + CIRCLE_ROA,
    HEADER + CORRIDOR,
    HEADER + ORBIT,
    HEADER + WITH_UNKNOWN,
]


def test_polygon_roz_reads_every_part() -> None:
    result = parse_aco(HEADER + POLYGON_ROZ)
    [roz] = result.measures
    assert (roz.acm_type, roz.name, roz.use) == ("ROZ", "ROZ ALPHA", "ROZ")
    assert roz.altitude == AltitudeSpec(50.0, 250.0, AltitudeRef.FL)
    assert roz.periods == (
        TimeWindow(datetime(2026, 11, 22, 10, tzinfo=UTC), datetime(2026, 11, 22, 14, tzinfo=UTC)),
        TimeWindow(datetime(2026, 11, 22, 18, tzinfo=UTC), datetime(2026, 11, 22, 20, tzinfo=UTC)),
    )
    assert roz.footprint.kind is FootprintKind.POLYGON
    assert isinstance(roz.footprint.spec, PolygonSpec)
    assert roz.footprint.spec.exterior[0] == (33.75, 35.2)
    assert not roz.footprint.polygon.exterior.is_ccw
    assert result.unknown_sets == ()
    assert result.describe_unknown() == []
    assert [name for _, name in result.header_sets] == ["EXER", "MSGID", "ACOID", "GEODATUM", "PERIOD"]


def test_positions_parse_exactly_in_every_form() -> None:
    polygon = "POLYGON/351230.5N0334515W/3512.25S03345.5E/351200N0334500E//"
    [roz] = parse_aco(HEADER + POLYGON_ROZ.replace(POLYGON_ROZ.splitlines()[1], polygon)).measures
    assert isinstance(roz.footprint.spec, PolygonSpec)
    # Exact rationals rounded once, so 351200N is exactly the float 35.2.
    assert set(roz.footprint.spec.exterior) == {
        (
            -float(33 + Fraction(45, 60) + Fraction(15, 3600)),
            float(35 + Fraction(12, 60) + Fraction("30.5") / 3600),
        ),
        (float(33 + Fraction("45.5") / 60), -float(35 + Fraction("12.25") / 60)),
        (33.75, 35.2),
    }


def test_polygon_area_is_plausible() -> None:
    [roz] = parse_aco(HEADER + POLYGON_ROZ).measures
    # 12' of latitude by 15' of longitude at 35.1° N.
    expected = (12 * 1852.0) * (15 * 1852.0 * math.cos(math.radians(35.1)))
    assert roz.footprint.area_m2() == pytest.approx(expected, rel=0.01)


def test_circle_reads_centre_radius_feet_and_remarks() -> None:
    [roa] = parse_aco(HEADER + CIRCLE_ROA).measures
    assert isinstance(roa.footprint.spec, CircleSpec)
    assert roa.footprint.spec.centre == (33.75, 35.2)
    assert roa.footprint.spec.radius_m == 18_520.0
    assert roa.footprint.area_m2() == pytest.approx(math.pi * 18_520.0**2, rel=0.01)
    assert roa.altitude == AltitudeSpec(500.0, 3000.0, AltitudeRef.MSL, AltitudeUnit.FT)
    assert roa.remarks == ("CONTACT CHALLENGER ON 243.0",)
    alternative = CIRCLE_ROA.replace(
        "CIRCLE/LATS:351200N0334500E/10NM//", "CIRCLE/351200N0334500E/RADIUS:10NM//"
    )
    assert parse_aco(HEADER + alternative).measures == (roa,)


def test_corridor_width_is_the_full_width() -> None:
    [corridor] = parse_aco(HEADER + CORRIDOR).measures
    assert isinstance(corridor.footprint.spec, CorridorSpec)
    assert corridor.footprint.spec.half_width_m == 5 * 1852.0
    assert len(corridor.footprint.spec.route) == 3
    # RAFL: feet above MSL up to a flight level, both as MSL feet.
    assert corridor.altitude == AltitudeSpec(1000.0, 10_000.0, AltitudeRef.MSL, AltitudeUnit.FT)
    with_set = CORRIDOR.replace("CORRIDOR/WIDTH:10NM/", "CORRWIDTH/10NM//\nCORRIDOR/")
    assert parse_aco(HEADER + with_set).measures == (corridor,)


def test_centred_orbit_is_a_racetrack_on_the_line() -> None:
    [orbit] = parse_aco(HEADER + ORBIT).measures
    spec = orbit.footprint.spec
    assert isinstance(spec, RacetrackSpec)
    assert (spec.first, spec.second, spec.width_m) == ((33.75, 35.2), (34.0, 35 + 20 / 60), 20 * 1852.0)
    assert orbit.orbit_offset is None


@pytest.mark.parametrize(("side", "sign"), [("L", 1), ("R", -1)])
def test_orbit_to_one_side_is_shifted_by_half_its_width(side: str, sign: int) -> None:
    [orbit] = parse_aco(HEADER + ORBIT.replace("ORBALN:C", f"ORBALN:{side}")).measures
    assert orbit.orbit_offset is not None
    assert orbit.orbit_offset.side is OrbitSide(side)
    spec = orbit.footprint.spec
    assert isinstance(spec, RacetrackSpec)
    # The line runs north-east; left of it is north-west, so the first turn point moves north.
    _, _, moved_m = geod().inv(33.75, 35.2, *spec.first)
    assert moved_m == pytest.approx(10 * 1852.0, rel=1e-6)
    assert (spec.first[1] - 35.2) * sign > 0
    assert parse_aco(format_aco([orbit])).measures == (orbit,)


def test_corridor_with_a_short_leg_is_read() -> None:
    short = CORRIDOR.replace("353000N0341000E", "352010N0340000E")  # a 300 m last leg
    [corridor] = parse_aco(HEADER + short).measures
    assert corridor.footprint.kind is FootprintKind.CORRIDOR


def test_several_measures_in_one_message_keep_their_order() -> None:
    result = parse_aco(HEADER + POLYGON_ROZ + CIRCLE_ROA + CORRIDOR + ORBIT)
    assert [m.name for m in result.measures] == ["ROZ ALPHA", "UAS HOLD", "SKY ONE", "TANKER 1"]


def test_measure_without_aperiod_takes_the_message_period() -> None:
    [orbit] = parse_aco(HEADER + "\n".join(ORBIT.splitlines()[:3]) + "\n").measures
    assert orbit.periods == (
        TimeWindow(datetime(2026, 11, 22, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)),
    )


def test_unknown_sets_and_unread_shapes_are_reported_not_dropped() -> None:
    result = parse_aco(HEADER + WITH_UNKNOWN)
    assert [m.name for m in result.measures] == ["ROZ BRAVO"]
    assert result.unknown_sets == ((9, "CONTROLA"), (11, "RADARC"))
    [skipped] = result.skipped
    assert (skipped.line, skipped.name) == (10, "ARC ONE")
    report = result.describe_unknown()
    assert "line 9: set CONTROLA not understood; not used" in report
    assert any(line.startswith("line 10: ACM ARC ONE skipped") and "RADARC" in line for line in report)


@pytest.mark.parametrize(
    ("efflevel", "expected"),
    [
        ("FLFL:FL050-FL250", AltitudeSpec(50, 250, AltitudeRef.FL)),
        ("RAFL:1000FT-FL100", AltitudeSpec(1000, 10_000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("RAFL:070AMSL-FL280", AltitudeSpec(7000, 28_000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("RARA:500FT-3000FT", AltitudeSpec(500, 3000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("RARA:005AMSL-030AMSL", AltitudeSpec(500, 3000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("BRFL:MSL-FL100", AltitudeSpec(0, 10_000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("BRRA:GL-020AMSL", AltitudeSpec(0, 2000, AltitudeRef.MSL, AltitudeUnit.FT)),
        ("FL050-FL250", AltitudeSpec(50, 250, AltitudeRef.FL)),
    ],
)
def test_efflevel_variants(efflevel: str, expected: AltitudeSpec) -> None:
    [orbit] = parse_aco(HEADER + ORBIT.replace("FLFL:FL200-FL240", efflevel)).measures
    assert orbit.altitude == expected
    assert parse_aco(format_aco([orbit])).measures == (orbit,)


def test_heights_above_ground_are_taken_as_msl_and_say_so() -> None:
    result = parse_aco(HEADER + ORBIT.replace("FLFL:FL200-FL240", "RARA:000AGL-020AGL"))
    assert result.measures[0].altitude == AltitudeSpec(0, 2000, AltitudeRef.MSL, AltitudeUnit.FT)
    assert [line for line, _ in result.assumptions] == [8, 8]
    assert any("020AGL" in line and "line 8" in line for line in result.describe_unknown())


@pytest.mark.parametrize("text", MESSAGES)
def test_parse_format_parse_gives_the_same_measures(text: str) -> None:
    result = parse_aco(text)
    written = format_aco(result.measures)
    again = parse_aco(written)
    assert again.measures == result.measures
    assert again.unknown_sets == ()
    assert format_aco(again.measures) == written


def test_every_period_becomes_an_air_volume_of_one_declaration() -> None:
    [roz] = parse_aco(HEADER + POLYGON_ROZ).measures
    declaration = to_declaration(roz, egm96())
    assert declaration.domain is ActivityDomain.AIR
    assert (declaration.category, declaration.details) == ("roz", "USE: ROZ")
    assert [v.window for v in declaration.volumes] == list(roz.periods)
    assert declaration.volumes[0].altitude.declared == AltitudeSpec(50, 250, AltitudeRef.FL)
    assert declaration.volumes[0].footprint == roz.footprint


@pytest.mark.parametrize("shape", [CIRCLE_ROA, CORRIDOR, ORBIT, ORBIT.replace("ORBALN:C", "ORBALN:R")])
def test_every_shape_is_declared_with_its_own_footprint(shape: str) -> None:
    [measure] = parse_aco(HEADER + shape).measures
    [volume] = to_declaration(measure, egm96()).volumes
    assert volume.footprint.kind is measure.footprint.kind
    assert volume.footprint.polygon.equals(measure.footprint.polygon)


def _line_of(text: str, fragment: str) -> str:
    return f"line {next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)}"


@pytest.mark.parametrize(
    ("text", "fragment", "message"),
    [
        (HEADER + POLYGON_ROZ.replace("222000ZNOV//", "222000ZNOV"), "221800ZNOV", "not closed"),
        (HEADER + POLYGON_ROZ.replace("FL250//", "FL250/"), "EFFLEVEL", "one vertical dimension"),
        (
            HEADER + POLYGON_ROZ.replace("351200N0340000E/350000N", "351260N0340000E/350000N"),
            "POLYGON/35",
            "below 60",
        ),
        (
            HEADER + POLYGON_ROZ.replace("351200N0340000E/350000N", "35120N0340000E/350000N"),
            "POLYGON/35",
            "position",
        ),
        (HEADER + POLYGON_ROZ.replace("FLFL:FL050-FL250", "XXYY:FL050-FL250"), "EFFLEVEL", "variant XXYY"),
        (HEADER + POLYGON_ROZ.replace("FLFL:FL050-FL250", "FLFL:FL250-FL050"), "EFFLEVEL", "above"),
        (HEADER + POLYGON_ROZ.replace("FLFL:FL050-FL250", "RAFL:FL050-FL250"), "EFFLEVEL", "expects RA-FL"),
        (HEADER + POLYGON_ROZ.replace("221400ZNOV2026", "220900ZNOV2026"), "221000ZNOV2026", "after"),
        (HEADER + POLYGON_ROZ.replace("221000ZNOV2026", "321000ZNOV2026"), "321000Z", "not a valid time"),
        (HEADER + POLYGON_ROZ.replace("DISCRETE", "INTERVAL"), "INTERVAL", "INTERVAL"),
        (HEADER + POLYGON_ROZ.replace("EFFLEVEL/FLFL:FL050-FL250//\n", ""), "ACMID", "no EFFLEVEL"),
        (HEADER + POLYGON_ROZ.replace("/POLYGON/USE", "/CIRCLE/USE"), "POLYGON/35", "declared a CIRCLE"),
        (HEADER + POLYGON_ROZ.replace("ACM:ROZ/", ""), "ACMID", "ACM:<type>"),
        (HEADER.replace("WGE", "ED50") + POLYGON_ROZ, "GEODATUM", "WGS 84"),
        (POLYGON_ROZ, "221800ZNOV/", "no year"),
        (HEADER + CIRCLE_ROA.replace("/10NM//", "//"), "CIRCLE/LATS", "radius"),
        (HEADER + CORRIDOR.replace("WIDTH:10NM/", ""), "CORRIDOR/35", "WIDTH"),
        (HEADER + ORBIT.replace("ORBALN:C", "ORBALN:X"), "AORBIT", "ORBALN"),
        (HEADER + ORBIT.replace("352000N0340000E", "351200N0334500E"), "AORBIT", "distinct"),
    ],
)
def test_bad_input_names_the_line(text: str, fragment: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_aco(text)
    assert caught.value.field == _line_of(text, fragment)


def test_empty_message_has_no_measures_and_nothing_to_declare() -> None:
    assert parse_aco("") == AcoParseResult(())
    with pytest.raises(InvalidInput, match="no airspace control measure"):
        parse_aco(HEADER).declarable()
    only_skipped = parse_aco(HEADER + "ACMID/ACM:ROZ/NAME:ARC ONE/RADARC//\nRADARC/351200N0334500E//\n")
    with pytest.raises(InvalidInput, match="ACM ARC ONE"):
        only_skipped.declarable()


# Fuzzing: any text is either read or refused with InvalidInput, never another exception.

_PIECES = st.sampled_from(
    [
        "ACMID/ACM:ROZ/NAME:X/POLYGON//",
        "ACMID/",
        "POLYGON/",
        "CIRCLE/",
        "CORRIDOR/",
        "AORBIT/",
        "EFFLEVEL/",
        "APERIOD/DISCRETE/",
        "PERIOD/",
        "351200N0334500E/",
        "3512N03400E/",
        "995999S1805999W/",
        "RADIUS:10NM/",
        "WIDTH:0NM/",
        "ORBALN:L/",
        "FLFL:FL050-FL250/",
        "RARA:999AGL-000AMSL/",
        "221000ZNOV2026/",
        "290000ZFEB2027/",
        "//\n",
        "/",
        "\n",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=40))
def test_random_text_is_read_or_refused_with_invalid_input(pieces: list[str]) -> None:
    try:
        parse_aco("".join(pieces))
    except InvalidInput as error:
        assert error.field is not None and error.field.startswith("line ")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MESSAGES), st.data())
def test_mutated_messages_are_read_or_refused_with_invalid_input(text: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(text)))
    mutated = (
        text[:cut]
        + data.draw(st.one_of(st.text(max_size=6), _PIECES))
        + text[cut + data.draw(st.integers(0, 3)) :]
    )
    try:
        result = parse_aco(mutated)
    except InvalidInput as error:
        assert error.field is not None and error.field.startswith("line ")
    else:
        assert parse_aco(format_aco(result.measures)).measures == result.measures
