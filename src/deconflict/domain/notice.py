"""Notice policy: operations must be announced a minimum time ahead.

Late notice is never refused silently nor accepted silently: the operation is
accepted and marked late with the lead time it actually gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .activity import ActivityDomain

__all__ = ["DEFAULT_MINIMUM_NOTICE", "NoticePolicy", "NoticeVerdict"]

DEFAULT_MINIMUM_NOTICE: Mapping[ActivityDomain, timedelta] = {
    ActivityDomain.AIR: timedelta(minutes=15),
    ActivityDomain.SEA: timedelta(hours=72),
    ActivityDomain.GROUND: timedelta(hours=1),
    ActivityDomain.SPECTRUM: timedelta(minutes=30),
}


@dataclass(frozen=True, slots=True)
class NoticeVerdict:
    lead_time: timedelta
    minimum: timedelta

    @property
    def late(self) -> bool:
        return self.lead_time < self.minimum

    @property
    def lead_time_s(self) -> float:
        return self.lead_time.total_seconds()


@dataclass(frozen=True, slots=True)
class NoticePolicy:
    minimum: Mapping[ActivityDomain, timedelta] = field(default_factory=lambda: dict(DEFAULT_MINIMUM_NOTICE))

    def judge(self, domain: ActivityDomain, notice_at: datetime, start: datetime) -> NoticeVerdict:
        """``notice_at`` is the service clock's time of submission, never the client's."""
        return NoticeVerdict(start - notice_at, self.minimum.get(domain, timedelta(0)))
