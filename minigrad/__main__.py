"""``python -m minigrad``: the same command line as the ``minigrad`` console script."""

from minigrad.cli import main

raise SystemExit(main())
