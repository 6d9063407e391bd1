"""How library functions report progress without printing: a callback the CLI renders."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "stage_progress"]

#: ``progress(stage, done, total)``: ``done`` of ``total`` units of ``stage`` are finished.
Progress = Callable[[str, int, int], None]


def stage_progress(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """Bind a stage name, giving the ``(done, total)`` callback the lower layers take."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)
