"""NAVAREA / NAVTEX navigational warnings, read into the model and written back.

The message structure follows the IMO/IHO Joint Manual on Maritime Safety
Information: series and number, general area, locality, key subject, then
numbered paragraphs. One warning, as this module writes it::

    ZCZC HA12                                     optional NAVTEX start, B1B2B3B4
    NAVAREA III 123/26                            series, number/two-digit year
    EASTERN MEDITERRANEAN.                        general area
    CYPRUS.                                       locality
    NAVAL EXERCISES.                              key subject
    1. 220600 UTC NOV 26 TO 221800 UTC NOV 26.    the time window, DDHHMM UTC MON YY
    2. IN AREA BOUNDED BY                         a polygon, written clockwise ...
       34-40.00N 032-50.00E,
       34-40.00N 033-10.00E,
       34-20.00N 033-10.00E,
       34-20.00N 032-50.00E.
    2. WITHIN 5 NM OF 34-40.00N 032-50.00E.       ... or a circle
    3. SURFACE TO 30000 FEET.                     optional height band, above MSL
    4. VESSELS ARE REQUESTED TO KEEP CLEAR.       free text, kept as notes
    5. CANCEL NAVAREA III 120/26.                 warnings this one cancels
    6. CANCEL THIS MSG 221900 UTC NOV 26.         when this one lapses
    NNNN                                          NAVTEX end, when it started with ZCZC

Reading is more lenient than writing:

- Text is read in upper case with runs of blanks collapsed; blank lines are ignored.
- The three heading items may stand one a line, or share lines separated by ". ";
  two items mean no key subject. The body starts at the first numbered line
  (``1. ``) or the first line that opens with a time, an area, a height or CANCEL.
- Within each paragraph the parts are found wherever they stand (``1. NAVAL
  EXERCISES 220600 UTC TO 221800 UTC NOV 26 IN AREA BOUNDED BY ...`` reads);
  what is left over is kept as a note, one per paragraph.
- Times: ``DDHHMM UTC MON YY`` (``Z`` for `` UTC`` and four-digit years accepted); a
  window may give month and year once, at its end. Positions: ``DD-MM.mmN``,
  ``DD-MMN`` or ``DD-MM-SSN`` and the same with three degree digits for longitude;
  up to six decimals of a minute or four of a second. Area positions may be
  separated by commas or AND and labelled ``A.``, ``B.`` ...
- Polygons are accepted in either winding and kept clockwise.
- Circle radii: NM (or MILES), KM, METRES. Heights: ``SURFACE``/``SFC`` or a number
  of FEET/FT/METRES/M, ``TO`` a number or ``FL300``. A flight level is kept as
  MSL feet (FL × 100 ft, the ISA approximation of :mod:`deconflict.domain.altitude`),
  so ``SURFACE TO FL300`` is written back as ``SURFACE TO 30000 FEET``.
- A warning that only cancels others (``CANCEL NAVAREA III 120/26 AND THIS MSG.``)
  has no window and no area.

Nothing is guessed: a time, position, cancellation, circle or height that is
there but cannot be read raises :class:`InvalidInput` naming the line
(``field="line 4"``), as does a second window or area (one warning, one volume).
Writing rounds positions to 1e-6 minute; everything this module reads is
written back exactly, so parse → format → parse gives the same model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit, Geoid
from ..domain.declaration import Declaration, band_over
from ..domain.errors import InvalidInput
from ..domain.footprint import CircleSpec, Footprint, PolygonSpec, circle_footprint
from ..domain.timewindow import TimeWindow
from ..domain.units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE
from ..domain.volume import Volume4D
from .text_messages import at_line, category_of, clockwise_polygon, fail_at

__all__ = [
    "DEFAULT_CEILING_FT",
    "NavWarning",
    "WarningRef",
    "format_navarea",
    "format_position",
    "parse_navarea",
    "to_declaration",
]

# A warning that states no height is declared from the surface (0 ft MSL) to this
# cap: high enough for gunnery and most missile firings, stated rather than "unlimited".
DEFAULT_CEILING_FT = 60_000.0

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MON = "|".join(MONTHS)
_MAX_MINUTE_DECIMALS = 6
_MAX_SECOND_DECIMALS = 4

LonLat = tuple[float, float]


@dataclass(frozen=True, slots=True)
class WarningRef:
    """A warning's identity: ``NAVAREA III 120/26`` is series, number and year (2026)."""

    series: str
    number: int
    year: int

    def __str__(self) -> str:
        return f"{self.series} {self.number}/{self.year % 100:02d}"


