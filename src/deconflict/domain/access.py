"""Who may see and do what: the one access policy of deconflict (need to know).

Every read use case, every route, both live-event streams and the per-party
ledger copy ask this module; nothing else decides. It is pure: the callers
pass in who asks (a :class:`Reader`) and how that reader stands to the thing
(:func:`relation`), and get an answer.

The rules, one :class:`Rule` per thing and access in :data:`RULES`:

- **Operations and zones** are seen by everyone (as volumes, state, owner,
  version and contact); their ``details`` by the owner and the administrator.
  Only the owner changes one.
- **Conflicts** and **alerts** are seen by the parties they concern, observers
  and the administrator; a concerned party acts on them.
- **Hotline messages** are seen by their sender and recipients only, not by
  observers or the administrator: the traffic is between the parties. A
  recipient reports delivery, reading and acknowledgement.
- A **roster** is its party's alone.
- **Tracks**: a party sees its own platforms, and another party's while an open
  alert concerns both; observers and the administrator see all.
- **Late notices** are seen by the operation's owner and the parties it
  concerns (and observers, the administrator); a **token issued** by its party
  (and observers, the administrator).
- A **report's figure** is seen by the parties it is about (observers, the
  administrator: every figure).
- Everything else (party registrations, checkpoints, suspensions, the public
  key ring) is seen by everyone.
- Writing anything needs a writing role (party or administrator); observers
  read only.

A thing the reader may not see does not exist for it: the answer is the one a
missing id gets (404 with the same body), never a 403 that tells it is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from .errors import DomainError, InvalidInput, NotFound, PermissionDenied
from .ledger import LedgerEntry, redact

__all__ = [
    "REGISTERED_ROLES",
    "RULES",
    "Access",
    "Reader",
    "Relation",
    "Role",
    "Rule",
    "Thing",
    "Verdict",
    "Viewer",
    "enforce",
    "event_subject",
    "ledger_copy",
    "may",
    "may_see_event",
    "party_filter",
    "relation",
    "require_writer",
    "takes_messages",
    "verdict",
]


class Role(StrEnum):
    PARTY = "party"
    OBSERVER = "observer"
    ADMIN = "admin"
    SERVICE = "service"  # the service itself (``_deconflict``): sends alerts, takes no token

    @classmethod
    def parse(cls, text: str, *, field: str = "role") -> Role:
        """A role a party may be registered with (not the service's own)."""
        for role in REGISTERED_ROLES:
            if text == role.value:
                return role
        chosen = ", ".join(REGISTERED_ROLES)
        raise InvalidInput(f"role must be one of {chosen}", field=field)


REGISTERED_ROLES = (Role.PARTY, Role.OBSERVER, Role.ADMIN)
WRITERS = frozenset({Role.PARTY, Role.ADMIN})
OVERSIGHT = frozenset({Role.OBSERVER, Role.ADMIN})  # see every party's conflicts, alerts, tracks
EVERYONE = frozenset(Role)


class Relation(StrEnum):
    """How a party stands to a thing."""

    OWNER = "owner"  # declared it, sent it, its platform, its roster
    CONCERNED = "concerned"  # another party it concerns: a conflict's or alert's party, a recipient
    THIRD = "third"  # a party it does not concern


class Thing(StrEnum):
    OPERATION = "operation"  # operations and zones
    DETAILS = "details"  # an operation's free-text details
    CONFLICT = "conflict"
    ALERT = "alert"
    MESSAGE = "message"
    ROSTER = "roster"
    TRACK = "track"
    NOTICE = "notice"  # a late notice
    TOKEN = "token"  # noqa: S105 - a token issued (the event, never the token)
    PUBLIC = "public"  # parties, checkpoints, suspensions, keys, the ledger head
    FIGURE = "figure"  # a review report's figure about some parties (a pair, a party's notice)


class Access(StrEnum):
    SEE = "see"
    ACT = "act"  # change it: amend, acknowledge, report a receipt ...
    CREATE = "create"  # declare a new one (no relation yet)


class Verdict(StrEnum):
    ALLOW = "allow"
    FORBID = "forbid"  # it may see the thing, not do this: 403
    HIDE = "hide"  # it may not see the thing: it reads as missing, 404


@dataclass(frozen=True, slots=True)
class Rule:
    """Who is granted: a party in one of ``relations`` to the thing, or anyone with a role in ``roles``;
    and then only with a role in ``needs`` (writing needs a writer)."""

    relations: frozenset[Relation] = frozenset()
    roles: frozenset[Role] = frozenset()
    needs: frozenset[Role] = EVERYONE
    refusal: str = ""  # the 403's message

    def grants(self, role: Role, rel: Relation) -> bool:
        return (rel in self.relations or role in self.roles) and role in self.needs


_PARTIES = frozenset({Relation.OWNER, Relation.CONCERNED})
_WRITE = "observers may read, not write"

RULES: Mapping[tuple[Thing, Access], Rule] = {
    (Thing.OPERATION, Access.SEE): Rule(roles=EVERYONE),
    (Thing.OPERATION, Access.CREATE): Rule(roles=EVERYONE, needs=WRITERS, refusal=_WRITE),
    (Thing.OPERATION, Access.ACT): Rule(
        frozenset({Relation.OWNER}), needs=WRITERS, refusal="only the owning party may change an operation"
    ),
    (Thing.DETAILS, Access.SEE): Rule(frozenset({Relation.OWNER}), frozenset({Role.ADMIN})),
    (Thing.CONFLICT, Access.SEE): Rule(_PARTIES, OVERSIGHT),
    (Thing.CONFLICT, Access.ACT): Rule(
        _PARTIES, needs=WRITERS, refusal="only the parties of a conflict may act on it"
    ),
    (Thing.ALERT, Access.SEE): Rule(_PARTIES, OVERSIGHT),
    (Thing.ALERT, Access.ACT): Rule(
        _PARTIES, needs=WRITERS, refusal="only the parties an alert concerns may acknowledge it"
    ),
    (Thing.MESSAGE, Access.SEE): Rule(_PARTIES),
    (Thing.MESSAGE, Access.CREATE): Rule(roles=EVERYONE, needs=WRITERS, refusal=_WRITE),
    (Thing.MESSAGE, Access.ACT): Rule(
        frozenset({Relation.CONCERNED}),
        needs=WRITERS,
        refusal="only a recipient reports delivery, reading or acknowledgement",
    ),
    (Thing.ROSTER, Access.SEE): Rule(frozenset({Relation.OWNER})),
    (Thing.ROSTER, Access.ACT): Rule(frozenset({Relation.OWNER}), needs=WRITERS, refusal=_WRITE),
    (Thing.TRACK, Access.SEE): Rule(_PARTIES, OVERSIGHT),
    (Thing.TRACK, Access.CREATE): Rule(roles=EVERYONE, needs=WRITERS, refusal=_WRITE),
    (Thing.NOTICE, Access.SEE): Rule(_PARTIES, OVERSIGHT),
    (Thing.TOKEN, Access.SEE): Rule(frozenset({Relation.OWNER}), OVERSIGHT),
    (Thing.PUBLIC, Access.SEE): Rule(roles=EVERYONE),
    (Thing.FIGURE, Access.SEE): Rule(_PARTIES, OVERSIGHT),
}


class Reader(Protocol):
    """Who asks: a party id and its role (the API's authenticated actor is one)."""

    @property
    def party(self) -> str: ...

    @property
    def role(self) -> Role: ...


@dataclass(frozen=True, slots=True)
class Viewer:
    """A plain :class:`Reader`, for callers that are not the API (CLI, tests)."""

    party: str
    role: Role = Role.PARTY


def relation(party: str, owner: str | None, concerned: Iterable[str] = ()) -> Relation:
    """How ``party`` stands to a thing owned by ``owner`` that concerns ``concerned``."""
    if party == owner:
        return Relation.OWNER
    return Relation.CONCERNED if party in concerned else Relation.THIRD


def verdict(role: Role, rel: Relation, thing: Thing, access: Access) -> Verdict:
    """The answer to: may an actor with ``role``, standing ``rel`` to ``thing``, have ``access``?

    Acting on (or creating) something needs seeing it first; one it may not see is hidden.
    """
    if access is not Access.CREATE and not RULES[thing, Access.SEE].grants(role, rel):
        return Verdict.HIDE
    if access is Access.SEE or RULES[thing, access].grants(role, rel):
        return Verdict.ALLOW
    return Verdict.FORBID


def may(reader: Reader, thing: Thing, access: Access, rel: Relation = Relation.THIRD) -> bool:
    return verdict(reader.role, rel, thing, access) is Verdict.ALLOW


def enforce(
    reader: Reader, thing: Thing, access: Access, rel: Relation, missing: DomainError | None = None
) -> None:
    """Raise ``missing`` (the error a nonexistent id gets) if hidden, PermissionDenied if forbidden."""
    answer = verdict(reader.role, rel, thing, access)
    if answer is Verdict.HIDE:
        raise missing or NotFound(f"no such {thing.value}")
    if answer is Verdict.FORBID:
        raise PermissionDenied(RULES[thing, access].refusal)


def require_writer(reader: Reader, thing: Thing = Thing.OPERATION) -> None:
    """Creating ``thing`` needs a writing role."""
    enforce(reader, thing, Access.CREATE, Relation.THIRD)


def takes_messages(role: Role) -> bool:
    """Who may be sent a hotline message: who can acknowledge one (observers and the service cannot)."""
    return RULES[Thing.MESSAGE, Access.ACT].grants(role, Relation.CONCERNED)


def party_filter(reader: Reader, thing: Thing) -> str | None:
    """For a listing: the party whose things the reader may see (None: every party's)."""
    return None if RULES[thing, Access.SEE].grants(reader.role, Relation.THIRD) else reader.party


# -- ledger entries: the live streams and the per-party ledger copy ---------------------------


def event_subject(event_type: str, payload: Mapping[str, Any]) -> tuple[Thing, str | None, tuple[str, ...]]:
    """What a ledger entry is about: the thing, its owner and the parties it concerns."""
    kind = event_type.partition(".")[0]
    if kind == "message":
        return Thing.MESSAGE, payload.get("sender"), tuple(payload.get("recipients", ()))
    if kind == "roster":
        return Thing.ROSTER, payload.get("party"), ()
    if kind == "alert":
        return Thing.ALERT, None, tuple(payload.get("parties", ()))
    if kind == "conflict":
        sides = (payload.get("a", {}).get("party"), payload.get("b", {}).get("party"))
        return Thing.CONFLICT, None, tuple(p for p in sides if p)
    if event_type == "notice.late":
        return Thing.NOTICE, payload.get("party"), tuple(payload.get("concerns", ()))
    if event_type == "party.token_issued":
        return Thing.TOKEN, payload.get("party_id"), ()
    return Thing.PUBLIC, None, ()


def may_see_event(reader: Reader, event_type: str, payload: Mapping[str, Any]) -> bool:
    thing, owner, concerned = event_subject(event_type, payload)
    return may(reader, thing, Access.SEE, relation(reader.party, owner, concerned))


def ledger_copy(reader: Reader, entry: LedgerEntry) -> LedgerEntry:
    """The entry in the reader's copy of the ledger: a payload it may not see is withheld
    (its digest stays, so the copy still verifies)."""
    return entry if may_see_event(reader, entry.type, entry.payload) else redact(entry)
