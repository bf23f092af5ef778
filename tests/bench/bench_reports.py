"""How long each review report takes over a ledger of a given size (prints a table; no pass/fail).

    python tests/bench/bench_reports.py [--messages 2000] [--operations 500] [--db sqlite|postgres]

A store built through the real use cases: three parties, ``--operations`` air
operations (in pairs of two parties over one square, so each pair conflicts once and
the conflict is acknowledged), ``--messages`` FLASH messages each delivered, read and
acknowledged. Each report is computed by the service use case (the store read
and the figures), best of five, over the whole ledger.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builders import T0, FixedClock, square, volume
from deconflict.bootstrap import Deconflict, bootstrap
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict_state import ConflictAction
from deconflict.domain.message import HotlinePolicy, Precedence
from deconflict.domain.review import ReportKind
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty, ChangeConflict, SubmitOperation
from deconflict.service.conflicts import change_conflict
from deconflict.service.hotline import acknowledge, mark_delivered, mark_read, send_message
from deconflict.service.hotline_commands import SendMessage
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party
from deconflict.service.reports import EVERYTHING, ReportQuery, review_report
from deconflict.settings import Settings
from servers import PostgresServer

PARTIES = ("blue", "red", "green")


def build(service: Deconflict, operations: int, messages: int) -> None:
    clock = FixedClock(T0.replace(hour=0))
    service.clock = clock
    uow = service.uow
    for name in PARTIES:
        add_party(uow(), clock, AddParty(name, generate_keypair()[1]))
    for i in range(operations):
        clock.advance(1)
        party = PARTIES[i % 3]
        where = square(10.0 + (i // 2) * 0.2, 50.0)  # each pair of consecutive operations conflicts
        cmd = SubmitOperation(party, ActivityDomain.AIR, (volume(where),))
        outcome = submit_operation(uow(), clock, service.rules, cmd)
        for record in outcome.conflicts:
            clock.advance(1)
            change_conflict(uow(), clock, ChangeConflict(party, record.id, ConflictAction.ACKNOWLEDGE))
    policy = HotlinePolicy()
    for i in range(messages):
        sender, recipient = PARTIES[i % 3], PARTIES[(i + 1) % 3]
        clock.advance(1)
        cmd = SendMessage(sender, (recipient,), f"message {i}", Precedence.FLASH)
        message_id = send_message(uow(), clock, policy, cmd).record.message.id
        for step in (mark_delivered, mark_read, acknowledge):
            clock.advance(2)
            step(uow(), clock, recipient, message_id)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--operations", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.db == "postgres":
            url = stack.enter_context(PostgresServer()).create_database("bench_reports")
        else:
            url = f"sqlite+pysqlite:///{data_dir}/deconflict.db"
        service = bootstrap(Settings(data_dir=data_dir, database_url=url, sqlite_synchronous="NORMAL"))
        stack.callback(service.close)
        built = time.perf_counter()
        build(service, args.operations, args.messages)
        with service.uow(write=False) as uow:
            head = uow.ledger.head_seq()
        print(f"{args.db}: {head} ledger entries built in {time.perf_counter() - built:.1f} s")
        print(f"{'report':<12} {'entries read':>12} {'rows':>5} {'best of 5 (ms)':>15}")
        for kind in ReportKind:
            with service.uow(write=False) as uow:
                read = sum(1 for _ in uow.ledger.entries_of(kind.event_types))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                report = review_report(service.uow(write=False), ReportQuery(kind), EVERYTHING)
                times.append(time.perf_counter() - started)
            print(f"{kind.value:<12} {read:>12} {len(report.rows):>5} {min(times) * 1000:>15.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
