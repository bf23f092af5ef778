"""``deconflict aco import FILE --as PARTY [--key K] [--zone]``: an ACO's measures as declarations.

Each airspace control measure becomes one air operation (or, with ``--zone``,
one standing zone) with one volume per period; its id is made from the ACM
type and name (``ACM:ROZ/NAME:ROZ ALPHA`` → ``aco-roz-roz-alpha``), its
category is the ACM type, its remarks are kept as details (owner only). Sets
that were not understood, measures that were skipped and assumptions made
(``nnnAGL`` read as MSL) are listed under ``not_used``. Exit 1 when any
declaration met a conflict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.activity import ActivityDomain
from ..domain.errors import DomainError
from ..domain.operation import DeclarationKind
from ..formats.aco import parse_aco, to_declared
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
from .declare import category_of, declare, read_key, read_text, slug
from .output import EXIT_FOUND, EXIT_OK, fail, print_json

aco_app = typer.Typer(help="Airspace Control Orders (USMTF ACO): import.", no_args_is_help=True)


@aco_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="An ACO as text (slash-delimited sets).")],
    as_party: Annotated[str, typer.Option("--as", help="The declaring party (id or name).")],
    key: Annotated[
        Path | None, typer.Option("--key", help="The party's private key file: signs each request.")
    ] = None,
    zone: Annotated[
        bool, typer.Option("--zone", help="Declare standing zones instead of operations.")
    ] = False,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Declare every measure of an ACO; list what was not used. Exit 1 when any conflict."""
    declared: list[dict[str, Any]] = []
    try:
        party = party_id_for(as_party)
        result = parse_aco(read_text(file))
        private = read_key(key)
        kind = DeclarationKind.ZONE if zone else DeclarationKind.OPERATION
        with open_service(data_dir, db) as service:
            for measure in result.measures:
                op_id = slug("aco", measure.acm_type, measure.name)
                remarks = [f"USE: {measure.use}"] if measure.use else []
                declared.append(
                    declare(
                        service,
                        party,
                        op_id,
                        ActivityDomain.AIR,
                        to_declared(measure, party, op_id),
                        kind=kind,
                        category=category_of(measure.acm_type),
                        details="\n".join([*remarks, *measure.remarks]),
                        private=private,
                    )
                )
    except DomainError as error:
        fail(error)
    print_json({"operations": declared, "not_used": result.describe_unknown()})
    raise typer.Exit(EXIT_FOUND if any(d["conflicts"] for d in declared) else EXIT_OK)
