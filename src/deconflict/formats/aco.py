"""USMTF Airspace Control Order (ACO) airspace control measures, read and written back.

An ACO is a sequence of slash-delimited sets, each ended by ``//`` (a set may
run over several lines; ``///`` ends one whose last field is empty). Each airspace control measure (ACM) starts at an ``ACMID`` set and
runs to the next one::

    ACMID/ACM:ROZ/NAME:ROZ ALPHA/POLYGON/USE:ROZ//
    POLYGON/351200N0334500E/351200N0340000E/350000N0340000E/350000N0334500E//
    EFFLEVEL/FLFL:FL050-FL250//
    APERIOD/DISCRETE/221000ZNOV2026/221400ZNOV2026//

Sets this module reads:

``ACMID``     ``ACM:`` (or ``OTR:``) type, ``NAME:`` (or ``DESIG:``) name, the shape
              (POLYGON, CIRCLE, CORRIDOR, ORBIT), optional ``USE:``.
``POLYGON``   three or more positions; accepted in either winding, kept and written clockwise.
``CIRCLE``    centre and radius: ``CIRCLE/351200N0334500E/RADIUS:10NM//`` or
              ``CIRCLE/LATS:351200N0334500E/10NM//``.
``CORRIDOR``  ``WIDTH:10NM`` (full width; or a ``CORRWIDTH/10NM//`` set) and two or
              more route positions.
``AORBIT``    two turn points, ``WIDTH:`` (full width of the racetrack) and
              ``ORBALN:C`` (centred on the line), ``L`` or ``R`` (the racetrack lies
              wholly to the left or right of the line, looking from the first point
              to the second: it is the centred racetrack shifted by half its width).
``EFFLEVEL``  ``FLFL:FL050-FL250``; ``RAFL:070AMSL-FL280``; ``RARA:005AMSL-030AMSL``;
              ``BRFL:MSL-FL100``; ``BRRA:GL-020AMSL``. A relative altitude is ``nnnAMSL``
              (hundreds of feet) or ``1000FT`` (feet). Bases SFC, GL and MSL are 0 ft
              MSL (ground level taken as sea level lowers the floor: conservative).
              Two flight levels stay flight levels; any other pair becomes MSL feet
              (FL × 100 ft, the ISA approximation of :mod:`deconflict.domain.altitude`).
              ``nnnAGL`` has no terrain model here: it is taken as MSL feet, which
              under-states the ceiling over high ground, and every such reading is
              listed in :attr:`AcoParseResult.assumptions`.
``APERIOD``   ``DISCRETE/221000ZNOV2026/221400ZNOV2026``, one period a set, any number
              of sets; times ``DDHHMMZMONYYYY`` (two-digit years and no year at all
              are accepted; the year then comes from the message ``PERIOD``).
``AMPN``, ``NARR``  remarks of the measure, kept.
``PERIOD``    the message period: the period of a measure without ``APERIOD``.
``GEODATUM``  must be WGS 84 (``WGE``); any other datum is refused.

Positions are ``DDMMSSN DDDMMSSE`` (``351200N0334500E``), ``DDMMN DDDMME``, with decimals
on the last part (``3512.5N``, ``351200.5N``; at most four), optionally behind
``LATS:``/``LATM:``. Distances are ``NM``, ``KM`` or ``M``.

Message header sets (EXER, OPER, MSGID, REF, ACOID, GENTEXT, DECL ...) are listed in
:attr:`AcoParseResult.header_sets`. Every other set is listed in
:attr:`AcoParseResult.unknown_sets`; a measure whose shape is not read here (RADARC,
POLYARC, LINE, TRACK ...) is left out of ``measures`` and listed in
:attr:`AcoParseResult.skipped`. Nothing is dropped silently:
:meth:`AcoParseResult.describe_unknown` says what was not used, and why.
A set that is read but malformed raises :class:`InvalidInput` naming the line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit, Geoid
from ..domain.declaration import Declaration, band_over
from ..domain.errors import InvalidInput
from ..domain.footprint import (
    CircleSpec,
    CorridorSpec,
    Footprint,
    PolygonSpec,
    RacetrackSpec,
    circle_footprint,
    corridor_footprint,
    geod,
    racetrack_footprint,
)
from ..domain.timewindow import TimeWindow
from ..domain.units import METRES_PER_NAUTICAL_MILE
from ..domain.volume import Volume4D
from .text_messages import at_line, category_of, clockwise_polygon, fail_at

__all__ = [
    "AcoParseResult",
    "AirspaceControlMeasure",
    "OrbitOffset",
    "OrbitSide",
    "SkippedMeasure",
    "format_aco",
    "format_position",
    "parse_aco",
    "to_declaration",
]

LonLat = tuple[float, float]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MAX_DECIMALS = 4
_HEADER_SETS = frozenset(
    {"EXER", "OPER", "MSGID", "REF", "ACOID", "GENTEXT", "AMPN", "NARR", "DECL", "CTRL", "POC", "ORIG"}
)
_GEOMETRY_SETS = {"POLYGON": "POLYGON", "CIRCLE": "CIRCLE", "CORRIDOR": "CORRIDOR", "AORBIT": "ORBIT"}
_SHAPES = {
    "POLYGON": "POLYGON",
    "CIRCLE": "CIRCLE",
    "CORRIDOR": "CORRIDOR",
    "ORBIT": "ORBIT",
    "AORBIT": "ORBIT",
}
_UNREAD_SHAPES = frozenset({"LINE", "POINT", "POLYARC", "RADARC", "TRACK", "GEOLINE", "CYLINDER", "ARC"})
_UNREAD_GEOMETRY_SETS = frozenset({"RADARC", "POLYARC", "LINE", "LINESEG", "APOINT", "1TRACK", "GEOLINE"})
_WGS84 = frozenset({"WGE", "WGS84", "WGS 84", "WGS-84", "WGS 1984", "WGS1984"})
_DISTANCE_UNITS = {"NM": METRES_PER_NAUTICAL_MILE, "KM": 1000.0, "M": 1.0}


class OrbitSide(StrEnum):
    LEFT = "L"
    RIGHT = "R"


@dataclass(frozen=True, slots=True)
class OrbitOffset:
    """An orbit declared beside its line (``ORBALN:L`` or ``R``): the line as declared.

    The measure's footprint is then the racetrack centred on this line shifted
    by half its width to ``side``, looking from ``first`` to ``second``.
    """

    side: OrbitSide
    first: LonLat
    second: LonLat


@dataclass(frozen=True, slots=True)
class AirspaceControlMeasure:
    """One ACM: type (ROZ, ROA, CORRTE ...), name, use, footprint, band and periods.

    ``altitude`` is a flight-level band or MSL feet (see the module docstring).
    ``periods`` are the windows in which the measure is active, in message order.
    """

    acm_type: str
    name: str
    use: str | None
    footprint: Footprint
    altitude: AltitudeSpec
    periods: tuple[TimeWindow, ...]
    remarks: tuple[str, ...] = ()
    orbit_offset: OrbitOffset | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "periods", tuple(self.periods))
        object.__setattr__(self, "remarks", tuple(self.remarks))
        if not self.periods:
            raise InvalidInput(f"ACM {self.name} has no period", field="periods")


@dataclass(frozen=True, slots=True)
class SkippedMeasure:
    """A measure left out of the result: where its ACMID is, its name, and why."""

    line: int
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class AcoParseResult:
    """What a message held: the measures read, and everything that was not used."""

    measures: tuple[AirspaceControlMeasure, ...]
    unknown_sets: tuple[tuple[int, str], ...] = ()
    skipped: tuple[SkippedMeasure, ...] = ()
    assumptions: tuple[tuple[int, str], ...] = ()
    header_sets: tuple[tuple[int, str], ...] = ()

    def describe_unknown(self) -> list[str]:
        """One line per set not understood, measure skipped or assumption made; empty when none."""
        lines = [f"line {line}: set {name} not understood; not used" for line, name in self.unknown_sets]
        lines += [f"line {s.line}: ACM {s.name} skipped: {s.reason}" for s in self.skipped]
        lines += [f"line {line}: assumed {text}" for line, text in self.assumptions]
        return lines

    def declarable(self) -> tuple[AirspaceControlMeasure, ...]:
        """The measures to declare; InvalidInput when there is none (an empty or header-only
        message, or one whose every measure was skipped)."""
        if not self.measures:
            skipped = "; ".join(f"ACM {s.name}: {s.reason}" for s in self.skipped)
            raise InvalidInput(
                f"no airspace control measure to declare ({skipped})"
                if skipped
                else "no airspace control measure (ACMID set) in the message",
                field="file",
            )
        return self.measures


# reading
# -------

_SET_END = re.compile(r"//(?!/)")
_POSITION = re.compile(
    r"(?:LAT[A-Z]?:)?(?P<lat>\d{4}(?:\d{2})?(?:\.\d+)?)(?P<ns>[NS])\s?(?P<lon>\d{5}(?:\d{2})?(?:\.\d+)?)(?P<ew>[EW])"
)
_DTG = re.compile(
    rf"(?P<d>\d{{2}})(?P<h>\d{{2}})(?P<mi>\d{{2}})Z?(?P<mon>{'|'.join(MONTHS)})(?P<y>\d{{4}}|\d{{2}})?"
)
_DISTANCE = re.compile(r"(?P<v>\d{1,7}(?:\.\d{1,17})?)(?P<u>NM|KM|M)")
_LEVEL = re.compile(r"FL(?P<fl>\d{3})|(?P<ra>\d{3})(?P<ref>AMSL|AGL)|(?P<ft>\d{1,6})FT|(?P<base>SFC|GL|MSL)")
_EFFLEVEL = re.compile(r"(?:(?P<desc>[A-Z]{4}):)?(?P<lo>[A-Z0-9]+)-(?P<hi>[A-Z0-9]+)")
_VARIANTS = {
    "FLFL": ("FL", "FL"),
    "RAFL": ("RA", "FL"),
    "RARA": ("RA", "RA"),
    "BRFL": ("BR", "FL"),
    "BRRA": ("BR", "RA"),
}


@dataclass(frozen=True, slots=True)
class _Set:
    line: int
    identifier: str
    fields: tuple[str, ...]
    text: str  # everything after the identifier, blanks collapsed


def _split_sets(text: str) -> list[_Set]:
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    sets: list[_Set] = []
    pos = 0

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    for end in _SET_END.finditer(text):
        content = text[pos : end.start()]
        if content.strip():
            first = pos + len(content) - len(content.lstrip())
            identifier, _, rest = content.strip().partition("/")
            fields = tuple(" ".join(part.split()) for part in rest.split("/")) if rest else ()
            sets.append(
                _Set(line_of(first), " ".join(identifier.split()).upper(), fields, " ".join(rest.split()))
            )
        pos = end.end()
    rest = text[pos:]
    if rest.strip():
        raise fail_at(
            "a set that is not closed with '//'",
            line_of(pos + len(rest) - len(rest.lstrip())),
        )
    return sets


def _values(item: _Set) -> list[str]:
    """The set's fields, without empty and no-data ('-') ones."""
    return [value for value in item.fields if value and value != "-"]


