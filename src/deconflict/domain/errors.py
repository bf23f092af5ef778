"""The one error hierarchy of deconflict.

Layers around the domain translate these into exit codes (CLI) and status codes
(API) in one table each; nothing below the API raises HTTP errors.

    DomainError
    ├── InvalidInput          bad value from outside; names the field
    │   └── InvalidGeometry   a footprint that is not a valid simple polygon
    ├── NotFound              no such party, operation, conflict, message ...
    ├── PermissionDenied      the actor may not do this to that object
    ├── StaleVersion          an amend named a version that is no longer current
    ├── InvalidTransition     a state machine refused the step
    ├── MissedOverlaps        a submitter did not show it had read what it overlaps
    ├── Refused               a rule forbids it outright (e.g. a TABOO frequency)
    └── LimitExceeded         a configured cap (area, vertices, size) was passed
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DomainError",
    "InvalidGeometry",
    "InvalidInput",
    "InvalidTransition",
    "LimitExceeded",
    "MissedOverlaps",
    "NotFound",
    "PermissionDenied",
    "Refused",
    "StaleVersion",
]


class DomainError(Exception):
    """Base of every error the domain and the service raise on purpose."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidGeometry(InvalidInput):
    code = "invalid_geometry"


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class StaleVersion(DomainError):
    code = "stale_version"

    def __init__(self, message: str, *, current_version: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.current_version = current_version

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "current_version": self.current_version}


class InvalidTransition(DomainError):
    code = "invalid_transition"


class MissedOverlaps(DomainError):
    """Proof of read failed: the submitter had not seen every overlapping object."""

    code = "missed_overlaps"

    def __init__(self, message: str, *, missed: Sequence[dict[str, object]]) -> None:
        super().__init__(message)
        self.missed = list(missed)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "missed": self.missed}


class Refused(DomainError):
    code = "refused"


class LimitExceeded(DomainError):
    code = "limit_exceeded"
