"""`python -m cxlib …`: the command line."""

from cxlib.cli import main

raise SystemExit(main())