def _angle(digits: str, hemisphere: str, degree_digits: int, limit: int, line: int) -> float:
    """Degrees of ``DDMM[.mmmm]`` or ``DDMMSS[.ssss]`` (three degree digits for longitude)."""
    whole, _, decimals = digits.partition(".")
    if len(decimals) > _MAX_DECIMALS:
        raise fail_at(f"at most {_MAX_DECIMALS} decimals in {digits}{hemisphere}", line)
    tail = f".{decimals}" if decimals else ""
    degrees = Fraction(int(whole[:degree_digits]))
    if len(whole) == degree_digits + 2:
        minutes, seconds = Fraction(whole[degree_digits:] + tail), Fraction(0)
    else:
        minutes = Fraction(whole[degree_digits : degree_digits + 2])
        seconds = Fraction(whole[degree_digits + 2 :] + tail)
    if minutes >= 60 or seconds >= 60:
        raise fail_at(f"minutes and seconds must be below 60 in {digits}{hemisphere}", line)
    total = degrees + minutes / 60 + seconds / 3600
    if total > limit:
        raise fail_at(f"{digits}{hemisphere} is beyond {limit}°", line)
    value = float(total)
    return (value if hemisphere in "NE" else -value) + 0.0


def _position(value: str, line: int) -> LonLat | None:
    found = _POSITION.fullmatch(value.replace(" ", ""))
    if found is None:
        return None
    lat = _angle(found["lat"], found["ns"], 2, 90, line)
    lon = _angle(found["lon"], found["ew"], 3, 180, line)
    return lon, lat


