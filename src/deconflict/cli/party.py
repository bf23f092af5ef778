"""``deconflict party add|token|list``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..domain.access import REGISTERED_ROLES, Role
from ..domain.errors import DomainError
from ..domain.signing import generate_keypair
from ..service.commands import AddParty
from ..service.parties import add_party, issue_token, party_id_for
from .context import DataDirOption, DbOption, open_service
from .output import console, fail

party_app = typer.Typer(
    help="Parties: add one (with a new key pair), issue tokens, list.", no_args_is_help=True
)


def write_private_key(path: Path, private_b64: str) -> None:
    """Create the key file with mode 0600; never overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(private_b64 + "\n")


@party_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The party's name, e.g. 'Blue Air Command'.")],
    contact: Annotated[str, typer.Option(help="Duty desk contact shown to other parties.")] = "",
    role: Annotated[str, typer.Option(help=" | ".join(REGISTERED_ROLES))] = Role.PARTY.value,
    key_out: Annotated[Path | None, typer.Option(help="Where to write the private key (mode 0600).")] = None,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Create a party and its Ed25519 key pair; the private key goes to a file, never to the service."""
    try:
        path = key_out or Path(f"{party_id_for(name)}.key")
        if path.exists():
            fail(f"{path} already exists; choose another --key-out")
        private, public = generate_keypair()
        with open_service(data_dir, db) as service:
            party, _ = add_party(
                service.uow(), service.clock, AddParty(name, public, contact, Role.parse(role))
            )
        write_private_key(path, private)
    except DomainError as error:
        fail(error)
    console().print(
        f"party [bold]{party.id}[/] added; public key {public}; private key written to {path} (0600)"
    )


@party_app.command("token")
def token(
    party: Annotated[str, typer.Argument(help="Party id or name.")],
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Issue a bearer token for the party (printed once; only its hash is stored)."""
    try:
        with open_service(data_dir, db) as service:
            print(issue_token(service.uow(), service.clock, party_id_for(party)))
    except DomainError as error:
        fail(error)


@party_app.command("list")
def list_parties(data_dir: DataDirOption = None, db: DbOption = None) -> None:
    """List the parties and their key fingerprints."""
    with open_service(data_dir, db) as service, service.uow(write=False) as uow:
        for p in uow.parties.all():
            console().print(f"{p.id}\t{p.role}\t{p.name}\t{len(p.public_keys)} key(s)")
