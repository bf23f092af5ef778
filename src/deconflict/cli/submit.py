"""``deconflict submit FILE.geojson --as PARTY --key KEYFILE``: declare operations."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.canonical import canonical_json
from ..domain.errors import DomainError
from ..domain.signing import public_key_of, sign
from ..formats.geojson import DeclaredVolume, load_file
from ..geoid import LazyEGM96
from ..service.commands import Signature, SubmitOperation
from ..service.operations import submit_operation
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
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
    """Submit operations; prints each with the conflicts it met. Exit 1 when any conflict."""
    try:
        party = party_id_for(as_party)
        volumes = load_file(file, LazyEGM96())
        raw = json.loads(file.read_text(encoding="utf-8"))["features"]
        private = key.read_text(encoding="ascii").strip() if key else None
        by_operation: dict[str, list[DeclaredVolume]] = defaultdict(list)
        for declared in volumes:
            if party_id_for(declared.party) != party:
                fail(f"features[{declared.index}].properties.party: is {declared.party!r}, not {as_party!r}")
            by_operation[declared.operation].append(declared)
        results: list[dict[str, Any]] = []
        with open_service(data_dir, db) as service:
            for operation, group in by_operation.items():
                request = {"type": "FeatureCollection", "features": [raw[d.index] for d in group]}
                signature = None
                if private is not None:
                    signature = Signature(
                        request, sign(private, canonical_json(request)), public_key_of(private)
                    )
                outcome = submit_operation(
                    service.uow(),
                    service.clock,
                    service.rules,
                    SubmitOperation(
                        party=party,
                        domain=group[0].domain,
                        volumes=tuple(d.volume for d in group),
                        operation_id=operation,
                        signature=signature,
                    ),
                )
                results.append(
                    {
                        "operation": operation,
                        "version": outcome.stored.operation.version,
                        "late_notice": outcome.stored.late_notice,
                        "lead_time_s": round(outcome.stored.lead_time_s, 1),
                        "conflicts": [c.id for c in outcome.conflicts],
                    }
                )
    except DomainError as error:
        fail(error)
    except OSError as error:
        fail(f"cannot read key: {error}")
    print_json(results)
    raise typer.Exit(EXIT_FOUND if any(r["conflicts"] for r in results) else EXIT_OK)