def _distance(value: str, line: int) -> float:
    found = _DISTANCE.fullmatch(value.replace(" ", ""))
    if found is None:
        raise fail_at(f"expected a distance such as 10NM, 18KM or 500M, found {value!r}", line)
    return float(found["v"]) * _DISTANCE_UNITS[found["u"]]


def _offset_line(first: LonLat, second: LonLat, side: OrbitSide, distance_m: float) -> tuple[LonLat, LonLat]:
    """Both points moved ``distance_m`` square to the geodesic first→second, to ``side``."""
    g = geod()
    forward_at_first, back_at_second, _ = g.inv(first[0], first[1], second[0], second[1])
    turn = -90.0 if side is OrbitSide.LEFT else 90.0
    lon1, lat1, _ = g.fwd(first[0], first[1], forward_at_first + turn, distance_m)
    lon2, lat2, _ = g.fwd(second[0], second[1], back_at_second + 180.0 + turn, distance_m)
    return (float(lon1), float(lat1)), (float(lon2), float(lat2))


@dataclass
class _Geometry:
    """The fields of one geometry set, sorted by kind."""

    points: list[LonLat] = field(default_factory=list)
    width_m: float | None = None
    radius_m: float | None = None
    alignment: str | None = None


def _geometry_fields(item: _Set) -> _Geometry:
    out = _Geometry()
    for value in _values(item):
        key, sep, rest = value.partition(":")
        key = key.strip().upper()
        point = _position(value, item.line)
        if point is not None:
            out.points.append(point)
        elif sep and key == "WIDTH":
            out.width_m = _distance(rest, item.line)
        elif sep and key == "RADIUS":
            out.radius_m = _distance(rest, item.line)
        elif sep and key == "ORBALN":
            out.alignment = rest.strip().upper()
        elif _DISTANCE.fullmatch(value.replace(" ", "")):
            if item.identifier == "CIRCLE":
                out.radius_m = _distance(value, item.line)
            else:
                out.width_m = _distance(value, item.line)
        elif value[:1].isdigit() or key.startswith("LAT"):
            raise fail_at(
                f"cannot read the position {value!r}; expected DDMMSSN DDDMMSSE or DDMMN DDDMME", item.line
            )
        else:
            raise fail_at(f"unexpected field {value!r} in {item.identifier}", item.line)
    return out


