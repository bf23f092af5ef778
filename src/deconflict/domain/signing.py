"""Ed25519 signatures (PyNaCl). Keys travel as standard base64 of the raw 32 bytes.

Every key and signature is read through :func:`decode_b64`, which takes only the
one canonical spelling of a value: base64 leaves the low bits of its last
character unused, and a decoder that ignores them reads several strings as the
same signature, so a changed byte would go unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from .errors import InvalidInput

__all__ = [
    "KEY_BYTES",
    "SIGNATURE_BYTES",
    "decode_b64",
    "generate_keypair",
    "key_id",
    "public_key_of",
    "sign",
    "verify",
]

KEY_BYTES = 32
SIGNATURE_BYTES = 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode_b64(text: object, size: int, what: str) -> bytes:
    """The ``size`` bytes that ``text`` spells in canonical standard base64 (RFC 4648 §4,
    padded, no other characters, unused bits zero); :class:`InvalidInput` naming ``what``
    for anything else."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a base64 string", field=what)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{what} is not base64", field=what) from None
    if _b64(raw) != text:
        raise InvalidInput(f"{what} is not canonical base64 (a character was changed)", field=what)
    if len(raw) != size:
        raise InvalidInput(f"{what} is {len(raw)} bytes, not {size}", field=what)
    return raw


def generate_keypair() -> tuple[str, str]:
    """(private, public), both base64."""
    key = SigningKey.generate()
    return _b64(bytes(key)), _b64(bytes(key.verify_key))


def _signing_key(private_b64: str) -> SigningKey:
    return SigningKey(decode_b64(private_b64, KEY_BYTES, "private key"))


def public_key_of(private_b64: str) -> str:
    return _b64(bytes(_signing_key(private_b64).verify_key))


def sign(private_b64: str, message: bytes) -> str:
    return _b64(_signing_key(private_b64).sign(message).signature)


def verify(public_b64: str, message: bytes, signature_b64: str) -> bool:
    """True for a good signature in canonical base64 by a canonical key; False for
    anything else (never raises)."""
    try:
        key = decode_b64(public_b64, KEY_BYTES, "public key")
        signature = decode_b64(signature_b64, SIGNATURE_BYTES, "signature")
        VerifyKey(key).verify(message, signature)
    except (BadSignatureError, CryptoError, InvalidInput):
        return False
    return True


def key_id(public_b64: str) -> str:
    """A short stable fingerprint of a public key."""
    return hashlib.sha256(public_b64.encode("ascii")).hexdigest()[:16]
