"""The review reports: read the ledger for a period, compute the figures, show the caller its share.

The figures come from the ledger alone (``domain/review.py``), so each cites the
entries it rests on and anyone holding an export can recount it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..domain.access import Access, Reader, Role, Thing, Viewer, may, relation, takes_messages
from ..domain.errors import NotFound
from ..domain.ledger import LedgerEntry
from ..domain.review import DEFAULT_SHARE, Period, Report, ReportKind, build_report, only
from .ports import PartyRepository

__all__ = ["EVERYTHING", "ReportQuery", "Viewer", "review_report"]


class LedgerReader(Protocol):
    def head_seq(self) -> int: ...
    def entries_of(
        self, types: Collection[str], *, since: datetime | None = None, to_seq: int | None = None
    ) -> Iterator[LedgerEntry]: ...


class ReportStore(Protocol):
    """What a report reads: the parties and the ledger, in one read-only transaction."""

    @property
    def parties(self) -> PartyRepository: ...
    @property
    def ledger(self) -> LedgerReader: ...
    def __enter__(self) -> ReportStore: ...
    def __exit__(self, *exc: object) -> None: ...


EVERYTHING = Viewer("", Role.ADMIN)  # the operator on the server's own store (CLI)


@dataclass(frozen=True, slots=True)
class ReportQuery:
    kind: ReportKind
    period: Period = field(default_factory=Period)
    party: str | None = None  # only figures about this party
    share: float = DEFAULT_SHARE  # reciprocity's flag threshold


def review_report(uow: ReportStore, query: ReportQuery, viewer: Reader) -> Report:
    """The report the viewer may see: figures about pairs it belongs to (observers: all)."""
    with uow:
        if query.party is not None and uow.parties.get(query.party) is None:
            raise NotFound(f"no party {query.party!r}", field="party")
        head = uow.ledger.head_seq()
        entries = list(uow.ledger.entries_of(query.kind.event_types, since=query.period.start, to_seq=head))
        members = {p.id for p in uow.parties.all() if takes_messages(p.role)}
    report = build_report(query.kind, entries, query.period, head, members=members, share=query.share)

    def keep(parties: tuple[str, ...]) -> bool:
        seen = may(viewer, Thing.FIGURE, Access.SEE, relation(viewer.party, None, parties))
        return seen and (query.party is None or query.party in parties)

    return only(report, keep)
