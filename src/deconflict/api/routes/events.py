"""Live events: Server-Sent Events at /v1/events and a WebSocket at /v1/ws.

Events are ledger entries the caller may see (the access policy's
:func:`~deconflict.domain.access.may_see_event`). A client
that reconnects sends the last sequence it saw (``Last-Event-ID`` or
``?after=``) and receives everything after it: nothing is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ...bootstrap import Deconflict
from ...domain.access import may_see_event
from ...domain.errors import DomainError
from ...domain.ledger import LedgerEntry, entry_to_json
from ..auth import Actor, ActorDep, ServiceDep, _bearer
from ..errors import ERROR_RESPONSES
from ..ledger_tail import read_after

router = APIRouter(prefix="/v1", tags=["events"], responses=ERROR_RESPONSES)

POLL_S = 0.25  # picks up other replicas' commits well within a second
KEEPALIVE_S = 15.0
BATCH = 500


async def _stream(
    service: Deconflict, notifier: Any, actor: Actor, after: int, alive: Any
) -> AsyncIterator[tuple[int, LedgerEntry | None]]:
    """Yield (seq, entry) for visible entries after ``after``; (seq, None) as keepalive."""
    wake = notifier.subscribe()
    try:
        idle = 0.0
        while await alive():
            woken = wake.is_set()
            wake.clear()
            entries = await read_after(service, notifier, after, woken)  # shared: one query per replica
            for entry in entries:
                after = entry.seq
                if may_see_event(actor, entry.type, entry.payload):
                    idle = 0.0
                    yield after, entry
            if len(entries) == BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_S)
            idle += POLL_S
            if idle >= KEEPALIVE_S:
                idle = 0.0
                yield after, None
    finally:
        notifier.unsubscribe(wake)


_RENDERED: dict[str, str] = {}  # entry hash -> event JSON: rendered once for every stream


def _event_json(entry: LedgerEntry) -> str:
    rendered = _RENDERED.get(entry.hash)
    if rendered is None:
        body = entry_to_json(entry)
        rendered = json.dumps(
            {k: body[k] for k in ("seq", "ts", "type", "actor", "payload", "hash")}, separators=(",", ":")
        )
        if len(_RENDERED) >= 4096:
            _RENDERED.clear()
        _RENDERED[entry.hash] = rendered
    return rendered


@router.get(
    "/events", response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}}
)
async def events(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    after: Annotated[
        int | None, Query(ge=0, le=2**62, description="Resume after this ledger sequence.")
    ] = None,
) -> StreamingResponse:
    """Server-Sent Events: ``id`` is the ledger sequence, ``event`` the entry type."""
    last = request.headers.get("last-event-id")
    start = after if after is not None else int(last) if last and last.isdigit() and len(last) <= 18 else 0

    async def alive() -> bool:
        return not await request.is_disconnected()

    async def body() -> AsyncIterator[bytes]:
        yield b": connected\n\n"
        async for seq, entry in _stream(service, request.app.state.notifier, actor, start, alive):
            if entry is None:
                yield b": keepalive\n\n"
            else:
                yield f"id: {seq}\nevent: {entry.type}\ndata: {_event_json(entry)}\n\n".encode()

    return StreamingResponse(body(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.websocket("/ws")
async def websocket(websocket: WebSocket, after: int = 0, token: str | None = None) -> None:
    """WebSocket: one JSON message per event. Authenticate with ``?token=`` or a Bearer header."""
    service: Deconflict = websocket.app.state.service
    header = websocket.headers.get("authorization", "")
    bearer = token or (header[7:].strip() if header.lower().startswith("bearer ") else "")
    try:
        actor = await run_in_threadpool(_bearer, service, bearer)
    except DomainError:
        await websocket.close(code=4401, reason="unauthenticated")
        return
    await websocket.accept()
    closed = asyncio.Event()

    async def watch() -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while True:
                await websocket.receive_text()
        closed.set()

    watcher = asyncio.create_task(watch())

    async def alive() -> bool:
        return not closed.is_set()

    try:
        async for _seq, entry in _stream(
            service, websocket.app.state.notifier, actor, min(max(after, 0), 2**62), alive
        ):
            if entry is not None:
                await websocket.send_text(_event_json(entry))
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        watcher.cancel()
