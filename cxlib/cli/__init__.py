"""`python -m cxlib …`: the same numbers as the app, for scripts, scheduled jobs and notebooks.

Command names, options and printed column names are a public contract (see README "Command line").
Errors a user can cause print one line to stderr and exit with code 2. No silent empty number: a
metric table with nothing in it is never printed; the command exits 2 with the reason from
`cxlib.diagnostics` (rows loaded, why none could be used, naming the column).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cxlib.cli.commands import COMMANDS
from cxlib.cli.parser import EXIT_USAGE, SCALES, build_parser
from cxlib.cli.run import RUN, cli_workspace, explained, override_roles
from cxlib.errors import CxError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m cxlib`; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    RUN.args, RUN.ws = args, None
    try:
        return COMMANDS[args.command](args)
    except CxError as exc:
        exc = explained(exc)
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
    finally:
        RUN.args, RUN.ws = None, None


__all__ = ["COMMANDS", "EXIT_USAGE", "SCALES", "build_parser", "cli_workspace", "main", "override_roles"]
