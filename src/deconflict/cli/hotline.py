"""``deconflict hotline send|inbox|ack|escalate``: the hotline on the local store.

``send`` and ``ack`` sign the request with the party's key file, so the ledger
holds the sender's signature over the message and the recipient's over the
acknowledgement: neither can later deny it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ..bootstrap import Deconflict, hotline_policy
from ..domain.access import Viewer
from ..domain.canonical import canonical_json
from ..domain.errors import DomainError, InvalidInput
from ..domain.message import MessageArea, MessageRecord, MessageType, Precedence, RecipientState, Reference
from ..domain.signing import public_key_of, sign
from ..domain.timewindow import TimeWindow
from ..formats.geojson import parse_feature_collection, parse_time
from ..geoid import LazyEGM96
from ..service.commands import Signature
from ..service.hotline import escalate_due, list_messages, mark_message, send_message
from ..service.hotline_commands import MarkMessage, SendMessage
from ..service.hotline_ports import Box
from ..service.hotline_records import message_payload
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
from .output import console, fail, print_json

hotline_app = typer.Typer(help="The hotline: send, read the inbox, acknowledge.", no_args_is_help=True)

AsOption = Annotated[str, typer.Option("--as", help="The acting party (id or name).")]
KeyOption = Annotated[Path, typer.Option("--key", help="The party's private key file: signs the request.")]


def _signature(service: Deconflict, party: str, key: Path, request: dict[str, Any]) -> Signature:
    private = key.read_text(encoding="ascii").strip()
    public = public_key_of(private)
    with service.uow(write=False) as uow:
        record = uow.parties.get(party)
    if record is None:
        raise InvalidInput(f"no party {party!r}", field="--as")
    if public not in record.public_keys:
        raise InvalidInput(f"{key} is not a key of party {party!r}", field="--key")
    return Signature(request, sign(private, canonical_json(request)), public)


def _area(path: Path | None, party: str, message_id: str) -> tuple[MessageArea | None, Any]:
    if path is None:
        return None, None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}", field="--area") from None
    collection = (
        raw
        if isinstance(raw, dict) and raw.get("type") == "FeatureCollection"
        else {
            "type": "FeatureCollection",
            "features": [raw],
        }
    )
    features = collection.get("features")
    if not isinstance(features, list):
        raise InvalidInput("a GeoJSON Feature or FeatureCollection of volumes", field="--area")
    filled_features: list[Any] = []
    for feature in features:  # the sender and the message own the area's volumes
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = {**props, "party": party, "operation": message_id} if isinstance(props, dict) else props
        filled_features.append({**feature, "properties": props} if isinstance(feature, dict) else feature)
    declared = parse_feature_collection(
        {"type": "FeatureCollection", "features": filled_features}, LazyEGM96()
    )
    domains = {d.domain for d in declared}
    if len(domains) != 1:
        raise InvalidInput("the volumes of an area share one domain", field="--area")
    return MessageArea(domains.pop(), tuple(d.volume for d in declared)), collection


def _window(start: str | None, end: str | None) -> TimeWindow | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidInput("give both --from and --until, or neither", field="--until")
    return TimeWindow(parse_time(start, "--from"), parse_time(end, "--until"))


@hotline_app.command("send")
def send(
    text: Annotated[str, typer.Argument(help="The message text.")],
    as_party: AsOption,
    key: KeyOption,
    to: Annotated[list[str], typer.Option("--to", help="A recipient party; repeat for several.")],
    precedence: Annotated[Precedence, typer.Option(help="FLASH | IMMEDIATE | PRIORITY | ROUTINE")] = (
        Precedence.ROUTINE
    ),
    type_: Annotated[MessageType, typer.Option("--type", help="alert | update | cancel | ack | error")] = (
        MessageType.ALERT
    ),
    ref: Annotated[
        list[str] | None, typer.Option("--ref", help="op:ID, msg:ID, conflict:ID or alert:ID")
    ] = None,
    officer: Annotated[str, typer.Option(help="The sending officer.")] = "",
    area: Annotated[
        Path | None, typer.Option(help="GeoJSON Feature(Collection) in the volume format.")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Window start, RFC 3339.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Window end, RFC 3339.")] = None,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Send a signed hotline message; prints it with its acknowledgement deadline."""
    try:
        party = party_id_for(as_party)
        recipients = tuple(party_id_for(r) for r in to)
        refs = tuple(Reference.parse(r, field=f"--ref[{i}]") for i, r in enumerate(ref or []))
        message_id = str(uuid.uuid4())
        message_area, area_json = _area(area, party, message_id)
        window = _window(start, until)
        request = {
            "action": "message.send",
            "id": message_id,
            "from": party,
            "to": list(recipients),
            "precedence": precedence.value,
            "type": type_.value,
            "text": text,
            "officer": officer,
            "refs": [str(r) for r in refs],
            "area": area_json,
            "time_start": start,
            "time_end": until,
            "timestamp": datetime.now(UTC).isoformat(),
        }
        with open_service(data_dir, db) as service:
            outcome = send_message(
                service.uow(),
                service.clock,
                hotline_policy(service.settings),
                SendMessage(
                    party=party,
                    recipients=recipients,
                    text=text,
                    precedence=precedence,
                    type=type_,
                    officer=officer,
                    refs=refs,
                    area=message_area,
                    window=window,
                    message_id=message_id,
                    signature=_signature(service, party, key, request),
                ),
            )
    except DomainError as error:
        fail(error)
    except OSError as error:
        fail(f"cannot read key: {error}")
    body = message_payload(outcome.record.message)
    print_json(
        {
            k: body[k]
            for k in ("message_id", "precedence", "recipients", "sent_at", "ack_due_at", "lead_time_s")
        }
    )


