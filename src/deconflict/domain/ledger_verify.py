"""The export format and the offline verifier.

An export is JSON Lines: line *n* is exactly the canonical JSON of entry *n*,
then one trailer line ``{"trailer": {...}}`` signed by the service, carrying the
count and the head hash (so that cutting entries off the end is detected). The
verifier needs nothing but the file and the public keys; because every line
must be canonical, any changed, removed, reordered or inserted byte is caught,
and the report names the first line that no longer fits and why.

A copy may carry redacted entries (``"payload": null``): their digest is still
chained, so the copy verifies; a party signature over a withheld payload is
counted as not checkable rather than checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .canonical import canonical_json, utc_timestamp
from .errors import InvalidInput
from .ledger import (
    GENESIS_HASH,
    LedgerEntry,
    entry_from_json,
    entry_hash,
    entry_to_json,
    payload_digest,
    signed_part,
)
from .merkle import merkle_root
from .signing import KEY_BYTES, SIGNATURE_BYTES, decode_b64, key_id, public_key_of, sign, verify

__all__ = ["KeyRing", "VerificationReport", "export_lines", "verify_export"]


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The public keys a verifier trusts: the service's, and each party's."""

    service: tuple[str, ...]
    parties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> KeyRing:
        if not isinstance(data, Mapping) or not isinstance(data.get("service"), list):
            raise InvalidInput('a keys file is {"service": [...], "parties": {...}}', field="keys")
        parties = data.get("parties") or {}
        if not isinstance(parties, Mapping) or not all(isinstance(k, list) for k in parties.values()):
            raise InvalidInput('a keys file\'s "parties" maps each party to a list of keys', field="parties")
        for index, key in enumerate(data["service"]):
            decode_b64(key, KEY_BYTES, f"service[{index}]")
        for party, party_keys in parties.items():
            for index, key in enumerate(party_keys):
                decode_b64(key, KEY_BYTES, f"parties.{party}[{index}]")
        return cls(tuple(data["service"]), {str(p): tuple(k) for p, k in parties.items()})

    def to_json(self) -> dict[str, Any]:
        return {"service": list(self.service), "parties": {p: list(k) for p, k in self.parties.items()}}


@dataclass(frozen=True, slots=True)
class VerificationReport:
    ok: bool
    entries: int = 0
    checkpoints: int = 0
    actor_signatures: int = 0
    redacted: int = 0
    head_hash: str = ""
    first_bad_line: int | None = None
    first_bad_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return (
                f"ledger OK: {self.entries} entries, {self.checkpoints} checkpoints, "
                f"{self.actor_signatures} party signatures verified, {self.redacted} payloads withheld "
                f"from this copy; head {self.head_hash[:16]}…"
            )
        where = f"line {self.first_bad_line}"
        if self.first_bad_seq is not None:
            where += f" (entry {self.first_bad_seq})"
        return f"ledger INVALID at {where}: {self.reason}"


def _trailer_body(
    entries: Sequence[LedgerEntry], exported_at: datetime, service_public: str
) -> dict[str, Any]:
    return {
        "count": len(entries),
        "head_hash": entries[-1].hash if entries else GENESIS_HASH,
        "exported_at": utc_timestamp(exported_at),
        "service_key": key_id(service_public),
    }


def export_lines(
    entries: Iterable[LedgerEntry], exported_at: datetime, service_private_b64: str
) -> Iterable[bytes]:
    """The export, line by line (each ending in a newline), trailer last."""
    seen: list[LedgerEntry] = []
    for entry in entries:
        seen.append(entry)
        yield canonical_json(entry_to_json(entry)) + b"\n"
    body = _trailer_body(seen, exported_at, public_key_of(service_private_b64))
    body["service_sig"] = sign(service_private_b64, canonical_json(body))
    yield canonical_json({"trailer": body}) + b"\n"


