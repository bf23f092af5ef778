"""``deconflict submit FILE.geojson --as PARTY --key KEYFILE``: declare operations."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.errors import DomainError
from ..domain.operation import DeclarationKind
from ..formats.geojson import DeclaredVolume, declaration_of, load_file
from ..geoid import LazyEGM96
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
from .declare import read_key, submit_declaration
from .output import EXIT_FOUND, EXIT_OK, fail, print_json


def submit_command(
    file: Annotated[
        Path, typer.Argument(help="GeoJSON FeatureCollection; one operation per 'operation' value.")
    ],
    as_party: Annotated[str, typer.Option("--as", help="The submitting party (id or name).")],
    key: Annotated[
        Path | None, typer.Option("--key", help="The party's private key file: signs each request.")
    ] = None,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Submit operations, each after reading what it overlaps (proof of read). Exit 1 when any conflict.

    What was read is said on stderr; each operation is printed with the conflicts it met."""
    try:
        party = party_id_for(as_party)
        volumes = load_file(file, LazyEGM96())
        private = read_key(key)
        by_operation: dict[str, list[DeclaredVolume]] = defaultdict(list)
        for declared in volumes:
            if party_id_for(declared.party) != party:
                fail(f"features[{declared.index}].properties.party: is {declared.party!r}, not {as_party!r}")
            by_operation[declared.operation].append(declared)
        declarations = {op: declaration_of(group) for op, group in by_operation.items()}
        results: list[dict[str, Any]] = []
        with open_service(data_dir, db) as service:
            for operation, declaration in declarations.items():
                results.append(
                    submit_declaration(
                        service,
                        party,
                        operation,
                        declaration,
                        kind=DeclarationKind.OPERATION,
                        private=private,
                    )
                )
    except DomainError as error:
        fail(error)
    print_json(results)
    raise typer.Exit(EXIT_FOUND if any(r["conflicts"] for r in results) else EXIT_OK)
