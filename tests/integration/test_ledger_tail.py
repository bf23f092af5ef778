"""The shared ledger tail: one read per wake-up for all streams, and never a missed entry."""

from __future__ import annotations

import asyncio
from typing import Any

from deconflict.api.ledger_tail import LedgerTail
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party


def add(service: Any, name: str) -> None:
    add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))


def test_streams_share_reads_and_catch_every_entry(service: Any, monkeypatch: Any) -> None:
    import deconflict.api.ledger_tail as module

    reads: list[int] = []
    real_read = module._read

    def counting_read(svc: Any, after: int, limit: int) -> Any:
        reads.append(after)
        return real_read(svc, after, limit)

    monkeypatch.setattr(module, "_read", counting_read)
    add(service, "blue")

    async def scenario() -> None:
        tail = LedgerTail(refresh_s=3600)  # no time-based refresh in this test
        first = await tail.after(service, 0, woken=True)
        assert [e.seq for e in first] == [1]
        head = first[-1].seq
        add(service, "red")  # a commit: the streams it wakes read once between them
        reads.clear()
        woken = await asyncio.gather(*(tail.after(service, head, woken=True) for _ in range(20)))
        assert all([e.type for e in got] == ["party.added"] for got in woken)
        assert len(reads) == 1
        head = woken[0][-1].seq
        add(service, "green")
        assert await tail.after(service, head, woken=False) == []  # polling only: waits for refresh_s
        assert [e.seq for e in await tail.after(service, head, woken=True)] == [head + 1]
        reads.clear()
        assert [e.seq for e in await tail.after(service, 0, woken=False)] == [1, 2, 3]  # from memory
        assert reads == []

    asyncio.run(scenario())


def test_a_stream_behind_the_window_reads_the_store(service: Any) -> None:
    for name in ("blue", "red", "green"):
        add(service, name)

    async def scenario() -> None:
        tail = LedgerTail()
        assert [e.seq for e in await tail.after(service, 2, woken=True)] == [3]  # the window starts at 3
        assert [e.seq for e in await tail.after(service, 0, woken=False)] == [1, 2, 3]

    asyncio.run(scenario())
