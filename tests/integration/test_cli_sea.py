"""``deconflict navarea import|export`` and ``deconflict aco import`` on a local store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deconflict.bootstrap import bootstrap
from deconflict.cli import build_app
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.operation import DeclarationKind, OperationState
from deconflict.formats.navarea import parse_navarea
from deconflict.settings import Settings

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY = (datetime.now(UTC) + timedelta(days=5)).replace(hour=0, minute=0, second=0, microsecond=0)


def navtime(moment: datetime) -> str:
    return f"{moment:%d%H%M} UTC {MONTHS[moment.month - 1]} {moment:%y}"


def acotime(moment: datetime) -> str:
    return f"{moment:%d%H%M}Z{MONTHS[moment.month - 1]}{moment:%Y}"


EXERCISE = f"""\
NAVAREA III 123/{DAY:%y}
EASTERN MEDITERRANEAN.
CYPRUS.
NAVAL EXERCISES.
1. {navtime(DAY + timedelta(hours=6))} TO {navtime(DAY + timedelta(hours=18))}.
2. IN AREA BOUNDED BY
   34-40.00N 032-50.00E,
   34-40.00N 033-10.00E,
   34-20.00N 033-10.00E,
   34-20.00N 032-50.00E.
3. SURFACE TO 5000 FEET.
4. VESSELS ARE REQUESTED TO KEEP WELL CLEAR.
"""

CANCELLATION = f"""\
NAVAREA III 130/{DAY:%y}
EASTERN MEDITERRANEAN.
CYPRUS.
1. CANCEL NAVAREA III 123/{DAY:%y}, 99/{DAY:%y} AND THIS MSG.
"""

# A restricted operations zone over the exercise area (FL020-FL100 overlaps surface to 5,000 ft),
# a set this reader does not know, and a measure whose shape it does not read.
ACO = f"""\
EXER/BLUE FLAG//
GEODATUM/WGE//
ACMID/ACM:ROZ/NAME:ROZ ALPHA/POLYGON/USE:ROZ//
POLYGON/343000N0330000E/343000N0331500E/342500N0331500E/342500N0330000E//
EFFLEVEL/FLFL:FL020-FL100//
APERIOD/DISCRETE/{acotime(DAY + timedelta(hours=8))}/{acotime(DAY + timedelta(hours=10))}//
APERIOD/DISCRETE/{acotime(DAY + timedelta(hours=20))}/{acotime(DAY + timedelta(hours=22))}//
CONTROLA/ARMY ATC/123.45//
ACMID/ACM:ROZ/NAME:ARC ONE/RADARC//
RADARC/351200N0334500E/000T/090T/5NM/10NM//
EFFLEVEL/FLFL:FL050-FL250//
"""

OP_ID = f"navarea-iii-123-{DAY:%y}"


def run(tmp_path: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(build_app(), [*args, "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == code, result.output
    return result.stderr if code == 2 else result.stdout  # stderr also says what was seen


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    for name in ("blue", "red"):
        run(tmp_path, "party", "add", name, "--key-out", str(tmp_path / f"{name}.key"))
    return tmp_path


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def stored(tmp_path: Path, op_id: str) -> object:
    service = bootstrap(Settings(data_dir=tmp_path / "data"))
    try:
        with service.uow(write=False) as uow:
            found = uow.operations.get(op_id)
            entries = list(uow.ledger.entries())
    finally:
        service.close()
    return found, entries


def test_navarea_import_declares_a_signed_sea_operation_and_export_writes_it_back(
    parties: Path, tmp_path: Path
) -> None:
    warning = write(tmp_path, "exercise.txt", EXERCISE)
    out = json.loads(
        run(tmp_path, "navarea", "import", warning, "--as", "blue", "--key", str(tmp_path / "blue.key"))
    )
    [op] = out["operations"]
    assert (op["operation"], op["domain"], op["conflicts"], op["late_notice"]) == (OP_ID, "sea", [], False)
    found, entries = stored(tmp_path, OP_ID)
    assert found.operation.domain is ActivityDomain.SEA and found.operation.category == "naval_exercises"
    [submitted] = [e for e in entries if e.type == "operation.submitted"]
    assert submitted.actor == "blue" and submitted.actor_sig is not None
    run(tmp_path, "navarea", "import", warning, "--as", "blue", code=2)  # the same warning twice
    # Export: the same warning, read back from the store.
    text = run(tmp_path, "navarea", "export", OP_ID)
    original, exported = parse_navarea(EXERCISE), parse_navarea(text)
    assert exported == original
    run(tmp_path, "navarea", "export", OP_ID, "--number", "200", "--out", str(tmp_path / "out.txt"))
    renumbered = parse_navarea((tmp_path / "out.txt").read_text(encoding="utf-8"))
    assert renumbered.number == 200 and renumbered.footprint == original.footprint


def test_a_cancelling_warning_cancels_what_the_party_imported_and_lists_the_rest(
    parties: Path, tmp_path: Path
) -> None:
    run(tmp_path, "navarea", "import", write(tmp_path, "a.txt", EXERCISE), "--as", "blue")
    cancelling = write(tmp_path, "cancel.txt", CANCELLATION)
    denied = json.loads(run(tmp_path, "navarea", "import", cancelling, "--as", "red"))
    assert denied["cancelled"] == [] and "belongs to blue" in denied["not_used"][0]
    out = json.loads(run(tmp_path, "navarea", "import", cancelling, "--as", "blue"))
    assert out["operations"] == [] and out["cancelled"] == [OP_ID]
    assert out["not_used"] == [
        f"CANCEL NAVAREA III 99/{DAY:%y}: no operation 'navarea-iii-99-{DAY:%y}' was imported from it"
    ]
    found, _ = stored(tmp_path, OP_ID)
    assert found.operation.state is OperationState.CANCELLED


def test_aco_import_declares_each_measure_reports_what_was_not_used_and_exits_1_on_conflict(
    parties: Path, tmp_path: Path
) -> None:
    run(tmp_path, "navarea", "import", write(tmp_path, "a.txt", EXERCISE), "--as", "blue")
    out = json.loads(run(tmp_path, "aco", "import", write(tmp_path, "aco.txt", ACO), "--as", "red", code=1))
    [roz] = out["operations"]
    assert (roz["operation"], roz["kind"], roz["domain"]) == ("aco-roz-roz-alpha", "operation", "air")
    assert len(roz["conflicts"]) == 1  # its first period meets Blue's exercise area
    assert any("CONTROLA" in line for line in out["not_used"])
    assert any("ARC ONE" in line for line in out["not_used"])
    found, _ = stored(tmp_path, "aco-roz-roz-alpha")
    assert len(found.operation.volumes) == 2 and found.operation.category == "roz"
    assert found.operation.details == "USE: ROZ"
    # As standing zones, under other names.
    zones = json.loads(
        run(
            tmp_path,
            "aco",
            "import",
            write(tmp_path, "z.txt", ACO.replace("ROZ ALPHA", "ROZ B")),
            "--as",
            "red",
            "--zone",
            code=1,
        )
    )
    assert zones["operations"][0]["kind"] == "zone"
    found, _ = stored(tmp_path, "aco-roz-roz-b")
    assert found.operation.kind is DeclarationKind.ZONE


def test_export_refuses_what_it_cannot_write(parties: Path, tmp_path: Path) -> None:
    run(tmp_path, "aco", "import", write(tmp_path, "aco.txt", ACO), "--as", "red")
    assert "only sea operations" in run(tmp_path, "navarea", "export", "aco-roz-roz-alpha", code=2)
    assert "no operation" in run(tmp_path, "navarea", "export", "nothing-here", code=2)


def test_export_of_a_sea_operation_not_imported_needs_its_heading(parties: Path, tmp_path: Path) -> None:
    start = DAY + timedelta(hours=6)
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [33.0, 34.5]},
        "properties": {
            "party": "blue", "operation": "gunnery-1", "domain": "sea", "radius_m": 9260,
            "alt_lower": 0, "alt_upper": 3000, "alt_ref": "SFC", "alt_units": "ft",
            "time_start": start.isoformat(), "time_end": (start + timedelta(hours=4)).isoformat(),
        },
    }  # fmt: skip
    path = write(tmp_path, "sea.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}))
    run(tmp_path, "submit", path, "--as", "blue")
    assert "--series" in run(tmp_path, "navarea", "export", "gunnery-1", code=2)
    text = run(
        tmp_path, "navarea", "export", "gunnery-1", "--series", "NAVAREA III", "--number", "140",
        "--area", "Eastern Mediterranean", "--locality", "Cyprus",
    )  # fmt: skip
    warning = parse_navarea(text)
    assert (str(warning.ref), warning.subject) == (f"NAVAREA III 140/{DAY:%y}", "")
    assert warning.footprint is not None and warning.footprint.spec.radius_m == 9260  # type: ignore[union-attr]
    assert warning.altitude is not None and (warning.altitude.lower, warning.altitude.upper) == (0, 3000)
    assert "SURFACE TO 3000 FEET." in text