@dataclass(frozen=True, slots=True)
class NavWarning:
    """One navigational warning.

    ``window`` and ``footprint`` are both set, or both ``None`` for a warning that
    only cancels others. ``altitude`` is the stated height band (MSL, feet or
    metres) or ``None`` when the warning states none. ``cancel_at`` is the time
    of ``CANCEL THIS MSG``; ``notes`` are the free-text paragraphs, one a paragraph.
    """

    series: str
    number: int
    year: int
    general_area: str
    locality: str
    subject: str
    window: TimeWindow | None
    footprint: Footprint | None
    altitude: AltitudeSpec | None = None
    cancels: tuple[WarningRef, ...] = ()
    cancel_at: datetime | None = None
    notes: tuple[str, ...] = ()
    navtex_id: str | None = None

    @property
    def ref(self) -> WarningRef:
        return WarningRef(self.series, self.number, self.year)

    @property
    def cancels_only(self) -> bool:
        return self.footprint is None


# reading
# -------

_NAVTEX_START = re.compile(r"ZCZC (?P<id>[A-Z]{2}\d{2})")
_HEADER = re.compile(r"(?P<series>[A-Z][A-Z0-9]*(?: [A-Z0-9]+){0,4}?) (?P<number>\d{1,4})/(?P<year>\d{2})")
_PARAGRAPH_NUMBER = re.compile(r"\d{1,2}\. ")
_DTG_START = r"(?:FROM )?\d{6} ?(?:UTC|Z)\b"
_BODY_START = re.compile(
    rf"(?:\d{{1,2}}\. |{_DTG_START}|(?:IN )?(?:THE )?AREAS? (?:BOUNDED|WITHIN)|WITHIN \d|(?:SURFACE|SFC) TO|CANCEL )"
)
_POSITION = (
    r"(?P<latd>\d{1,2})-(?P<latm>\d{2}(?:\.\d+)?)(?:-(?P<lats>\d{2}(?:\.\d+)?))? ?(?P<ns>[NS])"
    r"\s+(?P<lond>\d{1,3})-(?P<lonm>\d{2}(?:\.\d+)?)(?:-(?P<lons>\d{2}(?:\.\d+)?))? ?(?P<ew>[EW])\b"
)
_POSITION_AT = re.compile(_POSITION)
_WINDOW = re.compile(
    rf"(?<![\w-])(?:FROM\s+)?(?P<sd>\d{{6}})\s?(?:UTC|Z)(?:\s+(?P<sm>{_MON})\s+(?P<sy>\d{{4}}|\d{{2}}))?"
    rf"\s+(?:TO|UNTIL)\s+(?P<ed>\d{{6}})\s?(?:UTC|Z)\s+(?P<em>{_MON})\s+(?P<ey>\d{{4}}|\d{{2}})\b\.?"
)
_CANCEL_SELF = re.compile(
    rf"\bCANCEL\s+THIS\s+(?:MSG|MESSAGE)\s+(?P<d>\d{{6}})\s?(?:UTC|Z)\s+(?P<m>{_MON})\s+(?P<y>\d{{4}}|\d{{2}})\b\.?"
)
_REF = r"(?:[A-Z][A-Z0-9]*\s+){0,4}?\d{1,4}/\d{2}\b"
_JOIN = r"\s*(?:,|\bAND\b)\s*"
_CANCEL_REFS = re.compile(
    rf"\bCANCEL\s+(?!THIS\b)(?P<refs>{_REF}(?:{_JOIN}{_REF})*)(?P<self>{_JOIN}THIS\s+(?:MSG|MESSAGE)\b)?\.?"
)
_ONE_REF = re.compile(
    r"(?:(?P<series>[A-Z][A-Z0-9]*(?: [A-Z0-9]+){0,4}) )?(?P<number>\d{1,4})/(?P<year>\d{2})"
)
_UNITS_M = {
    "NM": METRES_PER_NAUTICAL_MILE,
    "MILE": METRES_PER_NAUTICAL_MILE,
    "MILES": METRES_PER_NAUTICAL_MILE,
    "NAUTICAL MILE": METRES_PER_NAUTICAL_MILE,
    "NAUTICAL MILES": METRES_PER_NAUTICAL_MILE,
    "KM": 1000.0,
    "KILOMETRES": 1000.0,
    "KILOMETERS": 1000.0,
    "M": 1.0,
    "METRES": 1.0,
    "METERS": 1.0,
}
_CIRCLE = re.compile(
    r"(?:(?:IN\s+)?(?:THE\s+)?AREA\s+)?WITHIN\s+(?P<r>\d{1,6}(?:\.\d{1,17})?)\s?"
    r"(?P<u>NM|NAUTICAL\s+MILES?|MILES?|KM|KILOMETRES|KILOMETERS|METRES|METERS|M)\s+(?:RADIUS\s+)?OF\s+"
    rf"(?:POSITION\s+)?{_POSITION}\.?"
)
_AREA = re.compile(r"(?:IN\s+)?(?:THE\s+)?AREAS?\s+BOUNDED\s+BY\s*:?")
_AREA_SKIP = re.compile(r"(?:[\s,;]+|AND\b|[A-Z]\.(?=\s))")
_LENGTH = r"(?P<{0}>\d{{1,6}}(?:\.\d{{1,17}})?)\s?(?P<{0}u>FEET|FT|METRES|METERS|M)\b"
_ALTITUDE = re.compile(
    r"(?<![\w-])(?:(?:FROM\s+)?(?:HEIGHT\s+|ALTITUDE\s+)?(?:(?P<sfc>SURFACE|SFC|SEA\s+LEVEL)|"
    + _LENGTH.format("lo")
    + r"|FL\s?(?P<lofl>\d{1,3})))\s+TO\s+(?:FL\s?(?P<hifl>\d{1,3})\b|"
    + _LENGTH.format("hi")
    + r")\.?"
)
_CONNECTIVES = re.compile(r"(?:\b(?:AND|IN|ON|AT|THE)\b|[\s,.;:])*")
_LEFTOVER_CHECKS = (
    (
        re.compile(r"\bCANCEL\b"),
        "a cancellation that cannot be read; expected 'CANCEL THIS MSG DDHHMM UTC MON YY' or 'CANCEL NAVAREA III 120/26'",
    ),
    (
        re.compile(r"\bWITHIN\s+\d"),
        "a circle that cannot be read; expected 'WITHIN 5 NM OF DD-MM.mmN DDD-MM.mmE'",
    ),
    (
        re.compile(r"\b(?:SURFACE|SFC)\s+TO\b"),
        "a height that cannot be read; expected e.g. 'SURFACE TO 30000 FEET' or 'SURFACE TO FL300'",
    ),
    (
        re.compile(r"(?<![\w-])\d{6}\s?(?:UTC|Z)\b[^.]{0,40}?\b(?:TO|UNTIL)\s+\d"),
        "a time window that cannot be read; expected 'DDHHMM UTC MON YY TO DDHHMM UTC MON YY'",
    ),
)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


