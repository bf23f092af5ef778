"""``deconflict navarea import|export``: NAVAREA / NAVTEX warnings in and out of the store.

``import FILE --as PARTY [--key K]`` reads one warning and declares it as a sea
operation whose id is made from the warning's reference (``NAVAREA III 123/26``
→ ``navarea-iii-123-26``), so importing one warning twice is refused. The
warning's text is kept as the operation's details (owner only). Warnings it
cancels (``CANCEL NAVAREA III 120/26``) are cancelled when the party imported
them; any it cannot cancel are listed under ``not_used``. The operation is
declared after reading what it overlaps (proof of read, said on stderr). Exit 1
when the operation met a conflict.

``export OPERATION_ID`` writes a sea operation as NAVAREA text, one warning per
volume. Heading and numbering come from the imported warning when there was
one; otherwise ``--series``, ``--number``, ``--area`` and ``--locality`` are
needed (a warning's number is the coordinator's to give, never invented).
Heights are written above MSL: an SFC band at sea is taken as MSL, a flight
level as FL × 100 ft; a W84 band cannot be written.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit
from ..domain.errors import DomainError, InvalidInput, NotFound
from ..domain.operation import DeclarationKind, OperationAction
from ..formats.navarea import NavWarning, WarningRef, format_navarea, parse_navarea, to_declaration
from ..geoid import LazyEGM96
from ..service.commands import ChangeOperationState
from ..service.operations import change_operation_state
from ..service.parties import party_id_for
from .context import DataDirOption, DbOption, open_service
from .declare import read_key, read_text, signed, slug, submit_declaration
from .output import EXIT_FOUND, EXIT_OK, fail, print_json

navarea_app = typer.Typer(
    help="NAVAREA / NAVTEX navigational warnings: import, export.", no_args_is_help=True
)

AsParty = Annotated[str, typer.Option("--as", help="The declaring party (id or name).")]
KeyOption = Annotated[
    Path | None, typer.Option("--key", help="The party's private key file: signs each request.")
]


def operation_id_for(ref: WarningRef) -> str:
    """The operation a warning is declared as: ``NAVAREA III 123/26`` → ``navarea-iii-123-26``."""
    return slug(str(ref))


def _cancel(service: Any, party: str, ref: WarningRef, source: WarningRef, private: str | None) -> str | None:
    """Cancel the operation a cancelled warning was imported as; a reason when it cannot."""
    op_id = operation_id_for(ref)
    with service.uow(write=False) as uow:
        stored = uow.operations.get(op_id)
    if stored is None:
        return f"CANCEL {ref}: no operation {op_id!r} was imported from it"
    if stored.operation.party != party:
        return f"CANCEL {ref}: operation {op_id!r} belongs to {stored.operation.party}"
    if not stored.operation.state.live:
        return f"CANCEL {ref}: operation {op_id!r} is already {stored.operation.state.value}"
    request = {"action": "cancel", "operation_id": op_id, "source": str(source)}
    change_operation_state(
        service.uow(),
        service.clock,
        ChangeOperationState(party, op_id, OperationAction.CANCEL, signed(request, private)),
    )
    return None


@navarea_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="One warning, as text (NAVTEX ZCZC ... NNNN accepted).")],
    as_party: AsParty,
    key: KeyOption = None,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Declare a warning as a sea operation and apply its cancellations. Exit 1 when any conflict."""
    operations: list[dict[str, Any]] = []
    cancelled: list[str] = []
    not_used: list[str] = []
    try:
        party = party_id_for(as_party)
        text = read_text(file)
        warning = parse_navarea(text)
        private = read_key(key)
        with open_service(data_dir, db) as service:
            if not warning.cancels_only:
                declaration = to_declaration(warning, LazyEGM96(), text=text)
                operations.append(
                    submit_declaration(
                        service,
                        party,
                        operation_id_for(warning.ref),
                        declaration,
                        kind=DeclarationKind.OPERATION,
                        private=private,
                    )
                )
            for ref in warning.cancels:
                reason = _cancel(service, party, ref, warning.ref, private)
                if reason is None:
                    cancelled.append(operation_id_for(ref))
                else:
                    not_used.append(reason)
    except DomainError as error:
        fail(error)
    print_json({"operations": operations, "cancelled": cancelled, "not_used": not_used})
    raise typer.Exit(EXIT_FOUND if any(o["conflicts"] for o in operations) else EXIT_OK)


