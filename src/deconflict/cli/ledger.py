"""``deconflict ledger export|keys|verify``: the record, and checking it offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import DomainError
from ..domain.ledger_verify import KeyRing, export_lines, verify_export
from .context import DataDirOption, DbOption, open_service
from .output import EXIT_FOUND, console, fail

ledger_app = typer.Typer(help="The signed, hash-chained ledger.", no_args_is_help=True)


@ledger_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write (JSON lines).")],
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Write the whole ledger, with a signed trailer, as JSON lines."""
    with open_service(data_dir, db) as service, service.uow(write=False) as uow:
        count = 0
        with out.open("wb") as handle:
            for line in export_lines(uow.ledger.entries(), service.clock.now(), service.key.private_b64):
                handle.write(line)
                count += 1
    console().print(f"wrote {count - 1} entries and a trailer to {out}")


@ledger_app.command("keys")
def keys(
    out: Annotated[Path, typer.Option("--out", help="Keys file to write (JSON).")],
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Write the public keys a verifier needs: the service's and every party's."""
    with open_service(data_dir, db) as service, service.uow(write=False) as uow:
        ring = KeyRing((service.key.public_b64,), {p.id: p.public_keys for p in uow.parties.all()})
    out.write_text(json.dumps(ring.to_json(), indent=2) + "\n", encoding="utf-8")
    console().print(f"wrote keys of the service and {len(ring.parties)} parties to {out}")


@ledger_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="An exported ledger.")],
    keys_file: Annotated[Path, typer.Option("--keys", help="Public keys (from `ledger keys`).")],
) -> None:
    """Check the chain, every signature, every checkpoint and the trailer — offline."""
    try:
        data = file.read_bytes()
        ring = KeyRing.from_json(json.loads(keys_file.read_text(encoding="utf-8")))
    except OSError as error:
        fail(f"cannot read: {error}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        fail(f"{keys_file} is not a JSON keys file")
    except DomainError as error:
        fail(error)
    report = verify_export(data, ring)
    if report.ok:
        typer.echo(report.summary())  # plain: rich would cost a tenth of a second to start
        return
    typer.secho(report.summary(), fg="red", bold=True)
    raise typer.Exit(EXIT_FOUND)