class _Paragraph:
    """The lines of one paragraph joined by newlines, with offsets back to line numbers."""

    def __init__(self, lines: Sequence[_Line]) -> None:
        self.text = "\n".join(line.text for line in lines)
        self.starts: list[int] = []
        self.numbers = [line.number for line in lines]
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line.text) + 1

    def line_at(self, offset: int) -> int:
        return self.numbers[max(0, bisect.bisect_right(self.starts, offset) - 1)]


@dataclass
class _Body:
    """What the paragraphs have yielded so far (mutable while reading)."""

    window: TimeWindow | None = None
    window_line: int = 0
    footprint: Footprint | None = None
    area_line: int = 0
    altitude: AltitudeSpec | None = None
    cancels: list[WarningRef] = field(default_factory=list)
    cancel_at: datetime | None = None
    self_cancel_line: int = 0
    notes: list[str] = field(default_factory=list)


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _moment(ddhhmm: str, month: str, year: str, line: int) -> datetime:
    try:
        return datetime(
            _year(year),
            MONTHS.index(month) + 1,
            int(ddhhmm[:2]),
            int(ddhhmm[2:4]),
            int(ddhhmm[4:]),
            tzinfo=UTC,
        )
    except ValueError:
        raise fail_at(f"{ddhhmm} UTC {month} {year} is not a valid time (DDHHMM UTC MON YY)", line) from None