def _footprint(item: _Set, corridor_width_m: float | None) -> tuple[Footprint, OrbitOffset | None]:
    g = _geometry_fields(item)
    line, kind = item.line, item.identifier
    if kind == "POLYGON":
        if len(g.points) < 3:
            raise fail_at("a POLYGON needs at least three positions", line)
        return clockwise_polygon(g.points, line), None
    if kind == "CIRCLE":
        if len(g.points) != 1 or g.radius_m is None:
            raise fail_at(
                "a CIRCLE is one centre and a radius, e.g. CIRCLE/351200N0334500E/RADIUS:10NM//", line
            )
        with at_line(line):
            return circle_footprint(g.points[0], g.radius_m), None
    if kind == "CORRIDOR":
        width = g.width_m if g.width_m is not None else corridor_width_m
        if width is None:
            raise fail_at("a CORRIDOR needs WIDTH:<distance> (or a CORRWIDTH set)", line)
        if len(g.points) < 2:
            raise fail_at("a CORRIDOR needs at least two route positions", line)
        with at_line(line):
            return corridor_footprint(g.points, width / 2.0), None
    if len(g.points) != 2 or g.width_m is None:
        raise fail_at("an AORBIT is two turn points and WIDTH:<distance>, e.g. ORBALN:C", line)
    alignment = g.alignment or "C"
    if alignment not in ("C", "L", "R"):
        raise fail_at(f"ORBALN must be C, L or R, not {alignment!r}", line)
    first, second = g.points
    with at_line(line):
        if alignment == "C":
            return racetrack_footprint(first, second, g.width_m), None
        side = OrbitSide(alignment)
        if first == second:
            raise InvalidInput("a racetrack needs two distinct turn points", field="geometry")
        moved = _offset_line(first, second, side, g.width_m / 2.0)
        return racetrack_footprint(*moved, g.width_m), OrbitOffset(side, first, second)


