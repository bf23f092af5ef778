"""Child process for the crash test: submit operations forever, print each id once committed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builders import square, volume
from deconflict.bootstrap import bootstrap
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty, SubmitOperation
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party
from deconflict.settings import Settings


def main(data_dir: str, url: str, prefix: str) -> None:
    service = bootstrap(Settings(data_dir=Path(data_dir), database_url=url, checkpoint_every=7))
    for name in ("blue", "red"):
        with service.uow(write=False) as uow:
            known = uow.parties.get(name) is not None
        if not known:
            add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
    n = 0
    while True:
        party = ("blue", "red")[n % 2]
        op_id = f"{prefix}-{n}"
        submit_operation(
            service.uow(),
            service.clock,
            service.rules,
            SubmitOperation(
                party=party,
                domain=ActivityDomain.AIR,
                volumes=(volume(square(10 + (n % 20) * 0.05, 50)),),
                operation_id=op_id,
            ),
        )
        sys.stdout.write(op_id + "\n")  # only after the commit returned
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(*sys.argv[1:4])