def _angle(degrees: str, minutes: str, seconds: str | None, hemisphere: str, limit: int, line: int) -> float:
    _, _, minute_decimals = minutes.partition(".")
    if len(minute_decimals) > _MAX_MINUTE_DECIMALS:
        raise fail_at(f"at most {_MAX_MINUTE_DECIMALS} decimals of a minute in {degrees}-{minutes}", line)
    total = Fraction(int(degrees)) + Fraction(minutes) / 60
    if seconds is not None:
        if minute_decimals:
            raise fail_at(
                f"minutes with decimals cannot be followed by seconds ({degrees}-{minutes}-{seconds})", line
            )
        if len(seconds.partition(".")[2]) > _MAX_SECOND_DECIMALS:
            raise fail_at(f"at most {_MAX_SECOND_DECIMALS} decimals of a second in {seconds}", line)
        if Fraction(seconds) >= 60:
            raise fail_at(f"seconds must be below 60, not {seconds}", line)
        total += Fraction(seconds) / 3600
    if Fraction(minutes) >= 60:
        raise fail_at(f"minutes must be below 60, not {minutes}", line)
    if total > limit:
        raise fail_at(f"{degrees}-{minutes}{hemisphere} is beyond {limit}°", line)
    value = float(total)
    return (value if hemisphere in "NE" else -value) + 0.0


def _position(match: re.Match[str], line: int) -> LonLat:
    lat = _angle(match["latd"], match["latm"], match["lats"], match["ns"], 90, line)
    lon = _angle(match["lond"], match["lonm"], match["lons"], match["ew"], 180, line)
    return lon, lat


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _read_cancellations(par: _Paragraph, text: str, body: _Body, own_series: str) -> str:
    for m in _CANCEL_SELF.finditer(text):
        line = par.line_at(m.start())
        if body.cancel_at is not None:
            raise fail_at("a second 'CANCEL THIS MSG' time", line)
        body.cancel_at = _moment(m["d"], m["m"], m["y"], line)
        text = _mask(text, m.start(), m.end())
    for m in _CANCEL_REFS.finditer(text):
        series = own_series
        for piece in re.split(_JOIN, " ".join(m["refs"].split())):
            ref = _ONE_REF.fullmatch(piece)
            if ref is None:
                raise fail_at(
                    f"cannot read the warning reference {piece!r}; expected e.g. 'NAVAREA III 120/26'",
                    par.line_at(m.start()),
                )
            series = ref["series"] or series
            body.cancels.append(WarningRef(series, int(ref["number"]), _year(ref["year"])))
        if m["self"]:
            body.self_cancel_line = par.line_at(m.start())
        text = _mask(text, m.start(), m.end())
    return text


def _read_windows(par: _Paragraph, text: str, body: _Body) -> str:
    for m in _WINDOW.finditer(text):
        line = par.line_at(m.start())
        if body.window is not None:
            raise fail_at(
                f"a second time window (the first is on line {body.window_line}); one warning declares one window",
                line,
            )
        end = _moment(m["ed"], m["em"], m["ey"], par.line_at(m.start("ed")))
        if m["sm"] is not None:
            start = _moment(m["sd"], m["sm"], m["sy"], line)
        else:
            start = _start_before(m["sd"], end, line)
        with at_line(line):
            body.window = TimeWindow(start, end)
        body.window_line = line
        text = _mask(text, m.start(), m.end())
    return text


