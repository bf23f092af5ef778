"""/v1/messages: the hotline between parties; /v1/roster: a party's duty roster.

Send with a signed request (``X-Deconflict-*`` headers, see :mod:`..auth`) and
the ledger keeps the sender's signature and the exact body; acknowledge the
same way and it keeps the recipient's. Receipts are explicit: the recipient's
client reports ``delivered`` when it has the message, ``read`` when an officer
opened it, ``ack`` when an officer acknowledges it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ...bootstrap import hotline_policy
from ...domain.access import Access, Relation, Thing, enforce, require_writer
from ...domain.declaration import check_limits
from ...domain.errors import InvalidInput
from ...domain.message import (
    MAX_OFFICER,
    MAX_RECIPIENTS,
    MAX_TEXT,
    MessageArea,
    MessageType,
    Precedence,
    RecipientState,
    Reference,
    RosterLevel,
)
from ...domain.timewindow import TimeWindow
from ...service.hotline import get_message, list_messages, mark_message, roster_of, send_message, set_roster
from ...service.hotline_commands import MarkMessage, SendMessage, SetRoster
from ...service.hotline_ports import Box
from .. import bodies
from ..auth import Actor, ActorDep, ServiceDep
from ..declarations import read_declaration
from ..errors import ERROR_RESPONSES
from ..message_views import MessageView, RosterView, message_view, roster_view

router = APIRouter(prefix="/v1", tags=["hotline"], responses=ERROR_RESPONSES)
MessageId = Annotated[str, Path(min_length=1, max_length=64, description="Message id.")]


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


class SendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(min_length=1, max_length=MAX_RECIPIENTS, description="Recipient party ids.")
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    precedence: Precedence = Precedence.ROUTINE
    type: MessageType = MessageType.ALERT
    officer: str = Field(default="", max_length=MAX_OFFICER, description="The sending officer.")
    refs: list[str] = Field(
        default_factory=list, max_length=50, description="e.g. op:ID, msg:ID, conflict:ID"
    )
    area: bodies.AreaBody | None = Field(
        default=None, description="A GeoJSON Feature or FeatureCollection in the volume format."
    )
    time_start: datetime | None = Field(default=None, description="'from then' (RFC 3339)")
    time_end: datetime | None = Field(default=None, description="'to then' (RFC 3339)")
    id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Client-chosen id (optional)."
    )


class ReceiptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    officer: str = Field(default="", max_length=MAX_OFFICER, description="The officer reporting the step.")


class RosterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    levels: list[list[str]] = Field(
        max_length=10, description="levels[0]: re-alerted first, then levels[1] ..."
    )


def _body_text(actor: Actor, raw: bytes) -> str | None:
    """The exact body a signed request's hash covers, kept in the ledger beside the signature."""
    if actor.signature is None or not raw:
        return None
    return raw.decode("utf-8", errors="replace")


def _area(request: Request, actor: Actor, body: SendBody) -> MessageArea | None:
    if body.area is None:
        return None
    sent = bodies.as_json(body.area)
    area = sent if sent["type"] == "FeatureCollection" else {"type": "FeatureCollection", "features": [sent]}
    declared = read_declaration(area, actor.party, body.id or "message")
    check_limits(declared.volumes, request.app.state.service.rules.limits)
    return MessageArea(declared.domain, declared.volumes)


def _window(body: SendBody) -> TimeWindow | None:
    if body.time_start is None and body.time_end is None:
        return None
    if body.time_start is None or body.time_end is None:
        raise InvalidInput("give both time_start and time_end, or neither", field="time_end")
    return TimeWindow(body.time_start, body.time_end)


