"""Where the five real seed pages are expected: ``../shared/seeds`` beside the checkout.

The one place that knows it, for the tests (the ``seeds`` fixture in conftest.py) and the
benchmarks alike, so a missing folder fails both with the same single line.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
COUNT = 5


def missing_seeds() -> str | None:
    """Why the seed pages cannot be used, in one line; ``None`` when all five are there."""
    found = len(list(SEEDS.glob("*.txt"))) if SEEDS.is_dir() else 0
    if found == COUNT:
        return None
    return (
        f"expected the {COUNT} seed pages (*.txt) in {SEEDS} (../shared/seeds beside the "
        f"checkout), found {found}"
    )


def seed_folder() -> Path:
    """The seed folder for a script: exits with that one line when the pages are missing."""
    problem = missing_seeds()
    if problem is not None:
        sys.exit(problem)
    return SEEDS


def seed_pages() -> list[Path]:
    """The five seed pages in name order (exits like ``seed_folder`` when missing)."""
    return sorted(seed_folder().glob("*.txt"))
