"""Use cases for parties: add one (with its public key), add a key, issue a token."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from ..domain.access import Role
from ..domain.errors import InvalidInput, NotFound
from ..domain.ledger import LedgerEntry
from ..domain.signing import key_id
from ..domain.text import check_text
from .commands import AddParty
from .ports import Clock, PartyRecord, UnitOfWork

_SLUG = re.compile(r"[^a-z0-9]+")


def party_id_for(name: str) -> str:
    slug = _SLUG.sub("-", name.strip().lower()).strip("-")
    if not slug:
        raise InvalidInput("a party name needs letters or digits", field="name")
    return slug[:64]


def token_hash(token: str) -> str:
    """Tokens are stored hashed; a stolen database gives no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_party(uow: UnitOfWork, clock: Clock, cmd: AddParty) -> tuple[PartyRecord, list[LedgerEntry]]:
    role = Role.parse(cmd.role)
    check_text(cmd.name, "name")
    check_text(cmd.contact, "contact")
    party = PartyRecord(party_id_for(cmd.name), cmd.name.strip(), role, cmd.contact, (cmd.public_key_b64,))
    with uow:
        if uow.parties.get(party.id) is not None or uow.parties.by_name(party.name) is not None:
            raise InvalidInput(f"party {cmd.name!r} already exists", field="name")
        uow.parties.add(party, clock.now())
        uow.record(
            "party.added",
            {
                "party_id": party.id,
                "name": party.name,
                "role": party.role.value,
                "contact": party.contact,
                "public_key": cmd.public_key_b64,
                "key_id": key_id(cmd.public_key_b64),
            },
            actor=None,
        )
        entries = uow.commit()
    return party, entries


def issue_token(uow: UnitOfWork, clock: Clock, party_id: str) -> str:
    """A new bearer token for the party; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    with uow:
        if uow.parties.get(party_id) is None:
            raise NotFound(f"no party {party_id!r}", field="party")
        uow.parties.add_token(party_id, token_hash(token), clock.now())
        uow.record(
            "party.token_issued",
            {"party_id": party_id, "token_sha256_prefix": token_hash(token)[:12]},
            actor=None,
        )
        uow.commit()
    return token


def claim_signature(
    uow: UnitOfWork, clock: Clock, party_id: str, signature_b64: str, keep: timedelta
) -> bool:
    """A signed request's signature serves once: True the first time, False for a replay.

    ``keep`` is how long a signature is remembered: longer than a signed request's
    timestamp is accepted for, so a replay is refused either way.
    """
    digest = hashlib.sha256(signature_b64.encode("ascii")).hexdigest()
    with uow:
        now = clock.now()
        fresh = uow.parties.claim_signature(digest, party_id, now, now - keep)
        uow.commit()
    return fresh