def _line(record: MessageRecord, party: str, now: datetime) -> str:
    m = record.message
    receipt = record.receipt(party)
    if receipt is None:  # outbox: the least advanced recipient
        states = sorted(record.receipts, key=lambda r: r.state.rank)
        state = ", ".join(f"{r.party}:{r.state.value}" for r in states)
        overdue = any(r.next_deadline is not None and r.next_deadline <= now for r in record.receipts)
    else:
        state = receipt.state.value
        overdue = receipt.state is not RecipientState.ACKNOWLEDGED and now >= m.first_deadline
    flag = "  OVERDUE" if overdue else ""
    text = m.text if len(m.text) <= 60 else m.text[:57] + "..."
    sent = m.sent_at.strftime("%Y-%m-%d %H:%M:%SZ")
    return (
        f"{m.id}\t{m.precedence.value:9}\t{m.sender}->{','.join(m.recipients)}\t{sent}\t{state}{flag}\t{text}"
    )


@hotline_app.command("inbox")
def inbox(
    as_party: AsOption,
    box: Annotated[Box, typer.Option(help="inbox | outbox | all")] = Box.INBOX,
    unacknowledged: Annotated[bool, typer.Option(help="Only those the party has not acknowledged.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """The party's messages: those it has not acknowledged first, most urgent first; then newest first."""
    try:
        party = party_id_for(as_party)
        with open_service(data_dir, db) as service:
            records = list_messages(service.uow(write=False), Viewer(party), box, limit=1000)
            now = service.clock.now()
    except DomainError as error:
        fail(error)
    if unacknowledged:
        records = [
            r
            for r in records
            if (x := r.receipt(party)) is not None and x.state is not RecipientState.ACKNOWLEDGED
        ]
    order = list(Precedence)

    def urgency(record: MessageRecord) -> tuple[bool, int, float]:
        mine = record.receipt(party)
        done = mine is None or mine.state is RecipientState.ACKNOWLEDGED
        return (
            done,
            0 if done else order.index(record.message.precedence),
            -record.message.sent_at.timestamp(),
        )

    records.sort(key=urgency)
    if as_json:
        print_json([{**message_payload(r.message), "receipts": _receipts(r)} for r in records])
        return
    for record in records:
        typer.echo(_line(record, party, now))


def _receipts(record: MessageRecord) -> list[dict[str, Any]]:
    return [
        {
            "party": r.party,
            "state": r.state.value,
            "escalation_level": r.escalation_level,
            "acknowledged_by": r.acknowledged_by,
        }
        for r in record.receipts
    ]


@hotline_app.command("ack")
def ack(
    message_id: Annotated[str, typer.Argument(help="The message to acknowledge.")],
    as_party: AsOption,
    key: KeyOption,
    officer: Annotated[str, typer.Option(help="The acknowledging officer.")] = "",
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Acknowledge a message, signed with the recipient's key; stops its escalation."""
    try:
        party = party_id_for(as_party)
        request = {
            "action": "message.ack",
            "message_id": message_id,
            "party": party,
            "officer": officer,
            "timestamp": datetime.now(UTC).isoformat(),
        }
        with open_service(data_dir, db) as service:
            outcome = mark_message(
                service.uow(),
                service.clock,
                MarkMessage(
                    party,
                    message_id,
                    RecipientState.ACKNOWLEDGED,
                    officer,
                    _signature(service, party, key, request),
                ),
            )
    except DomainError as error:
        fail(error)
    except OSError as error:
        fail(f"cannot read key: {error}")
    receipt = outcome.record.receipt(party)
    when = receipt.acknowledged_at if receipt else None
    already = "" if outcome.entries else " (already acknowledged)"
    console().print(f"acknowledged {message_id} at {when:%Y-%m-%d %H:%M:%S.%fZ}{already}", markup=False)


@hotline_app.command("escalate")
def escalate(data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """Escalate every overdue message now (a running server does this by itself)."""
    with open_service(data_dir, db) as service:
        taken = escalate_due(service.uow(), service.clock, hotline_policy(service.settings))
    for step in taken:
        console().print(f"{step.message_id}\t{step.party}\tlevel {step.level}", markup=False)
    console().print(f"{len(taken)} escalation(s)")
