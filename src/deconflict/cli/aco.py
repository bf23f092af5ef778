"""``deconflict aco import FILE --as PARTY [--key K] [--zone]``: an ACO's measures as declarations.

Each airspace control measure becomes one air operation (or, with ``--zone``,
one standing zone) with one volume per period; its id is made from the ACM
type and name (``ACM:ROZ/NAME:ROZ ALPHA`` → ``aco-roz-roz-alpha``), its
category is the ACM type, its remarks are kept as details (owner only). Sets
that were not understood, measures that were skipped and assumptions made
(``nnnAGL`` read as MSL) are listed under ``not_used``. Each is declared after
reading what it overlaps (proof of read, said on stderr). Exit 1 when any
declaration met a conflict; 2 when the file holds no measure to declare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.errors import DomainError
from ..domain.operation import DeclarationKind
from ..formats.aco import parse_aco, to_declaration
from ..geoid import LazyEGM96
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
from .declare import read_key, read_text, slug, submit_declaration
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
        geoid = LazyEGM96()
        declarations = [
            (slug("aco", m.acm_type, m.name), to_declaration(m, geoid)) for m in result.declarable()
        ]
        private = read_key(key)
        kind = DeclarationKind.ZONE if zone else DeclarationKind.OPERATION
        with open_service(data_dir, db) as service:
            for op_id, declaration in declarations:
                declared.append(
                    submit_declaration(service, party, op_id, declaration, kind=kind, private=private)
                )
    except DomainError as error:
        fail(error)
    print_json({"operations": declared, "not_used": result.describe_unknown()})
    raise typer.Exit(EXIT_FOUND if any(d["conflicts"] for d in declared) else EXIT_OK)
