"""Declaring what a message format was read into, through the one write path.

The NAVAREA and ACO importers turn each warning or airspace control measure
into GeoJSON Features (the formats' ``to_declared``), read them back into
volumes exactly as the API would, and submit them with
:func:`~deconflict.service.operations.submit_operation`; with ``--key`` the
request is signed by the party, so the ledger holds its signature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..bootstrap import Deconflict
from ..domain.activity import ActivityDomain
from ..domain.canonical import canonical_json
from ..domain.errors import InvalidInput
from ..domain.operation import DeclarationKind
from ..domain.signing import public_key_of, sign
from ..formats.geojson import parse_feature
from ..geoid import LazyEGM96
from ..service.commands import Signature, SubmitOperation
from ..service.operations import submit_operation

MAX_ID = 64
MAX_CATEGORY = 40


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


def category_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:MAX_CATEGORY]


def signed(request: Mapping[str, Any], private: str | None) -> Signature | None:
    if private is None:
        return None
    return Signature(request, sign(private, canonical_json(request)), public_key_of(private))


def declare(
    service: Deconflict,
    party: str,
    operation_id: str,
    domain: ActivityDomain,
    features: Sequence[Mapping[str, Any]],
    *,
    kind: DeclarationKind,
    category: str,
    details: str,
    private: str | None,
) -> dict[str, Any]:
    """Submit one operation (or zone) made of ``features``; a summary for the command's output."""
    geoid = LazyEGM96()
    volumes = tuple(parse_feature(feature, i, geoid).volume for i, feature in enumerate(features))
    request = {"type": "FeatureCollection", "features": [dict(f) for f in features]}
    outcome = submit_operation(
        service.uow(),
        service.clock,
        service.rules,
        SubmitOperation(
            party=party,
            domain=domain,
            volumes=volumes,
            kind=kind,
            category=category,
            details=details,
            operation_id=operation_id,
            signature=signed(request, private),
        ),
    )
    return {
        "operation": operation_id,
        "kind": kind.value,
        "domain": domain.value,
        "version": outcome.stored.operation.version,
        "late_notice": outcome.stored.late_notice,
        "lead_time_s": round(outcome.stored.lead_time_s, 1),
        "conflicts": [c.id for c in outcome.conflicts],
    }
