"""Leases: an emission stays on the air only while its owner keeps renewing it.

As with a CBRS spectrum grant, the service does not trust an emission to be
switched off when its owner falls silent; the owner proves it is still in
control by a heartbeat.

- **Who holds one.** Every emission (an operation in the spectrum domain) the
  service accepts, from its submission on. Restricted-frequency entries (zones)
  and operations of the other domains hold none.
- **Expiry.** ``max(now, start) + lease``: the lease runs from the later of the
  submission (or heartbeat) and the emission's start, so an emission declared
  hours ahead need not heartbeat until its window opens. An amendment by the
  owner renews it like a heartbeat.
- **Renewal.** A heartbeat sets the same expiry again. It is refused once the
  lease has run out (``now >= expires_at``), even if the service has not yet
  suspended the emission: a late heartbeat does not revive it.
- **Lapse.** A lease lapses when ``now >= expires_at`` while the emission's
  window is still open after the expiry (``expires_at < end``); a lease that
  covers the rest of the window never lapses. A lapsed emission in a live state
  is suspended (:class:`~.operation.OperationState`), leaves conflict detection,
  and the other parties are told. Suspension is final: to go back on the air the
  owner submits the emission again and it is checked afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .activity import ActivityDomain
from .operation import DeclarationKind

__all__ = ["DEFAULT_LEASE", "holds_lease", "lapsed", "lease_expiry"]

DEFAULT_LEASE = timedelta(seconds=300)


def holds_lease(domain: ActivityDomain, kind: DeclarationKind) -> bool:
    """Only emissions hold a lease."""
    return domain is ActivityDomain.SPECTRUM and kind is DeclarationKind.OPERATION


def lease_expiry(now: datetime, start: datetime, lease: timedelta) -> datetime:
    """When a lease granted or renewed at ``now`` runs out, for an emission starting at ``start``."""
    return max(now, start) + lease


def lapsed(expires_at: datetime, now: datetime, end: datetime) -> bool:
    """True when the lease has run out while the emission's window is still open."""
    return now >= expires_at and expires_at < end
