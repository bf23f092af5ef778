"""``python -m deconflict.cli``."""

from . import main

main()