def _feet(token: str, line: int, notes: list[tuple[int, str]]) -> tuple[str, float]:
    """Kind (FL, RA, BR) and value (feet, or the flight level) of one EFFLEVEL bound."""
    found = _LEVEL.fullmatch(token)
    if found is None:
        raise fail_at(
            f"cannot read the level {token!r}; expected FL050, 070AMSL, 1000FT, SFC, GL or MSL", line
        )
    if found["fl"] is not None:
        return "FL", float(int(found["fl"]))
    if found["ra"] is not None:
        if found["ref"] == "AGL":
            notes.append((line, f"{token} is {int(found['ra']) * 100} ft above MSL (no terrain model)"))
        return "RA", int(found["ra"]) * 100.0
    if found["ft"] is not None:
        return "RA", float(int(found["ft"]))
    return "BR", 0.0


def _altitude(item: _Set, notes: list[tuple[int, str]]) -> AltitudeSpec:
    values = _values(item)
    found = _EFFLEVEL.fullmatch(values[0].replace(" ", "").upper()) if len(values) == 1 else None
    if found is None:
        raise fail_at("expected one vertical dimension, e.g. EFFLEVEL/FLFL:FL050-FL250//", item.line)
    desc = found["desc"]
    if desc is not None and desc not in _VARIANTS:
        raise fail_at(f"EFFLEVEL variant {desc} is not read here; expected {', '.join(_VARIANTS)}", item.line)
    lo_kind, lower = _feet(found["lo"], item.line, notes)
    hi_kind, upper = _feet(found["hi"], item.line, notes)
    if hi_kind == "BR":
        raise fail_at("SFC, GL or MSL can only be the lower bound", item.line)
    if desc is not None and _VARIANTS[desc] != (lo_kind, hi_kind):
        expected = "-".join(_VARIANTS[desc])
        raise fail_at(
            f"EFFLEVEL {desc} expects {expected} bounds, found {found['lo']}-{found['hi']}", item.line
        )
    if lo_kind == hi_kind == "FL":
        spec = AltitudeSpec(lower, upper, AltitudeRef.FL)
    else:
        lower = lower * 100.0 if lo_kind == "FL" else lower
        upper = upper * 100.0 if hi_kind == "FL" else upper
        spec = AltitudeSpec(lower, upper, AltitudeRef.MSL, AltitudeUnit.FT)
    if not spec.lower < spec.upper:
        raise fail_at("the upper level must be above the lower", item.line)
    return spec


def _moment(value: str, line: int, period: TimeWindow | None) -> datetime:
    found = _DTG.fullmatch(value.replace(" ", "").upper())
    if found is None:
        raise fail_at(f"expected a time DDHHMMZMONYYYY, e.g. 221000ZNOV2026, found {value!r}", line)
    month = MONTHS.index(found["mon"]) + 1
    year_text = found["y"]
    if year_text is None:
        if period is None:
            raise fail_at(f"{value} has no year and the message has no PERIOD set to take it from", line)
        year = period.start.year
    else:
        year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
    try:
        moment = datetime(year, month, int(found["d"]), int(found["h"]), int(found["mi"]), tzinfo=UTC)
        if year_text is None and period is not None and moment < period.start - timedelta(days=183):
            moment = moment.replace(year=year + 1)
    except ValueError:
        raise fail_at(f"{value} is not a valid time (DDHHMMZMONYYYY)", line) from None
    return moment


def _window(start: str, end: str, line: int, period: TimeWindow | None) -> TimeWindow:
    if end.upper() in ("UFN", "INDEF"):
        raise fail_at("an open-ended period (UFN) is not read here; give an end time", line)
    with at_line(line):
        return TimeWindow(_moment(start, line, period), _moment(end, line, period))


