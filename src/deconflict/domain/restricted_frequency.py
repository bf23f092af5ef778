"""The restricted frequency list (JRFL) and what an emission may do near it.

In the spectrum domain a party declares two kinds of things:

- an **emission** (an operation): jamming, radar, communications, navigation or
  other (``category``; empty is accepted as unspecified). Every volume carries
  its band and its maximum power (``eirp_dbm``).
- a **restricted-frequency entry** (a zone): ``category`` TABOO, PROTECTED or
  GUARDED, in the sense of a joint restricted frequency list. Every volume
  carries a band and no power: an entry protects, it does not emit.

When a submitted volume meets another party's volume in band × area ×
altitude × time (:func:`deconflict.domain.conflict.conflict_between`), the
outcome is

    submitted \\ existing    emission   TABOO     PROTECTED   GUARDED
    emission                 conflict   REFUSED   conflict    conflict
    entry (any category)     conflict   —         —           —

- **TABOO** is a hard refusal: an emission (new or amended) that would reach
  another party's TABOO band in its area and time is refused outright
  (:class:`~deconflict.domain.errors.Refused`) and nothing is written — no
  operation and no ledger entry, as for any refused request: the ledger records
  what was declared, not what was attempted. The refusal names the entry.
- **PROTECTED** and **GUARDED** overlaps are recorded as ordinary conflicts for
  both parties to acknowledge and settle; the entry's category tells them why.
- An entry declared over another party's *existing* emission is accepted and
  the overlap recorded as a conflict, TABOO included: refusing the entry would
  leave the frequency unprotected; the conflict tells the emitting party at once.
- Two entries never conflict: both protect, neither emits.

Volumes without a band (air, sea, ground) never meet spectrum volumes at all
(see :mod:`.conflict`), so none of this touches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from .activity import ActivityDomain
from .errors import InvalidInput
from .operation import DeclarationKind
from .volume import Volume4D

__all__ = [
    "EmissionCategory",
    "SpectrumOutcome",
    "SpectrumRole",
    "check_declaration",
    "spectrum_outcome",
    "spectrum_role",
]


class EmissionCategory(StrEnum):
    JAMMING = "jamming"
    RADAR = "radar"
    COMMUNICATIONS = "communications"
    NAVIGATION = "navigation"
    OTHER = "other"


class SpectrumRole(StrEnum):
    EMISSION = "emission"
    TABOO = "taboo"
    PROTECTED = "protected"
    GUARDED = "guarded"

    @property
    def is_entry(self) -> bool:
        return self is not SpectrumRole.EMISSION


_ENTRIES = (SpectrumRole.TABOO, SpectrumRole.PROTECTED, SpectrumRole.GUARDED)


class SpectrumOutcome(StrEnum):
    NONE = "none"
    CONFLICT = "conflict"
    REFUSE = "refuse"


def spectrum_role(domain: ActivityDomain, kind: DeclarationKind, category: str) -> SpectrumRole | None:
    """The role of a declared (already checked) object; None outside the spectrum domain."""
    if domain is not ActivityDomain.SPECTRUM:
        return None
    if kind is DeclarationKind.OPERATION:
        return SpectrumRole.EMISSION
    try:
        return SpectrumRole(category.strip().lower())
    except ValueError:
        return SpectrumRole.PROTECTED  # not from the checked write path: the cautious reading


def spectrum_outcome(submitted: SpectrumRole, existing: SpectrumRole) -> SpectrumOutcome:
    """What happens when ``submitted`` meets another party's ``existing`` (see the table above)."""
    if submitted is SpectrumRole.EMISSION:
        return SpectrumOutcome.REFUSE if existing is SpectrumRole.TABOO else SpectrumOutcome.CONFLICT
    return SpectrumOutcome.CONFLICT if existing is SpectrumRole.EMISSION else SpectrumOutcome.NONE


def _field(index: int, name: str) -> str:
    return f"features[{index}].properties.{name}"


def check_declaration(
    domain: ActivityDomain, kind: DeclarationKind, category: str, volumes: Sequence[Volume4D]
) -> tuple[SpectrumRole | None, str]:
    """Check a declaration against the spectrum rules; its role and its category as stored.

    Outside the spectrum domain no volume may carry a band (it would hide the volume
    from flights: banded and unbanded volumes never conflict). Inside it every volume
    needs a band; an emission's volumes need a power, an entry's must have none, and
    the category is checked and written in lower case.
    """
    if domain is not ActivityDomain.SPECTRUM:
        for i, volume in enumerate(volumes):
            if volume.band is not None:
                raise InvalidInput(
                    f"only spectrum volumes carry a frequency band, not {domain.value} ones",
                    field=_field(i, "band_low_hz"),
                )
        return None, category
    for i, volume in enumerate(volumes):
        if volume.band is None:
            raise InvalidInput(
                "a spectrum volume needs a frequency band (band_low_hz, band_high_hz)",
                field=_field(i, "band_low_hz"),
            )
    wanted = category.strip().lower()
    if kind is DeclarationKind.OPERATION:
        if wanted and wanted not in {c.value for c in EmissionCategory}:
            allowed = " | ".join(c.value for c in EmissionCategory)
            raise InvalidInput(f"an emission's category is {allowed}, not {category!r}", field="category")
        for i, volume in enumerate(volumes):
            if volume.eirp_dbm is None:
                raise InvalidInput(
                    "an emission declares its maximum power (EIRP, dBm)", field=_field(i, "eirp_dbm")
                )
        return SpectrumRole.EMISSION, wanted
    if wanted not in {r.value for r in _ENTRIES}:
        raise InvalidInput(
            f"a restricted-frequency entry is TABOO, PROTECTED or GUARDED, not {category!r}", field="category"
        )
    for i, volume in enumerate(volumes):
        if volume.eirp_dbm is not None:
            raise InvalidInput(
                "a restricted-frequency entry emits nothing: leave out eirp_dbm", field=_field(i, "eirp_dbm")
            )
    return SpectrumRole(wanted), wanted
