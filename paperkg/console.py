"""The ``paperkg`` console script: Ctrl-C while the CLI is still importing (about a second)
ends like Ctrl-C in a command, with one line and exit status 130, not a traceback."""

from __future__ import annotations

import sys

__all__ = ["run"]


def run() -> None:
    """Import the CLI, then run it."""
    try:
        from paperkg.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        raise SystemExit(130) from None
    main()
