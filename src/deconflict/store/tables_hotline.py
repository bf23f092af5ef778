"""The hotline's tables, on the shared ``metadata`` of :mod:`deconflict.store.tables`.

``message_recipients.next_deadline`` is the escalation timer: the moment the
recipient escalates if still unacknowledged (NULL once acknowledged or at the
top level). It lives in the store, not in a sleeping task, so any replica's
runner picks it up — after a restart, or after the replica that accepted the
message died.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from .tables import metadata

__all__ = ["duty_roster", "message_recipients", "messages"]

messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("sender", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("officer", String(200), nullable=False, default=""),
    Column("precedence", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("refs", Text, nullable=False, default="[]"),  # JSON list of "kind:id"
    Column("area", Text, nullable=True),  # JSON: {"domain", "volumes": [volume rows]}
    Column("window_start", DateTime(timezone=True), nullable=True),
    Column("window_end", DateTime(timezone=True), nullable=True),
    Column("deadline_s", Float, nullable=False),
    Column("lead_times", Text, nullable=False, default="[]"),  # JSON list of [operation id, seconds]
    Column("sent_at", DateTime(timezone=True), nullable=False, index=True),
)

message_recipients = Table(
    "message_recipients",
    metadata,
    Column("message_id", String(64), ForeignKey("messages.id"), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("read_at", DateTime(timezone=True), nullable=True),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("acknowledged_by", String(200), nullable=False, default=""),
    Column("escalation_level", Integer, nullable=False, default=0),
    Column("escalated_at", DateTime(timezone=True), nullable=True),
    Column("next_deadline", DateTime(timezone=True), nullable=True),
)
Index("ix_message_recipients_next_deadline", message_recipients.c.next_deadline)
Index("ix_message_recipients_party_state", message_recipients.c.party_id, message_recipients.c.state)

duty_roster = Table(
    "duty_roster",
    metadata,
    Column("party_id", String(64), ForeignKey("parties.id"), primary_key=True),
    Column("level", Integer, primary_key=True),
    Column("contacts", Text, nullable=False),  # JSON list of names or desks
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