def _start_before(ddhhmm: str, end: datetime, line: int) -> datetime:
    """The start of a window that gives month and year only at its end: that month, or the one before."""
    try:
        start = _moment(ddhhmm, MONTHS[end.month - 1], str(end.year), line)
        if start < end:
            return start
    except InvalidInput:
        pass
    year, month = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    return _moment(ddhhmm, MONTHS[month - 1], str(year), line)


def _set_area(body: _Body, footprint: Footprint, line: int) -> None:
    if body.footprint is not None:
        raise fail_at(
            f"a second area (the first is on line {body.area_line}); one warning declares one area", line
        )
    body.footprint = footprint
    body.area_line = line


def _read_circles(par: _Paragraph, text: str, body: _Body) -> str:
    for m in _CIRCLE.finditer(text):
        line = par.line_at(m.start())
        centre = _position(m, line)
        radius_m = float(m["r"]) * _UNITS_M[" ".join(m["u"].split())]
        with at_line(line):
            footprint = circle_footprint(centre, radius_m)
        _set_area(body, footprint, line)
        text = _mask(text, m.start(), m.end())
    return text


def _read_areas(par: _Paragraph, text: str, body: _Body) -> str:
    for m in list(_AREA.finditer(text)):
        line = par.line_at(m.start())
        points: list[LonLat] = []
        pos = end = m.end()
        while pos < len(text):
            skip = _AREA_SKIP.match(text, pos)
            if skip is not None and skip.end() > pos:
                pos = skip.end()
                continue
            found = _POSITION_AT.match(text, pos)
            if found is not None:
                points.append(_position(found, par.line_at(pos)))
                pos = end = found.end()
                continue
            if text[pos] == ".":
                end = pos + 1
            elif text[pos].isdigit():
                word = text[pos:].split(maxsplit=1)[0]
                raise fail_at(
                    f"cannot read the position starting {word!r}; expected DD-MM.mmN DDD-MM.mmE",
                    par.line_at(pos),
                )
            break
        if len(points) < 3:
            raise fail_at(
                "an area bounded by positions needs at least three of them (DD-MM.mmN DDD-MM.mmE)", line
            )
        _set_area(body, clockwise_polygon(points, line), line)
        text = _mask(text, m.start(), end)
    return text


def _length_ft_or_m(value: str, unit: str) -> tuple[float, AltitudeUnit]:
    return float(value), AltitudeUnit.FT if unit in ("FEET", "FT") else AltitudeUnit.M


def _read_altitudes(par: _Paragraph, text: str, body: _Body) -> str:
    for m in _ALTITUDE.finditer(text):
        line = par.line_at(m.start())
        if text[: m.start()].split()[-1:] in (["DEPTH"], ["DEPTHS"]):
            continue  # a depth below the surface, not a height band
        if body.altitude is not None:
            raise fail_at("a second height band; one warning declares one band", line)
        bounds: list[tuple[float, AltitudeUnit]] = []
        if m["sfc"] is not None:
            bounds.append((0.0, AltitudeUnit.FT))
        elif m["lofl"] is not None:
            bounds.append((int(m["lofl"]) * 100.0, AltitudeUnit.FT))
        else:
            bounds.append(_length_ft_or_m(m["lo"], m["lou"]))
        if m["hifl"] is not None:
            bounds.append((int(m["hifl"]) * 100.0, AltitudeUnit.FT))
        else:
            bounds.append(_length_ft_or_m(m["hi"], m["hiu"]))
        (lower, lower_unit), (upper, upper_unit) = bounds
        units = upper_unit if m["sfc"] is not None else lower_unit
        if lower_unit is not units:
            lower = lower / METRES_PER_FOOT if lower_unit is AltitudeUnit.M else lower * METRES_PER_FOOT
        if upper_unit is not units:
            upper = upper / METRES_PER_FOOT if upper_unit is AltitudeUnit.M else upper * METRES_PER_FOOT
        if not lower < upper:
            raise fail_at("the top of the height band must be above its bottom", line)
        body.altitude = AltitudeSpec(lower, upper, AltitudeRef.MSL, units)
        text = _mask(text, m.start(), m.end())
    return text