@router.post("/messages", status_code=201)
def send(request: Request, service: ServiceDep, actor: ActorDep, raw: RawBody, body: SendBody) -> MessageView:
    """Send a hotline message. Each recipient must acknowledge it within its precedence's deadline
    (FLASH 60 s, IMMEDIATE 5 min, PRIORITY 30 min, ROUTINE 6 h by default) or it escalates."""
    require_writer(actor, Thing.MESSAGE)
    refs = tuple(Reference.parse(r, field=f"refs[{i}]") for i, r in enumerate(body.refs))
    outcome = send_message(
        service.uow(),
        service.clock,
        hotline_policy(service.settings),
        SendMessage(
            party=actor.party,
            recipients=tuple(body.to),
            text=body.text,
            precedence=body.precedence,
            type=body.type,
            officer=body.officer,
            refs=refs,
            area=_area(request, actor, body),
            window=_window(body),
            message_id=body.id,
            signature=actor.signature,
            request_body=_body_text(actor, raw),
            role=actor.role,
        ),
    )
    request.app.state.notifier.notify()
    return message_view(outcome.record)


@router.get("/messages")
def listing(
    service: ServiceDep,
    actor: ActorDep,
    box: Annotated[Box, Query(description="inbox: received; outbox: sent; all: both")] = Box.INBOX,
    state: Annotated[
        RecipientState | None, Query(description="Inbox: the caller's own receipt state.")
    ] = None,
    precedence: Annotated[Precedence | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[MessageView]:
    """The caller's messages, newest first."""
    records = list_messages(service.uow(write=False), actor, box, state, precedence, limit)
    return [message_view(r) for r in records]


@router.get("/messages/{message_id}")
def read_one(service: ServiceDep, actor: ActorDep, message_id: MessageId) -> MessageView:
    """One message, to its sender and recipients (anyone else: 404). Fetching records no receipt."""
    return message_view(get_message(service.uow(write=False), actor, message_id))


def _mark(
    request: Request,
    service: Any,
    actor: Actor,
    message_id: str,
    target: RecipientState,
    raw: bytes,
    officer: str,
) -> MessageView:
    outcome = mark_message(
        service.uow(),
        service.clock,
        MarkMessage(
            actor.party, message_id, target, officer, actor.signature, _body_text(actor, raw), actor.role
        ),
    )
    if outcome.entries:
        request.app.state.notifier.notify()
    return message_view(outcome.record)


OptionalReceipt = Annotated[ReceiptBody | None, Body()]


@router.post("/messages/{message_id}/delivered")
def delivered(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    raw: RawBody,
    message_id: MessageId,
    body: OptionalReceipt = None,
) -> MessageView:
    """The recipient's client has the message. Repeating a step already taken changes nothing."""
    return _mark(
        request, service, actor, message_id, RecipientState.DELIVERED, raw, body.officer if body else ""
    )


@router.post("/messages/{message_id}/read")
def read(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    raw: RawBody,
    message_id: MessageId,
    body: OptionalReceipt = None,
) -> MessageView:
    """An officer of the recipient has opened it."""
    return _mark(request, service, actor, message_id, RecipientState.READ, raw, body.officer if body else "")


@router.post("/messages/{message_id}/ack")
def ack(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    raw: RawBody,
    message_id: MessageId,
    body: OptionalReceipt = None,
) -> MessageView:
    """Acknowledge (sign the request so that it cannot be denied); stops the escalation."""
    return _mark(
        request, service, actor, message_id, RecipientState.ACKNOWLEDGED, raw, body.officer if body else ""
    )


@router.get("/roster")
def get_roster(service: ServiceDep, actor: ActorDep) -> RosterView:
    """The caller's duty roster: who is re-alerted at each escalation level."""
    return roster_view(actor.party, roster_of(service.uow(write=False), actor.party))


@router.put("/roster")
def put_roster(
    request: Request, service: ServiceDep, actor: ActorDep, raw: RawBody, body: RosterBody
) -> RosterView:
    """Replace the caller's duty roster."""
    enforce(actor, Thing.ROSTER, Access.ACT, Relation.OWNER)  # the caller's own roster
    levels = tuple(RosterLevel(i, tuple(contacts)) for i, contacts in enumerate(body.levels, start=1))
    saved = set_roster(
        service.uow(), service.clock, SetRoster(actor.party, levels, actor.signature, _body_text(actor, raw))
    )
    request.app.state.notifier.notify()
    return roster_view(actor.party, saved)
