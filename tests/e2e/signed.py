"""Signed requests (Ed25519 over method, path, timestamp and body hash), as a party's client makes them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from deconflict.domain.canonical import canonical_json
from deconflict.domain.signing import sign


def signed_post(
    client: httpx.Client, url: str, party: str, private_key: str, path: str, body: Any = None
) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    timestamp = datetime.now(UTC).isoformat()
    signed = {
        "method": "POST",
        "path": path,
        "timestamp": timestamp,
        "body_sha256": hashlib.sha256(content).hexdigest(),
    }
    headers = {
        "X-Deconflict-Party": party,
        "X-Deconflict-Timestamp": timestamp,
        "X-Deconflict-Signature": sign(private_key, canonical_json(signed)),
    }
    if content:
        headers["Content-Type"] = "application/json"
    return client.post(f"{url}{path}", content=content, headers=headers)
