"""Nothing acknowledged is lost: SIGKILL a submitting process, restart, check."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from deconflict.bootstrap import bootstrap
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.settings import Settings

CHILD = Path(__file__).with_name("crash_child.py")


def run_and_kill(data_dir: Path, url: str, prefix: str, kill_after: int) -> list[str]:
    """Start the child, SIGKILL it once it has acknowledged ``kill_after`` writes (so somewhere
    inside the next one); return every write it acknowledged."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), url, prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    safety_net = threading.Timer(120, child.kill)  # only if the child hangs; the test then fails below
    safety_net.start()
    try:
        read = [child.stdout.readline() for _ in range(kill_after)]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        safety_net.cancel()
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    assert all(line.endswith("\n") for line in read), f"the child stopped early: {err}"
    # A line cut mid-write was never a full acknowledgement.
    return [line.strip() for line in read] + [line for line in out.split("\n")[:-1] if line]


def check(data_dir: Path, url: str, acknowledged: list[str]) -> Any:
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    try:
        with service.uow(write=False) as uow:
            missing = [op for op in acknowledged if uow.operations.get(op) is None]
            entries = list(uow.ledger.entries())
        data = b"".join(export_lines(entries, service.clock.now(), service.key.private_b64))
        return missing, verify_export(data, KeyRing((service.key.public_b64,)))
    finally:
        service.close()


def test_sigkill_at_random_moments_loses_nothing_acknowledged(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(20261122)
    data_dir = tmp_path / "data"
    acknowledged: list[str] = []
    for round_number in range(4):
        kill_after = rng.randint(4, 12)
        done = run_and_kill(data_dir, database_url, f"r{round_number}", kill_after)
        assert len(done) >= kill_after
        acknowledged += done
        missing, report = check(data_dir, database_url, acknowledged)
        assert missing == []
        assert report.ok, report.summary()