def _read_paragraph(par: _Paragraph, body: _Body, own_series: str) -> None:
    text = _read_cancellations(par, par.text, body, own_series)
    text = _read_windows(par, text, body)
    text = _read_circles(par, text, body)
    text = _read_areas(par, text, body)
    text = _read_altitudes(par, text, body)
    for pattern, message in _LEFTOVER_CHECKS:
        found = pattern.search(text)
        if found is not None:
            raise fail_at(message, par.line_at(found.start()))
    if _CONNECTIVES.fullmatch(text):
        return
    note = " ".join(text.split()).lstrip(" ,;:.").rstrip(" ,;:")
    body.notes.append(note.removesuffix("."))


def _heading(lines: Sequence[_Line], header: _Line, body_line: int | None) -> tuple[str, str, str]:
    where = lines[0].number if lines else (body_line or header.number + 1)
    expected = "expected general area, locality and key subject, one a line, each ending with '.'"
    if len(lines) == 3:
        items = [line.text.removesuffix(".").strip() for line in lines]
    elif len(lines) > 3:
        raise fail_at(
            f"{expected}; found {len(lines)} lines before the first numbered paragraph", lines[3].number
        )
    else:
        items = [item.strip() for line in lines for item in re.split(r"\.\s+", line.text.removesuffix("."))]
        if len(items) == 2:
            items.append("")
    if len(items) != 3 or not all(items[:2]) or (len(lines) == 3 and not items[2]):
        raise fail_at(expected, where)
    return items[0], items[1], items[2]


def _paragraphs(lines: Sequence[_Line]) -> list[_Paragraph]:
    groups: list[list[_Line]] = []
    for line in lines:
        number = _PARAGRAPH_NUMBER.match(line.text)
        if number is not None or not groups:
            text = line.text[number.end() :] if number is not None else line.text
            groups.append([_Line(line.number, text)])
        else:
            groups[-1].append(line)
    return [_Paragraph(group) for group in groups]


def parse_navarea(text: str) -> NavWarning:
    """Read one warning; every refusal is an :class:`InvalidInput` naming the line."""
    if not isinstance(text, str):
        raise InvalidInput("a warning is text", field="line 1")
    lines = [_Line(i + 1, " ".join(raw.split()).upper()) for i, raw in enumerate(text.splitlines())]
    lines = [line for line in lines if line.text]
    if not lines:
        raise fail_at("empty message; expected a header such as 'NAVAREA III 123/26'", 1)
    navtex_id = None
    start = _NAVTEX_START.fullmatch(lines[0].text)
    if start is not None:
        navtex_id = start["id"]
        lines = lines[1:]
        if lines and lines[-1].text == "NNNN":
            lines = lines[:-1]
    elif lines[0].text.startswith("ZCZC"):
        raise fail_at("expected a NAVTEX start 'ZCZC' and four characters, e.g. 'ZCZC HA12'", lines[0].number)
    if not lines:
        raise fail_at("expected a header such as 'NAVAREA III 123/26'", 1)
    header_line = lines[0]
    header = _HEADER.fullmatch(header_line.text)
    if header is None:
        raise fail_at(
            f"expected a header such as 'NAVAREA III 123/26' (series, number/year), found {header_line.text[:40]!r}",
            header_line.number,
        )
    rest = lines[1:]
    body_at = next((i for i, line in enumerate(rest) if _BODY_START.match(line.text)), len(rest))
    body_lines = rest[body_at:]
    general_area, locality, subject = _heading(
        rest[:body_at], header_line, body_lines[0].number if body_lines else None
    )
    series = header["series"]
    body = _Body()
    for paragraph in _paragraphs(body_lines):
        _read_paragraph(paragraph, body, series)

    last_line = lines[-1].number
    if body.footprint is not None and body.window is None:
        raise fail_at(
            "no time window; expected a paragraph 'DDHHMM UTC MON YY TO DDHHMM UTC MON YY'",
            body_lines[0].number if body_lines else last_line,
        )
    if body.window is not None and body.footprint is None:
        raise fail_at(
            "no area; expected 'IN AREA BOUNDED BY <positions>' or 'WITHIN <r> NM OF <position>'",
            body.window_line,
        )
    if body.window is None:
        if not body.cancels:
            raise fail_at(
                "expected a time window and an area (or a cancellation 'CANCEL NAVAREA III 120/26')",
                body_lines[0].number if body_lines else last_line,
            )
        if body.altitude is not None:
            raise fail_at("a warning that only cancels others declares no height band", last_line)
    elif body.self_cancel_line:
        raise fail_at(
            "'CANCEL ... AND THIS MSG' without a time would cancel this warning on receipt; "
            "write 'CANCEL THIS MSG DDHHMM UTC MON YY'",
            body.self_cancel_line,
        )
    return NavWarning(
        series=series,
        number=int(header["number"]),
        year=_year(header["year"]),
        general_area=general_area,
        locality=locality,
        subject=subject,
        window=body.window,
        footprint=body.footprint,
        altitude=body.altitude,
        cancels=tuple(body.cancels),
        cancel_at=body.cancel_at,
        notes=tuple(body.notes),
        navtex_id=navtex_id,
    )


