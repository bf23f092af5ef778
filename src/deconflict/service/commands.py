"""Commands: what a party (or the service) asks for. Plain frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.access import Role
from ..domain.activity import ActivityDomain
from ..domain.conflict_state import ConflictAction
from ..domain.declaration import Declaration
from ..domain.operation import DeclarationKind, OperationAction
from ..domain.volume import Volume4D


@dataclass(frozen=True, slots=True)
class Signature:
    """A party's Ed25519 signature over the canonical JSON of ``signed`` (made by the client)."""

    signed: Mapping[str, Any]
    signature_b64: str
    public_key_b64: str


@dataclass(frozen=True, slots=True)
class AddParty:
    name: str
    public_key_b64: str
    contact: str = ""
    role: Role = Role.PARTY


@dataclass(frozen=True, slots=True)
class SubmitOperation:
    party: str
    domain: ActivityDomain
    volumes: tuple[Volume4D, ...]
    kind: DeclarationKind = DeclarationKind.OPERATION
    category: str = ""
    priority: int = 0
    details: str = ""
    contact: str = ""
    operation_id: str | None = None
    # Proof of read: versions of the other parties' overlapping objects the submitter has
    # seen. None skips the check: only tests and benches that build a scene call
    # submit_operation directly; every entry point goes through Declare, which requires it.
    seen_versions: Mapping[str, int] | None = None
    signature: Signature | None = None
    features: tuple[Mapping[str, Any], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Declare:
    """What every entry point (API, CLI, importers, demo) asks for: declare this, having seen that.

    ``seen`` is the proof of read: the versions of every other party's operation and zone
    the declaration overlaps, as ``overlaps_for`` gave them.
    """

    party: str
    declaration: Declaration
    kind: DeclarationKind
    seen: Mapping[str, int]
    operation_id: str | None = None
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class AmendOperation:
    party: str
    operation_id: str
    amends_version: int
    volumes: tuple[Volume4D, ...]
    details: str | None = None
    contact: str | None = None
    priority: int | None = None
    seen_versions: Mapping[str, int] | None = None
    signature: Signature | None = None
    features: tuple[Mapping[str, Any], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ChangeOperationState:
    party: str
    operation_id: str
    action: OperationAction
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class ChangeConflict:
    party: str
    conflict_id: str
    action: ConflictAction
    note: str = ""
    signature: Signature | None = None
    role: Role = Role.PARTY
