"""Any single changed, removed, reordered or inserted byte in an export is detected."""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from builders import respelled
from deconflict.domain.canonical import canonical_json
from deconflict.domain.errors import InvalidInput
from deconflict.domain.ledger import ChainHead, LedgerEntry, entry_to_json, make_entry, redact
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.merkle import make_checkpoint_payload
from deconflict.domain.signing import generate_keypair, public_key_of, sign, verify

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SERVICE_PRIVATE, SERVICE_PUBLIC = generate_keypair()
BLUE_PRIVATE, BLUE_PUBLIC = generate_keypair()


def build_ledger(count: int = 30, checkpoint_every: int = 10) -> list[LedgerEntry]:
    entries: list[LedgerEntry] = []
    prev: LedgerEntry | ChainHead = ChainHead()
    last_checkpoint = 0
    prev = make_entry(
        None, T0, None, "party.added", {"party_id": "blue", "public_key": BLUE_PUBLIC}, SERVICE_PRIVATE
    )
    entries.append(prev)
    for i in range(count):
        request = {"operation": f"op-{i}", "note": "élan ✈"}
        sig = sign(BLUE_PRIVATE, canonical_json(request)) if i % 3 == 0 else None
        prev = make_entry(
            prev,
            T0 + timedelta(seconds=i),
            "blue",
            "operation.submitted",
            {"operation_id": f"op-{i}", "lead_time_s": 900.5 + i, **({"request": request} if sig else {})},
            SERVICE_PRIVATE,
            actor_sig=sig,
            actor_key=BLUE_PUBLIC if sig else None,
        )
        entries.append(prev)
        if prev.seq - last_checkpoint >= checkpoint_every:
            payload = make_checkpoint_payload(entries[last_checkpoint : prev.seq])
            prev = make_entry(prev, T0 + timedelta(seconds=i), None, "checkpoint", payload, SERVICE_PRIVATE)
            entries.append(prev)
            last_checkpoint = prev.seq - 1
    return entries


ENTRIES = build_ledger()
EXPORT = b"".join(export_lines(ENTRIES, T0 + timedelta(days=1), SERVICE_PRIVATE))
KEYS = KeyRing((SERVICE_PUBLIC,))
LINES = EXPORT.split(b"\n")[:-1]


def line_of(offset: int) -> int:
    return EXPORT[:offset].count(b"\n") + 1


def test_an_untouched_export_verifies() -> None:
    report = verify_export(EXPORT, KEYS)
    assert report.ok, report.summary()
    assert report.entries == len(ENTRIES)
    assert report.checkpoints == 3
    assert report.actor_signatures == 10


@pytest.mark.parametrize("seed", range(6))
def test_every_flipped_byte_is_caught_at_its_line(seed: int) -> None:
    rng = random.Random(seed)
    for offset in rng.sample(range(len(EXPORT)), 60):
        data = bytearray(EXPORT)
        data[offset] ^= 1 << rng.randrange(8)
        report = verify_export(bytes(data), KEYS)
        assert not report.ok
        # A flipped newline joins or splits lines: the first bad line is this one or the next.
        assert report.first_bad_line in (line_of(offset), line_of(offset) + 1), (offset, report.summary())


def respell_signature(line: bytes, name: str, rng: random.Random) -> bytes | None:
    """``line`` with signature ``name`` spelled another way that decodes to the same bytes."""
    raw = json.loads(line)
    signature = raw.get("trailer", raw).get(name)
    if signature is None:
        return None
    other = rng.choice(respelled(signature))
    assert other != signature and base64.b64decode(other) == base64.b64decode(signature)
    return line.replace(f'"{name}":"{signature}"'.encode(), f'"{name}":"{other}"'.encode())


@pytest.mark.parametrize(
    ("name", "reason"),
    [("service_sig", "service_sig is not canonical base64"), ("actor_sig", "hash mismatch")],
)
def test_a_signature_respelled_in_its_unused_bits_is_caught_at_its_line(name: str, reason: str) -> None:
    """Base64 leaves the low bits of the last character unused: a changed byte there must not
    decode to the same signature and pass. (The hash covers a party's signature, not the
    service's own.)"""
    rng = random.Random(name)
    tried = 0
    for number, line in enumerate(LINES, start=1):
        changed = respell_signature(line, name, rng)
        if changed is None:
            continue
        lines = [*LINES]
        lines[number - 1] = changed
        report = verify_export(b"\n".join(lines) + b"\n", KEYS)
        assert not report.ok, (number, report.summary())
        assert report.first_bad_line == number and reason in report.reason
        tried += 1
    assert tried == (len(LINES) if name == "service_sig" else 10)  # the trailer's service_sig too