# writing
# -------


def _decimal(value: Fraction, places: int) -> tuple[int, str]:
    """Integer part and decimals (trailing zeros dropped) of a value with at most ``places`` decimals."""
    scaled = int(value * 10**places)
    whole, fraction = divmod(scaled, 10**places)
    return whole, f"{fraction:0{places}d}".rstrip("0")


def _format_angle(value: float, positive: str, negative: str, width: int) -> str:
    hemisphere = positive if value >= 0 else negative
    exact = abs(Fraction(value))
    minutes = round(exact * 60, _MAX_MINUTE_DECIMALS)
    seconds = round(exact * 3600, _MAX_SECOND_DECIMALS)
    if float(minutes / 60) != abs(value) and float(seconds / 3600) == abs(value):
        degrees, rest = divmod(seconds, 3600)
        whole_minutes, rest = divmod(rest, 60)
        whole, decimals = _decimal(rest, _MAX_SECOND_DECIMALS)
        tail = f".{decimals}" if decimals else ""
        return f"{int(degrees):0{width}d}-{int(whole_minutes):02d}-{whole:02d}{tail}{hemisphere}"
    degrees, rest = divmod(minutes, 60)
    whole, decimals = _decimal(rest, _MAX_MINUTE_DECIMALS)
    return f"{int(degrees):0{width}d}-{whole:02d}.{decimals.ljust(2, '0')}{hemisphere}"


def format_position(lon: float, lat: float) -> str:
    """``34-40.50N 032-50.00E`` for lon/lat degrees (WGS84)."""
    return f"{_format_angle(lat, 'N', 'S', 2)} {_format_angle(lon, 'E', 'W', 3)}"


