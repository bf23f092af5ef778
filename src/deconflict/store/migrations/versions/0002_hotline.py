"""hotline: messages, per-recipient receipts with the escalation timer, duty rosters

Revision ID: 0002_hotline
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_hotline"  # unique: other features branch from 0001 too
down_revision = "0001"
branch_labels = ("hotline",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("precedence", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_s", sa.Float(), nullable=False),
        sa.Column("lead_times", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sender"], ["parties.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_sender"), ["sender"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "message_recipients",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("message_id", "party_id"),
    )
    with op.batch_alter_table("message_recipients", schema=None) as batch_op:
        batch_op.create_index("ix_message_recipients_next_deadline", ["next_deadline"], unique=False)
        batch_op.create_index("ix_message_recipients_party_state", ["party_id", "state"], unique=False)

    op.create_table(
        "duty_roster",
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("party_id", "level"),
    )


def downgrade() -> None:
    op.drop_table("duty_roster")
    with op.batch_alter_table("message_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_message_recipients_party_state")
        batch_op.drop_index("ix_message_recipients_next_deadline")
    op.drop_table("message_recipients")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_sent_at"))
        batch_op.drop_index(batch_op.f("ix_messages_sender"))
    op.drop_table("messages")