def test_a_key_or_signature_respelled_does_not_verify() -> None:
    message = b"a request"
    signature = sign(BLUE_PRIVATE, message)
    assert verify(BLUE_PUBLIC, message, signature)
    for other in respelled(signature):
        assert not verify(BLUE_PUBLIC, message, other)
    for other in respelled(BLUE_PUBLIC):
        assert not verify(other, message, signature)
        with pytest.raises(InvalidInput, match="canonical base64") as refused:
            KeyRing.from_json({"service": [SERVICE_PUBLIC], "parties": {"blue": [other]}})
        assert refused.value.field == "parties.blue[0]"


@pytest.mark.parametrize("seed", range(4))
def test_every_deleted_or_inserted_byte_is_caught(seed: int) -> None:
    rng = random.Random(100 + seed)
    for offset in rng.sample(range(len(EXPORT)), 50):
        deleted = EXPORT[:offset] + EXPORT[offset + 1 :]
        inserted = EXPORT[:offset] + bytes([rng.choice(b' x0{}",\n')]) + EXPORT[offset:]
        for data in (deleted, inserted):
            report = verify_export(data, KEYS)
            assert not report.ok
            assert report.first_bad_line is not None
            assert line_of(offset) <= report.first_bad_line <= line_of(offset) + 1, report.summary()


def test_a_removed_entry_is_caught_at_the_next_one() -> None:
    for index in (0, 5, 17, len(LINES) - 2):
        data = b"\n".join(LINES[:index] + LINES[index + 1 :]) + b"\n"
        report = verify_export(data, KEYS)
        assert not report.ok
        assert report.first_bad_line == index + 1, report.summary()


def test_reordered_entries_are_caught() -> None:
    for index in (1, 8, 20):
        swapped = [*LINES]
        swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
        report = verify_export(b"\n".join(swapped) + b"\n", KEYS)
        assert not report.ok
        assert report.first_bad_line == index + 1
        assert "sequence" in report.reason


def test_a_duplicated_entry_is_caught() -> None:
    doubled = [*LINES[:10], LINES[9], *LINES[10:]]
    report = verify_export(b"\n".join(doubled) + b"\n", KEYS)
    assert not report.ok and report.first_bad_line == 11


def test_truncation_is_caught_by_the_trailer() -> None:
    cut = b"\n".join(LINES[:20]) + b"\n"
    report = verify_export(cut, KEYS)
    assert not report.ok and "trailer" in report.reason
    assert not verify_export(EXPORT[:-1], KEYS).ok  # the final newline counts too


def test_a_forged_entry_rehashed_without_the_service_key_fails_at_its_signature() -> None:
    forger_private, _ = generate_keypair()
    forged = make_entry(
        ENTRIES[3], T0, "blue", "operation.cancelled", {"operation_id": "op-1"}, forger_private
    )
    lines = [*LINES]
    lines[4] = canonical_json(entry_to_json(forged))
    report = verify_export(b"\n".join(lines) + b"\n", KEYS)
    assert not report.ok and report.first_bad_line == 5
    assert "service key" in report.reason


def test_a_party_signature_by_an_unregistered_key_fails() -> None:
    stranger_private, stranger_public = generate_keypair()
    request = {"operation": "op-x"}
    entry = make_entry(
        None,
        T0,
        "blue",
        "operation.submitted",
        {"request": request},
        SERVICE_PRIVATE,
        actor_sig=sign(stranger_private, canonical_json(request)),
        actor_key=stranger_public,
    )
    data = b"".join(export_lines([entry], T0, SERVICE_PRIVATE))
    report = verify_export(data, KeyRing((SERVICE_PUBLIC,), {"blue": (BLUE_PUBLIC,)}))
    assert not report.ok and "not registered" in report.reason


def test_keys_file_round_trip() -> None:
    ring = KeyRing((SERVICE_PUBLIC,), {"blue": (BLUE_PUBLIC,)})
    assert KeyRing.from_json(ring.to_json()) == ring
    assert public_key_of(SERVICE_PRIVATE) == SERVICE_PUBLIC


def test_a_copy_with_withheld_payloads_still_verifies_but_not_a_changed_one() -> None:
    private = {5, 9, 14}  # say, another pair of parties' conflicts
    copy = [redact(e) if e.seq in private else e for e in ENTRIES]
    data = b"".join(export_lines(copy, T0 + timedelta(days=1), SERVICE_PRIVATE))
    report = verify_export(data, KEYS)
    assert report.ok, report.summary()
    assert report.redacted == 3
    withheld = data.split(b"\n")[4]  # entry 5: op-3's submission
    assert b'"payload":null' in withheld and b"op-3" not in withheld
    changed = [*LINES]
    changed[6] = changed[6].replace(b"op-5", b"op-X")
    report = verify_export(b"\n".join(changed) + b"\n", KEYS)
    assert not report.ok and report.first_bad_line == 7
    assert "digest" in report.reason
