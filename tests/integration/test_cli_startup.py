"""The command line starts without the store or the geometry: ``deconflict --help`` and
``ledger verify`` import neither SQLAlchemy nor shapely nor pyproj, and ``--help`` still
lists every command with its own help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from builders import respelled
from deconflict.cli import app as cli_app
from deconflict.domain.ledger import make_entry
from deconflict.domain.ledger_verify import KeyRing, export_lines
from deconflict.domain.signing import generate_keypair

HEAVY = ("sqlalchemy", "shapely", "pyproj")

# Runs the real entry point, then says which heavy packages it had imported.
PROBE = f"""
import atexit, json, sys
atexit.register(lambda: print("imported:", json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr))
sys.argv[0] = "deconflict"
from deconflict.cli import main
main()
"""


def run(*args: str) -> tuple[int, str, list[str]]:
    """(exit code, stdout, heavy packages imported) of ``deconflict ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
        check=False,
    )
    imported = re.search(r"^imported: (.*)$", done.stderr, re.MULTILINE)
    assert imported, done.stderr
    return done.returncode, done.stdout, json.loads(imported.group(1))


def test_help_lists_every_command_with_its_help_and_loads_none_of_them() -> None:
    code, out, imported = run("--help")
    assert code == 0 and imported == []
    for name in cli_app.COMMANDS:
        command = cli_app.load_command(name)
        own_help = (command.short_help or command.help or "").strip().split("\n")[0]
        assert re.search(rf"^│ {name} +{re.escape(own_help)} +│$", out, re.MULTILINE), (name, own_help, out)


def test_every_command_module_is_listed() -> None:
    plumbing = {"__init__", "__main__", "app", "context", "output", "declare"}
    modules = {p.stem for p in Path(cli_app.__file__).parent.glob("*.py")} - plumbing
    assert modules == {spec.module for spec in cli_app.COMMANDS.values()}


def test_ledger_verify_loads_neither_the_store_nor_the_geometry(tmp_path: Path) -> None:
    private, public = generate_keypair()
    at = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    entry = make_entry(None, at, None, "party.added", {"party_id": "blue"}, private)
    (tmp_path / "ledger.jsonl").write_bytes(b"".join(export_lines([entry], at, private)))
    (tmp_path / "keys.json").write_text(json.dumps(KeyRing((public,)).to_json()))
    code, out, imported = run(
        "ledger", "verify", str(tmp_path / "ledger.jsonl"), "--keys", str(tmp_path / "keys.json")
    )
    assert code == 0 and out.startswith("ledger OK: 1 entries"), out
    assert imported == []
    # The trailer's signature spelled otherwise (same bytes to a lenient decoder) is a changed byte.
    export = (tmp_path / "ledger.jsonl").read_text()
    signature = json.loads(export.splitlines()[1])["trailer"]["service_sig"]
    (tmp_path / "ledger.jsonl").write_text(export.replace(signature, respelled(signature)[0]))
    code, out, imported = run(
        "ledger", "verify", str(tmp_path / "ledger.jsonl"), "--keys", str(tmp_path / "keys.json")
    )
    assert code == 1
    assert out == "ledger INVALID at line 2: service_sig is not canonical base64 (a character was changed)\n"