class _Bad(Exception):
    def __init__(self, reason: str, seq: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.seq = seq


def _canonical(text: object, size: int, what: str, seq: int | None) -> None:
    """A signature or key that is not canonical base64 is a changed byte, whatever it decodes to."""
    try:
        decode_b64(text, size, what)
    except InvalidInput as error:
        raise _Bad(error.message, seq) from None


class _Verifier:
    def __init__(self, keys: KeyRing) -> None:
        self.service_keys = {key_id(k): k for k in keys.service}
        self.party_keys: dict[str, set[str]] = {p: set(k) for p, k in keys.parties.items()}
        self.pinned = set(keys.parties)
        self.entries: list[LedgerEntry] = []
        self.checkpoints = 0
        self.actor_signatures = 0
        self.redacted = 0

    def _service_signature(self, kid: str, message: bytes, signature: object, seq: int | None) -> None:
        public = self.service_keys.get(kid)
        if public is None:
            raise _Bad(f"signed by unknown service key {kid}", seq)
        _canonical(signature, SIGNATURE_BYTES, "service_sig", seq)
        if not isinstance(signature, str) or not verify(public, message, signature):
            raise _Bad("bad service signature", seq)

    def entry(self, raw: dict[str, Any]) -> None:
        entry = entry_from_json(raw)
        seq = entry.seq
        expected_seq = len(self.entries) + 1
        if seq != expected_seq:
            raise _Bad(f"sequence broken: expected entry {expected_seq}, found {seq}", seq)
        prev_hash = self.entries[-1].hash if self.entries else GENESIS_HASH
        if entry.prev_hash != prev_hash:
            raise _Bad(f"broken chain: prev_hash does not match entry {seq - 1}", seq)
        if entry_hash(raw) != entry.hash:
            raise _Bad("hash mismatch: the entry's content was changed", seq)
        self._service_signature(entry.service_key, bytes.fromhex(entry.hash), entry.service_sig, seq)
        if entry.redacted:
            self.redacted += 1
        elif payload_digest(entry.payload) != entry.payload_sha256:
            raise _Bad("payload does not match its digest: the payload was changed", seq)
        if entry.actor_sig is not None and not entry.redacted:
            self._actor_signature(entry)
        if entry.type == "checkpoint":
            self._checkpoint(entry)
        self._learn_keys(entry)
        self.entries.append(entry)

    def _actor_signature(self, entry: LedgerEntry) -> None:
        actor, key = entry.actor, entry.actor_key
        _canonical(key, KEY_BYTES, "actor_key", entry.seq)
        _canonical(entry.actor_sig, SIGNATURE_BYTES, "actor_sig", entry.seq)
        if actor is None or key is None or key not in self.party_keys.get(actor, set()):
            raise _Bad(f"signed by a key not registered to party {actor!r}", entry.seq)
        if not verify(key, signed_part(entry.payload), entry.actor_sig or ""):
            raise _Bad(f"bad signature of party {actor!r}", entry.seq)
        self.actor_signatures += 1

    def _checkpoint(self, entry: LedgerEntry) -> None:
        if entry.redacted:
            raise _Bad("a checkpoint's payload must not be withheld", entry.seq)
        try:
            first, last = int(entry.payload["from_seq"]), int(entry.payload["to_seq"])
            claimed = str(entry.payload["merkle_root"])
        except (KeyError, TypeError, ValueError):
            raise _Bad("checkpoint without from_seq, to_seq and merkle_root", entry.seq) from None
        if not 1 <= first <= last < entry.seq:
            raise _Bad("checkpoint covers entries that do not precede it", entry.seq)
        leaves = [bytes.fromhex(e.hash) for e in self.entries[first - 1 : last]]
        if merkle_root(leaves).hex() != claimed:
            raise _Bad("checkpoint Merkle root does not match the entries it covers", entry.seq)
        self.checkpoints += 1

    def _learn_keys(self, entry: LedgerEntry) -> None:
        """Keys registered in the ledger count too, unless the keys file pins that party."""
        if entry.type in ("party.added", "party.key_added"):
            party = entry.payload.get("party_id")
            key = entry.payload.get("public_key")
            if isinstance(party, str) and isinstance(key, str) and party not in self.pinned:
                self.party_keys.setdefault(party, set()).add(key)

    def trailer(self, body: Any) -> None:
        if not isinstance(body, Mapping):
            raise _Bad("trailer is not an object")
        unsigned = {k: v for k, v in body.items() if k != "service_sig"}
        self._service_signature(
            str(body.get("service_key")), canonical_json(unsigned), body.get("service_sig"), None
        )
        if body.get("count") != len(self.entries):
            raise _Bad(f"trailer counts {body.get('count')} entries, the file has {len(self.entries)}")
        head = self.entries[-1].hash if self.entries else GENESIS_HASH
        if body.get("head_hash") != head:
            raise _Bad("trailer head hash does not match the last entry")


def verify_export(data: bytes, keys: KeyRing) -> VerificationReport:
    verifier = _Verifier(keys)
    lines = data.split(b"\n")
    if lines[-1] != b"":
        return VerificationReport(False, first_bad_line=len(lines), reason="file does not end with a newline")
    lines = lines[:-1]
    trailer_seen = False
    for number, line in enumerate(lines, start=1):
        seq_guess = len(verifier.entries) + 1
        try:
            if trailer_seen:
                raise _Bad("text after the trailer")
            try:
                raw = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise _Bad("not JSON", seq_guess) from None
            if not isinstance(raw, dict):
                raise _Bad("not a JSON object", seq_guess)
            try:
                canonical = canonical_json(raw)
            except InvalidInput:
                canonical = b""
            if canonical != line:
                raise _Bad("not canonical JSON: bytes were changed or inserted", seq_guess)
            if "trailer" in raw and len(raw) == 1:
                verifier.trailer(raw["trailer"])
                trailer_seen = True
            else:
                verifier.entry(raw)
        except _Bad as bad:
            return VerificationReport(
                False,
                len(verifier.entries),
                verifier.checkpoints,
                verifier.actor_signatures,
                verifier.redacted,
                first_bad_line=number,
                first_bad_seq=bad.seq,
                reason=bad.reason,
            )
        except InvalidInput as error:
            return VerificationReport(
                False, first_bad_line=number, first_bad_seq=seq_guess, reason=error.message
            )
    if not trailer_seen:
        return VerificationReport(
            False,
            len(verifier.entries),
            first_bad_line=len(lines) + 1,
            reason="missing trailer: the export was cut short",
        )
    head = verifier.entries[-1].hash if verifier.entries else GENESIS_HASH
    return VerificationReport(
        True, len(verifier.entries), verifier.checkpoints, verifier.actor_signatures, verifier.redacted, head
    )
