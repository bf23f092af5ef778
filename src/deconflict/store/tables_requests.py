"""Signed requests already served: a signature is good for one request only.

A signed request carries its own timestamp and is accepted within the clock
skew of the service; without this table, anyone who saw one could send it
again inside that window (a second hotline message, a second submission).
Rows older than twice the skew are useless (their timestamp would be refused
anyway) and are pruned as new ones arrive.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, String, Table

from .tables import metadata

__all__ = ["used_signatures"]

used_signatures = Table(
    "used_signatures",
    metadata,
    Column("signature_sha256", String(64), primary_key=True),
    Column("party_id", String(64), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=False),
)
Index("ix_used_signatures_used_at", used_signatures.c.used_at)
