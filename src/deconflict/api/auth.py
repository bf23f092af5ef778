"""Who is asking: a party's bearer token, or a request signed with the party's Ed25519 key.

Bearer: ``Authorization: Bearer <token>``; the service stores only token hashes
and looks a token up by its SHA-256 digest. Signed: headers ``X-Deconflict-Party``,
``X-Deconflict-Timestamp`` (RFC 3339, within five minutes of the service clock)
and ``X-Deconflict-Signature`` (base64 Ed25519) over the canonical JSON of
``{"method", "path", "timestamp", "body_sha256"}``; the signed request goes into
the ledger, so the party cannot later deny it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..bootstrap import Deconflict
from ..domain.access import Role
from ..domain.canonical import canonical_json
from ..domain.signing import verify
from ..service.commands import Signature
from ..service.parties import claim_signature, token_hash
from ..service.ports import PartyRecord
from .errors import Unauthenticated

CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: a :class:`~deconflict.domain.access.Reader` for the access policy."""

    party: str
    role: Role
    signature: Signature | None = None


async def get_service(request: Request) -> Deconflict:
    # async on purpose: a sync dependency costs a thread-pool hop per request.
    service: Deconflict = request.app.state.service
    return service


ServiceDep = Annotated[Deconflict, Depends(get_service)]


class TokenCache:
    """Recently seen tokens, so most requests skip the database. A revoked or new token
    takes effect within ``ttl_s``."""

    def __init__(self, ttl_s: float = 10.0, size: int = 4096) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._lock = threading.Lock()
        self._actors: dict[str, tuple[Actor, float]] = {}

    def get(self, digest: str) -> Actor | None:
        with self._lock:
            hit = self._actors.get(digest)
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def put(self, digest: str, actor: Actor) -> None:
        with self._lock:
            if len(self._actors) >= self.size:
                self._actors.clear()
            self._actors[digest] = (actor, time.monotonic() + self.ttl_s)


def _bearer(service: Deconflict, token: str) -> Actor:
    # Looked up by its SHA-256 digest, not compared: whatever the lookup's timing may tell is
    # about the digest, and a digest does not lead back to a token (SHA-256 is preimage-resistant).
    with service.uow(write=False) as uow:
        party = uow.parties.by_token_hash(token_hash(token))
    if party is None:
        raise Unauthenticated("unknown or revoked token")
    return Actor(party.id, party.role)


def _party(service: Deconflict, party_id: str) -> PartyRecord | None:
    with service.uow(write=False) as uow:
        return uow.parties.get(party_id)


async def _signed(request: Request, service: Deconflict, party_id: str) -> Actor:
    timestamp = request.headers.get("x-deconflict-timestamp", "")
    signature = request.headers.get("x-deconflict-signature", "")
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        raise Unauthenticated("X-Deconflict-Timestamp must be RFC 3339") from None
    if moment.tzinfo is None or abs(service.clock.now() - moment) > CLOCK_SKEW:
        raise Unauthenticated("request timestamp is too far from the service clock")
    body = await request.body()
    signed: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "timestamp": timestamp,
        "body_sha256": hashlib.sha256(body).hexdigest(),
    }
    party = await run_in_threadpool(_party, service, party_id)
    if party is None:
        raise Unauthenticated("unknown party")
    message = canonical_json(signed)
    for key in party.public_keys:
        if verify(key, message, signature):
            fresh = await run_in_threadpool(
                claim_signature, service.uow(), service.clock, party.id, signature, 2 * CLOCK_SKEW
            )
            if not fresh:
                raise Unauthenticated("this signed request was already served: sign each request afresh")
            return Actor(party.id, party.role, Signature(signed, signature, key))
    raise Unauthenticated("bad request signature")


async def current_actor(request: Request, service: ServiceDep) -> Actor:
    party_header = request.headers.get("x-deconflict-party")
    if party_header:
        return await _signed(request, service, party_header)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send Authorization: Bearer <token> or a signed request")
    cache: TokenCache = request.app.state.tokens
    digest = token_hash(token.strip())
    actor = cache.get(digest)
    if actor is None:
        actor = await run_in_threadpool(_bearer, service, token.strip())  # never block the event loop
        cache.put(digest, actor)
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