def _msl(spec: AltitudeSpec | None, index: int) -> AltitudeSpec:
    field = f"volumes[{index}].altitude"
    if spec is None or spec.ref is AltitudeRef.W84:
        raise InvalidInput("a NAVAREA height is above MSL; this volume is declared in W84", field=field)
    if spec.ref is AltitudeRef.FL:
        return AltitudeSpec(spec.lower * 100.0, spec.upper * 100.0, AltitudeRef.MSL, AltitudeUnit.FT)
    return replace(spec, ref=AltitudeRef.MSL)  # SFC at sea: the surface is MSL


def _source(details: str) -> NavWarning | None:
    """The warning an operation was imported from (kept as its details), if it was."""
    try:
        return parse_navarea(details) if details.strip() else None
    except DomainError:
        return None


def _heading(
    source: NavWarning | None, category: str, options: dict[str, Any]
) -> tuple[str, int, int | None, str, str, str]:
    series = options["series"] or (source.series if source else None)
    number = options["number"] if options["number"] is not None else (source.number if source else None)
    area = options["area"] or (source.general_area if source else None)
    locality = options["locality"] or (source.locality if source else None)
    if series is None or number is None or area is None or locality is None:
        raise InvalidInput(
            "this operation was not imported from a NAVAREA warning: give --series, --number, --area "
            "and --locality",
            field="heading",
        )
    subject = options["subject"] or (source.subject if source else category.replace("_", " ").upper())
    year = source.year if source and options["number"] is None else None
    return series.upper(), number, year, area.upper(), locality.upper(), subject.upper()


@navarea_app.command("export")
def export_command(
    operation_id: Annotated[str, typer.Argument(help="A sea operation's id.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
    series: Annotated[str | None, typer.Option(help="Series, e.g. 'NAVAREA III'.")] = None,
    number: Annotated[int | None, typer.Option(help="Warning number (one per volume from here).")] = None,
    area: Annotated[str | None, typer.Option(help="General area, e.g. 'EASTERN MEDITERRANEAN'.")] = None,
    locality: Annotated[str | None, typer.Option(help="Locality, e.g. 'CYPRUS'.")] = None,
    subject: Annotated[str | None, typer.Option(help="Key subject, e.g. 'NAVAL EXERCISES'.")] = None,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Write a sea operation as NAVAREA warning text (one warning per volume)."""
    options = {"series": series, "number": number, "area": area, "locality": locality, "subject": subject}
    try:
        with open_service(data_dir, db) as service, service.uow(write=False) as uow:
            stored = uow.operations.get(operation_id)
        if stored is None:
            raise NotFound(f"no operation {operation_id!r}", field="operation_id")
        op = stored.operation
        if op.domain is not ActivityDomain.SEA:
            raise InvalidInput(
                f"only sea operations are written as NAVAREA warnings; this one is {op.domain.value}",
                field="operation_id",
            )
        source = _source(op.details)
        head_series, first, year, head_area, head_locality, head_subject = _heading(
            source, op.category, options
        )
        texts = []
        for i, volume in enumerate(op.volumes):
            warning = NavWarning(
                series=head_series,
                number=first + i,
                year=year if year is not None else volume.window.start.year,
                general_area=head_area,
                locality=head_locality,
                subject=head_subject,
                window=volume.window,
                footprint=volume.footprint,
                altitude=_msl(volume.altitude.declared, i),
                notes=source.notes if source else (),
                navtex_id=source.navtex_id if source and len(op.volumes) == 1 else None,
            )
            texts.append(format_navarea(warning))
        text = "\n".join(texts)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
    except DomainError as error:
        fail(error)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