def _aperiod(item: _Set, period: TimeWindow | None) -> TimeWindow:
    values = _values(item)
    if values and values[0].upper() == "DISCRETE":
        values = values[1:]
    elif values and values[0].upper() == "INTERVAL":
        raise fail_at(
            "APERIOD/INTERVAL is not read here; list the periods as APERIOD/DISCRETE sets", item.line
        )
    if len(values) != 2:
        raise fail_at(
            "expected APERIOD/DISCRETE/<start>/<end>//, e.g. 221000ZNOV2026/221400ZNOV2026", item.line
        )
    return _window(values[0], values[1], item.line, period)


@dataclass
class _Draft:
    """The sets of one measure, gathered before it is built."""

    line: int
    acm_type: str
    name: str
    use: str | None
    shape: str | None
    geometry: list[_Set] = field(default_factory=list)
    levels: list[_Set] = field(default_factory=list)
    periods: list[_Set] = field(default_factory=list)
    widths: list[_Set] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def _draft(item: _Set) -> _Draft:
    acm_type = name = use = shape = None
    for value in _values(item):
        key, sep, rest = value.partition(":")
        key, rest = key.strip().upper(), rest.strip()
        if sep and key in ("ACM", "OTR") and acm_type is None:
            acm_type = rest.upper()
        elif sep and key in ("NAME", "DESIG") and name is None:
            name = rest
        elif sep and key in ("USE", "OTR") and use is None:
            use = rest.upper()
        elif not sep and (key in _SHAPES or key in _UNREAD_SHAPES) and shape is None:
            shape = _SHAPES.get(key, key)
        else:
            raise fail_at(
                f"unexpected ACMID field {value!r}; expected ACM:<type>, NAME:<name>, the shape, USE:<use>",
                item.line,
            )
    if not acm_type or not name:
        raise fail_at(
            "an ACMID needs ACM:<type> and NAME:<name>, e.g. ACMID/ACM:ROZ/NAME:ROZ ALPHA/POLYGON//",
            item.line,
        )
    return _Draft(item.line, acm_type, name, use or None, shape)


def _build(
    draft: _Draft, period: TimeWindow | None, notes: list[tuple[int, str]]
) -> AirspaceControlMeasure | SkippedMeasure:
    where = f"ACM {draft.name} (line {draft.line})"
    if draft.shape in _UNREAD_SHAPES:
        return SkippedMeasure(draft.line, draft.name, f"its shape {draft.shape} is not read here")
    if not draft.geometry:
        if draft.unread:
            sets = ", ".join(draft.unread)
            return SkippedMeasure(
                draft.line, draft.name, f"no POLYGON, CIRCLE, CORRIDOR or AORBIT set (has {sets})"
            )
        raise fail_at(f"{where} has no POLYGON, CIRCLE, CORRIDOR or AORBIT set", draft.line)
    if len(draft.geometry) > 1:
        raise fail_at(f"a second geometry set for {where}", draft.geometry[1].line)
    geometry = draft.geometry[0]
    if draft.shape is not None and _GEOMETRY_SETS[geometry.identifier] != draft.shape:
        raise fail_at(
            f"{where} is declared a {draft.shape} but this set is a {geometry.identifier}", geometry.line
        )
    if len(draft.widths) > 1:
        raise fail_at(f"a second CORRWIDTH set for {where}", draft.widths[1].line)
    corridor_width = None
    if draft.widths:
        values = _values(draft.widths[0])
        if len(values) != 1:
            raise fail_at("expected CORRWIDTH/<distance>//, e.g. CORRWIDTH/10NM//", draft.widths[0].line)
        corridor_width = _distance(values[0], draft.widths[0].line)
    footprint, offset = _footprint(geometry, corridor_width)
    if not draft.levels:
        raise fail_at(f"{where} has no EFFLEVEL set", draft.line)
    if len(draft.levels) > 1:
        raise fail_at(f"a second EFFLEVEL set for {where}", draft.levels[1].line)
    altitude = _altitude(draft.levels[0], notes)
    periods = tuple(_aperiod(item, period) for item in draft.periods)
    if not periods:
        if period is None:
            raise fail_at(f"{where} has no APERIOD set and the message has no PERIOD set", draft.line)
        periods = (period,)
    return AirspaceControlMeasure(
        acm_type=draft.acm_type,
        name=draft.name,
        use=draft.use,
        footprint=footprint,
        altitude=altitude,
        periods=periods,
        remarks=tuple(draft.remarks),
        orbit_offset=offset,
    )