def _format_time(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    year = f"{moment.year % 100:02d}" if 2000 <= moment.year <= 2099 else f"{moment.year:04d}"
    return f"{moment:%d%H%M} UTC {MONTHS[moment.month - 1]} {year}"


def _number(value: float) -> str:
    text = repr(float(value))
    if "e" in text or "inf" in text or "nan" in text:
        raise InvalidInput(f"{value} cannot be written as a plain number", field="altitude")
    return text.removesuffix(".0")


def _format_distance(metres: float) -> str:
    nautical_miles = round(Fraction(metres) / Fraction(METRES_PER_NAUTICAL_MILE), 6)
    whole, decimals = _decimal(nautical_miles, 6)
    text = f"{whole}.{decimals}" if decimals else str(whole)
    if float(text) * METRES_PER_NAUTICAL_MILE == metres:
        return f"{text} NM"
    return f"{_number(metres)} METRES"


def _one_line(value: str, name: str) -> str:
    if "\n" in value or "\r" in value:
        raise InvalidInput("must be a single line", field=name)
    return value


def _area_lines(footprint: Footprint) -> list[str]:
    spec = footprint.spec
    if isinstance(spec, CircleSpec):
        return [f"WITHIN {_format_distance(spec.radius_m)} OF {format_position(*spec.centre)}."]
    if not isinstance(spec, PolygonSpec):
        raise InvalidInput(
            f"a NAVAREA warning has a polygon or a circle, not a {footprint.kind}", field="footprint"
        )
    if spec.holes:
        raise InvalidInput("a NAVAREA area has no holes", field="footprint")
    ring = list(spec.exterior)
    if footprint.polygon.exterior.is_ccw:
        ring = [ring[0], *reversed(ring[1:])]
    positions = [format_position(lon, lat) for lon, lat in ring]
    return ["IN AREA BOUNDED BY", *(f"{p}," for p in positions[:-1]), f"{positions[-1]}."]


def _altitude_line(spec: AltitudeSpec) -> str:
    if spec.ref is not AltitudeRef.MSL:
        raise InvalidInput("NAVAREA heights are written above MSL, in feet or metres", field="altitude")
    unit = "FEET" if spec.units is AltitudeUnit.FT else "METRES"
    lower = "SURFACE" if spec.lower == 0 else f"{_number(spec.lower)} {unit}"
    return f"{lower} TO {_number(spec.upper)} {unit}."


def format_navarea(warning: NavWarning) -> str:
    """The warning as text (see the module docstring); polygons are written clockwise."""
    paragraphs: list[list[str]] = []
    if (warning.window is None) != (warning.footprint is None):
        raise InvalidInput("a warning has both a window and an area, or neither", field="window")
    if warning.window is not None and warning.footprint is not None:
        paragraphs.append([f"{_format_time(warning.window.start)} TO {_format_time(warning.window.end)}."])
        paragraphs.append(_area_lines(warning.footprint))
    if warning.altitude is not None:
        paragraphs.append([_altitude_line(warning.altitude)])
    paragraphs.extend([f"{_one_line(note, 'notes')}."] for note in warning.notes)
    if warning.cancels:
        refs = ", ".join(str(ref) for ref in warning.cancels)
        at_once = " AND THIS MSG" if warning.window is None and warning.cancel_at is None else ""
        paragraphs.append([f"CANCEL {refs}{at_once}."])
    if warning.cancel_at is not None:
        paragraphs.append([f"CANCEL THIS MSG {_format_time(warning.cancel_at)}."])
    heading = [warning.general_area, warning.locality] + ([warning.subject] if warning.subject else [])
    if not warning.subject and any(". " in item for item in heading):
        raise InvalidInput("without a key subject, area and locality must not contain '. '", field="subject")
    out = [f"ZCZC {warning.navtex_id}"] if warning.navtex_id else []
    out.append(str(warning.ref))
    out.extend(f"{_one_line(item, 'heading')}." for item in heading)
    for number, lines in enumerate(paragraphs, start=1):
        out.append(f"{number}. {lines[0]}")
        out.extend(f"   {line}" for line in lines[1:])
    if warning.navtex_id:
        out.append("NNNN")
    return "\n".join(out) + "\n"


def to_declaration(
    warning: NavWarning,
    geoid: Geoid | None,
    *,
    text: str | None = None,
    ceiling_ft: float = DEFAULT_CEILING_FT,
) -> Declaration:
    """The warning as a sea declaration of one volume; its subject is the category, its
    ``text`` as received (or as :func:`format_navarea` writes it) the details.

    The band is the stated one, or the surface (0 ft MSL) to ``ceiling_ft`` when the
    warning states none. The window ends at ``CANCEL THIS MSG`` when that comes first.
    """
    if warning.window is None or warning.footprint is None:
        raise InvalidInput(
            f"{warning.ref} only cancels other warnings; it declares no area", field="footprint"
        )
    end = warning.window.end
    if warning.cancel_at is not None and warning.cancel_at < end:
        end = warning.cancel_at
    if not warning.window.start < end:
        raise InvalidInput(f"{warning.ref} is cancelled before its window opens", field="cancel_at")
    spec = warning.altitude
    if spec is None:
        spec = AltitudeSpec(0.0, ceiling_ft, AltitudeRef.MSL, AltitudeUnit.FT)
    band = band_over(spec, warning.footprint, geoid)
    volume = Volume4D(warning.footprint, band, TimeWindow(warning.window.start, end))
    return Declaration(
        ActivityDomain.SEA,
        (volume,),
        category=category_of(warning.subject) or "navigational_warning",
        details=(text or format_navarea(warning)).strip(),
    )
