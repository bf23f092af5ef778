"""Ed25519 signatures (PyNaCl). Keys travel as standard base64 of the raw 32 bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

__all__ = ["generate_keypair", "key_id", "public_key_of", "sign", "verify"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def generate_keypair() -> tuple[str, str]:
    """(private, public), both base64."""
    key = SigningKey.generate()
    return _b64(bytes(key)), _b64(bytes(key.verify_key))


def public_key_of(private_b64: str) -> str:
    return _b64(bytes(SigningKey(base64.b64decode(private_b64)).verify_key))


def sign(private_b64: str, message: bytes) -> str:
    return _b64(SigningKey(base64.b64decode(private_b64)).sign(message).signature)


def verify(public_b64: str, message: bytes, signature_b64: str) -> bool:
    """True for a good signature; False for anything else (never raises)."""
    try:
        VerifyKey(base64.b64decode(public_b64, validate=True)).verify(
            message, base64.b64decode(signature_b64, validate=True)
        )
    except (BadSignatureError, CryptoError, binascii.Error, ValueError, TypeError):
        return False
    return True


def key_id(public_b64: str) -> str:
    """A short stable fingerprint of a public key."""
    return hashlib.sha256(public_b64.encode("ascii")).hexdigest()[:16]
