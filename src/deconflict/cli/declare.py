"""Declaring what a file was read into, through the one ``declare`` use case.

``submit``, ``aco import`` and ``navarea import`` read their files into domain
declarations and hand each to :func:`submit_declaration`. Like the operating
picture, it first asks what the declaration overlaps (the function behind
``POST /v1/operations/overlaps``), says so on stderr, and declares those versions
as seen: the same limits and the same proof of read as the API. With ``--key``
the request (the volumes and what was seen) is signed by the party, so the
ledger holds its signature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from ..bootstrap import Deconflict
from ..domain.canonical import canonical_json
from ..domain.declaration import Declaration
from ..domain.errors import InvalidInput
from ..domain.operation import DeclarationKind
from ..domain.signing import public_key_of, sign
from ..formats.geojson import feature_collection, volume_feature
from ..service.commands import Declare, Signature
from ..service.operations import declare, overlaps_for

MAX_ID = 64


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", field="file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", field="file") from None


def read_key(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the key {path}: {error}", field="key") from None


def slug(*parts: str, limit: int = MAX_ID) -> str:
    """A stable id from message references: lower case, letters and digits joined by '-'."""
    text = "-".join(p for p in (re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts) if p)
    return text[:limit].rstrip("-") or "unnamed"


def signed(request: Mapping[str, Any], private: str | None) -> Signature | None:
    if private is None:
        return None
    return Signature(request, sign(private, canonical_json(request)), public_key_of(private))


def _say_seen(operation_id: str, seen: Mapping[str, int]) -> None:
    count = len(seen)
    what = (
        "1 overlapping operation/zone at its current version"
        if count == 1
        else f"{count} overlapping operations/zones at their current versions"
    )
    typer.echo(f"seen: {what} ({operation_id})", err=True)


def submit_declaration(
    service: Deconflict,
    party: str,
    operation_id: str,
    declaration: Declaration,
    *,
    kind: DeclarationKind,
    private: str | None,
) -> dict[str, Any]:
    """Read the overlaps, declare them seen, declare; a summary for the command's output."""
    seen = overlaps_for(service.uow(write=False), service.rules, party, declaration.volumes, operation_id)
    _say_seen(operation_id, seen)
    features = [
        volume_feature(v, party=party, operation=operation_id, domain=declaration.domain)
        for v in declaration.volumes
    ]
    request = {**feature_collection(features), "kind": kind.value, "seen": seen}
    outcome = declare(
        service.uow(),
        service.clock,
        service.rules,
        Declare(party, declaration, kind, seen, operation_id, signed(request, private)),
    )
    return {
        "operation": operation_id,
        "kind": kind.value,
        "domain": declaration.domain.value,
        "version": outcome.stored.operation.version,
        "late_notice": outcome.stored.late_notice,
        "lead_time_s": round(outcome.stored.lead_time_s, 1),
        "seen": seen,
        "conflicts": [c.id for c in outcome.conflicts],
    }