def parse_aco(text: str) -> AcoParseResult:
    """Read the measures of an ACO; see the module docstring for what is read and reported."""
    if not isinstance(text, str):
        raise InvalidInput("an ACO is text", field="line 1")
    drafts: list[_Draft] = []
    unknown: list[tuple[int, str]] = []
    header: list[tuple[int, str]] = []
    period_sets: list[_Set] = []
    for item in _split_sets(text):
        kind = item.identifier
        draft = drafts[-1] if drafts else None
        if kind == "ACMID":
            drafts.append(_draft(item))
        elif kind == "GEODATUM":
            datum = " ".join(_values(item)).upper()
            if datum not in _WGS84:
                raise fail_at(f"positions are read as WGS 84; GEODATUM {datum!r} is not", item.line)
            header.append((item.line, kind))
        elif kind == "PERIOD":
            period_sets.append(item)
            header.append((item.line, kind))
        elif draft is not None and kind in _GEOMETRY_SETS:
            draft.geometry.append(item)
        elif draft is not None and kind == "EFFLEVEL":
            draft.levels.append(item)
        elif draft is not None and kind == "APERIOD":
            draft.periods.append(item)
        elif draft is not None and kind == "CORRWIDTH":
            draft.widths.append(item)
        elif draft is not None and kind in ("AMPN", "NARR"):
            remark = item.text.rstrip("/ ")  # trailing empty fields carry nothing
            if remark:
                draft.remarks.append(remark)
        elif kind in _HEADER_SETS:
            header.append((item.line, kind))
        else:
            unknown.append((item.line, kind))
            if draft is not None:
                draft.unread.append(kind)
    if len(period_sets) > 1:
        raise fail_at("a second PERIOD set", period_sets[1].line)
    period = None
    if period_sets:
        values = _values(period_sets[0])
        if len(values) < 2:
            raise fail_at(
                "expected PERIOD/<start>/<end>//, e.g. PERIOD/220000ZNOV2026/230000ZNOV2026//",
                period_sets[0].line,
            )
        period = _window(values[0], values[1], period_sets[0].line, None)
    measures: list[AirspaceControlMeasure] = []
    skipped: list[SkippedMeasure] = []
    notes: list[tuple[int, str]] = []
    for draft in drafts:
        built = _build(draft, period, notes)
        if isinstance(built, SkippedMeasure):
            skipped.append(built)
        else:
            measures.append(built)
    return AcoParseResult(tuple(measures), tuple(unknown), tuple(skipped), tuple(notes), tuple(header))


# writing
# -------


def _angle_text(value: float, positive: str, negative: str, width: int) -> str:
    hemisphere = positive if value >= 0 else negative
    seconds = round(abs(Fraction(value)) * 3600, _MAX_DECIMALS)
    degrees, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    scaled = int(rest * 10**_MAX_DECIMALS)
    whole, fraction = divmod(scaled, 10**_MAX_DECIMALS)
    decimals = f"{fraction:0{_MAX_DECIMALS}d}".rstrip("0")
    tail = f".{decimals}" if decimals else ""
    return f"{int(degrees):0{width}d}{int(minutes):02d}{whole:02d}{tail}{hemisphere}"


def format_position(lon: float, lat: float) -> str:
    """``351200N0334500E`` for lon/lat degrees (WGS84); seconds to 1e-4 where needed."""
    return _angle_text(lat, "N", "S", 2) + _angle_text(lon, "E", "W", 3)


def _distance_text(metres: float) -> str:
    for unit, factor in _DISTANCE_UNITS.items():
        value = round(Fraction(metres) / Fraction(factor), 6)
        whole, fraction = divmod(int(value * 10**6), 10**6)
        decimals = f"{fraction:06d}".rstrip("0")
        text = f"{whole}.{decimals}" if decimals else str(whole)
        if float(text) * factor == metres:
            return f"{text}{unit}"
    return f"{float(metres)!r}M"


def _level_text(feet: float) -> str:
    if feet % 100 == 0 and 0 <= feet <= 99_900:
        return f"{int(feet // 100):03d}AMSL"
    if feet >= 0 and feet == int(feet):
        return f"{int(feet)}FT"
    raise InvalidInput(
        f"{feet} ft cannot be written as an ACO level (whole feet, not below MSL)", field="altitude"
    )


