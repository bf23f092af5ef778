"""The restricted-frequency rules on the write path (see :mod:`deconflict.domain.restricted_frequency`).

Conflict detection finds every pair that meets in band × area × altitude ×
time; this step then asks the domain what each pair means for the role of the
submission: keep it as a conflict, drop it (two restricted-frequency entries),
or refuse the whole submission (an emission reaching another party's TABOO
entry). It runs inside the submitter's unit of work, before anything is
written, so a refusal leaves no trace.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.conflict import Conflict
from ..domain.errors import Refused
from ..domain.restricted_frequency import SpectrumOutcome, SpectrumRole, spectrum_outcome, spectrum_role
from .ports import UnitOfWork

__all__ = ["screen_spectrum"]


def _role_of(uow: UnitOfWork, operation_id: str) -> SpectrumRole | None:
    stored = uow.operations.get(operation_id)
    if stored is None:
        return None
    op = stored.operation
    return spectrum_role(op.domain, op.kind, op.category)


def screen_spectrum(
    uow: UnitOfWork, role: SpectrumRole | None, party: str, found: Sequence[Conflict]
) -> list[Conflict]:
    """The conflicts a submission of ``role`` by ``party`` keeps; raises Refused at a TABOO entry."""
    if role is None:
        return list(found)
    roles: dict[str, SpectrumRole | None] = {}
    kept: list[Conflict] = []
    for conflict in found:
        mine, other = (conflict.a, conflict.b) if conflict.a.party == party else (conflict.b, conflict.a)
        if other.operation not in roles:
            roles[other.operation] = _role_of(uow, other.operation)
        other_role = roles[other.operation]
        if other_role is None:  # not a spectrum object: cannot meet a banded volume; keep it visible
            kept.append(conflict)
            continue
        outcome = spectrum_outcome(role, other_role)
        if outcome is SpectrumOutcome.REFUSE:
            raise Refused(
                f"refused: this emission reaches {other.party}'s TABOO frequency entry {other.operation!r} "
                "in its band, area, altitude and time; nothing was written",
                field=f"features[{mine.index}]",
            )
        if outcome is SpectrumOutcome.CONFLICT:
            kept.append(conflict)
    return kept
