"""The ledger entry: hash-chained, signed by the service, optionally by the acting party.

A party never hands its private key to the service, so it cannot sign the
chained hash (it does not know its place in the chain). It signs the request
it makes — the canonical JSON of ``payload["request"]`` — and the entry's hash
covers that signature; the service signs every entry's hash. Together: the
party cannot deny what it asked, the service cannot deny when it recorded it.

The chained hash covers the payload's digest (``payload_sha256``), not the
payload itself. So a copy of the ledger may *redact* payloads its reader has no
need to know (another pair of parties' conflict, their hotline traffic) and
still verify end to end: the chain, every service signature and every
checkpoint hold; only the redacted contents are withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .canonical import canonical_json, parse_timestamp, sha256_hex, utc_timestamp
from .errors import InvalidInput
from .signing import key_id, public_key_of, sign

__all__ = [
    "GENESIS_HASH",
    "ChainHead",
    "LedgerEntry",
    "entry_from_json",
    "entry_hash",
    "entry_to_json",
    "make_entry",
    "payload_digest",
    "redact",
    "signed_part",
]

GENESIS_HASH = "0" * 64
_FIELDS = ("seq", "ts", "actor", "type", "payload_sha256", "prev_hash", "actor_sig", "actor_key")


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    seq: int
    ts: datetime
    actor: str | None
    type: str
    payload: Mapping[str, Any]
    prev_hash: str
    actor_sig: str | None
    actor_key: str | None
    hash: str
    service_key: str
    service_sig: str
    payload_sha256: str = ""
    redacted: bool = False  # the payload is withheld from this copy; its digest stays


def payload_digest(payload: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(dict(payload)))


def redact(entry: LedgerEntry) -> LedgerEntry:
    """The entry without its payload, for a reader with no need to know it."""
    return replace(entry, payload={}, redacted=True)


def signed_part(payload: Mapping[str, Any]) -> bytes:
    """What a party's signature covers: its request if recorded, else the payload."""
    return canonical_json(payload.get("request", payload))


def _hashed_body(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in _FIELDS}


def entry_hash(body: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of every field but the hash and service signature."""
    return sha256_hex(canonical_json(_hashed_body(body)))


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where the next entry goes: the last sequence number and hash (0 and zeros at genesis)."""

    seq: int = 0
    hash: str = GENESIS_HASH


def make_entry(
    prev: LedgerEntry | ChainHead | None,
    ts: datetime,
    actor: str | None,
    type: str,
    payload: Mapping[str, Any],
    service_private_b64: str,
    *,
    actor_sig: str | None = None,
    actor_key: str | None = None,
) -> LedgerEntry:
    """The single way to append: the entry after ``prev`` (None: the first)."""
    head = prev or ChainHead()
    if (actor_sig is None) != (actor_key is None):
        raise InvalidInput("an actor signature needs its key, and a key its signature")
    body: dict[str, Any] = {
        "seq": head.seq + 1,
        "ts": utc_timestamp(ts),
        "actor": actor,
        "type": type,
        "payload_sha256": payload_digest(payload),
        "prev_hash": head.hash,
        "actor_sig": actor_sig,
        "actor_key": actor_key,
    }
    digest = entry_hash(body)
    return LedgerEntry(
        seq=body["seq"],
        ts=parse_timestamp(body["ts"]),
        actor=actor,
        type=type,
        payload=dict(payload),
        prev_hash=body["prev_hash"],
        actor_sig=actor_sig,
        actor_key=actor_key,
        hash=digest,
        service_key=key_id(public_key_of(service_private_b64)),
        service_sig=sign(service_private_b64, bytes.fromhex(digest)),
        payload_sha256=body["payload_sha256"],
    )


def entry_to_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "ts": utc_timestamp(entry.ts),
        "actor": entry.actor,
        "type": entry.type,
        "payload": None if entry.redacted else dict(entry.payload),
        "payload_sha256": entry.payload_sha256,
        "prev_hash": entry.prev_hash,
        "actor_sig": entry.actor_sig,
        "actor_key": entry.actor_key,
        "hash": entry.hash,
        "service_key": entry.service_key,
        "service_sig": entry.service_sig,
    }


def entry_from_json(data: Mapping[str, Any]) -> LedgerEntry:
    try:
        return LedgerEntry(
            seq=int(data["seq"]),
            ts=parse_timestamp(str(data["ts"])),
            actor=data["actor"],
            type=str(data["type"]),
            payload={} if data["payload"] is None else dict(data["payload"]),
            prev_hash=str(data["prev_hash"]),
            actor_sig=data["actor_sig"],
            actor_key=data["actor_key"],
            hash=str(data["hash"]),
            service_key=str(data["service_key"]),
            service_sig=str(data["service_sig"]),
            payload_sha256=str(data["payload_sha256"]),
            redacted=data["payload"] is None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"not a ledger entry: {error}") from None