def _efflevel(spec: AltitudeSpec) -> str:
    if spec.ref is AltitudeRef.FL:
        if not all(v == int(v) and 0 <= v <= 999 for v in (spec.lower, spec.upper)):
            raise InvalidInput("flight levels are whole numbers 000-999", field="altitude")
        return f"FLFL:FL{int(spec.lower):03d}-FL{int(spec.upper):03d}"
    if spec.ref is not AltitudeRef.MSL or spec.units is not AltitudeUnit.FT:
        raise InvalidInput("ACO levels are flight levels or feet above MSL", field="altitude")
    return f"RARA:{_level_text(spec.lower)}-{_level_text(spec.upper)}"


def _time_text(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment:%d%H%M}Z{MONTHS[moment.month - 1]}{moment.year:04d}"


def _field(value: str, name: str) -> str:
    if "/" in value or "\n" in value or not value.strip():
        raise InvalidInput("must be a non-empty single line without '/'", field=name)
    return value


def _geometry_set(measure: AirspaceControlMeasure) -> tuple[str, str]:
    spec = measure.footprint.spec
    if isinstance(spec, PolygonSpec):
        if spec.holes:
            raise InvalidInput("an ACO POLYGON has no holes", field="footprint")
        ring = list(spec.exterior)
        if measure.footprint.polygon.exterior.is_ccw:
            ring = [ring[0], *reversed(ring[1:])]
        return "POLYGON", "POLYGON/" + "/".join(format_position(*p) for p in ring) + "//"
    if isinstance(spec, CircleSpec):
        return "CIRCLE", f"CIRCLE/{format_position(*spec.centre)}/RADIUS:{_distance_text(spec.radius_m)}//"
    if isinstance(spec, CorridorSpec):
        route = "/".join(format_position(*p) for p in spec.route)
        return "CORRIDOR", f"CORRIDOR/WIDTH:{_distance_text(spec.half_width_m * 2.0)}/{route}//"
    if not isinstance(spec, RacetrackSpec):
        raise InvalidInput(f"no ACO shape for a {measure.footprint.kind} footprint", field="footprint")
    offset = measure.orbit_offset
    first, second, side = (
        (spec.first, spec.second, "C") if offset is None else (offset.first, offset.second, offset.side.value)
    )
    line = f"{format_position(*first)}/{format_position(*second)}"
    return "ORBIT", f"AORBIT/{line}/WIDTH:{_distance_text(spec.width_m)}/ORBALN:{side}//"


def format_aco(measures: Sequence[AirspaceControlMeasure]) -> str:
    """The measures as ACO sets (ACMID, geometry, EFFLEVEL, APERIOD per period, AMPN per remark)."""
    lines: list[str] = []
    for measure in measures:
        shape, geometry = _geometry_set(measure)
        use = f"/USE:{_field(measure.use, 'use')}" if measure.use else ""
        lines.append(
            f"ACMID/ACM:{_field(measure.acm_type, 'acm_type')}/NAME:{_field(measure.name, 'name')}/{shape}{use}//"
        )
        lines.append(geometry)
        lines.append(f"EFFLEVEL/{_efflevel(measure.altitude)}//")
        lines.extend(f"APERIOD/DISCRETE/{_time_text(p.start)}/{_time_text(p.end)}//" for p in measure.periods)
        for remark in measure.remarks:
            if "//" in remark or "\n" in remark or not remark.strip():
                raise InvalidInput("a remark is one non-empty line without '//'", field="remarks")
            lines.append(f"AMPN/{remark}//")
    return "\n".join(lines) + "\n"


def to_declaration(measure: AirspaceControlMeasure, geoid: Geoid | None) -> Declaration:
    """The measure as an air declaration: one volume per period; its ACM type is the category,
    its use and remarks the details."""
    volumes = tuple(
        Volume4D(measure.footprint, band_over(measure.altitude, measure.footprint, geoid), period)
        for period in measure.periods
    )
    remarks = [f"USE: {measure.use}"] if measure.use else []
    return Declaration(
        ActivityDomain.AIR,
        volumes,
        category=category_of(measure.acm_type),
        details="\n".join([*remarks, *measure.remarks]),
    )
