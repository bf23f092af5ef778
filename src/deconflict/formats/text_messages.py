"""What the line-oriented message formats (NAVAREA, ACO) share: errors that name the
line, and polygons written clockwise as both formats expect."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..domain.errors import InvalidInput
from ..domain.footprint import Footprint, polygon_footprint

LonLat = tuple[float, float]

MAX_CATEGORY = 40


def category_of(text: str) -> str:
    """A declaration's category from a message's words: ``NAVAL EXERCISES`` → ``naval_exercises``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:MAX_CATEGORY]


def fail_at(message: str, line: int) -> InvalidInput:
    return InvalidInput(message, field=f"line {line}")


@contextmanager
def at_line(line: int) -> Iterator[None]:
    """Re-raise a domain error raised while building a value as an error on ``line``."""
    try:
        yield
    except InvalidInput as error:
        if error.field is not None and error.field.startswith("line "):
            raise
        raise type(error)(error.message, field=f"line {line}") from None


def clockwise_polygon(points: Sequence[LonLat], line: int) -> Footprint:
    """A polygon footprint with its ring turned clockwise (either winding is read)."""
    ring = list(points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    with at_line(line):
        footprint = polygon_footprint(ring)
        if footprint.polygon.exterior.is_ccw:
            footprint = polygon_footprint([ring[0], *reversed(ring[1:])])
    return footprint
