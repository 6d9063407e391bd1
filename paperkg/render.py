"""Terminal rendering for the CLI: rich progress bars on stderr and result tables on stdout.

Text from feeds and servers reaches a terminal only through :func:`visible`: a terminal acts
on control characters (ESC starts colours, window titles, hyperlinks and, on some terminals,
clipboard writes; BEL rings; C1 ``\x9b`` is a one-byte CSI), so every one of them is shown
as U+FFFD instead. Rich would also read ``[bold]`` in a title as markup, so cells and lines
are handed to it as ``Text``, which it prints as is.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

__all__ = [
    "PLACEHOLDER",
    "ProgressBars",
    "error_line",
    "print_json",
    "print_line",
    "print_table",
    "visible",
]

#: What a control character (or a lone surrogate from undecodable argv bytes) is shown as.
PLACEHOLDER = "\ufffd"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: Characters ``json.dumps(ensure_ascii=False)`` leaves raw that a terminal would act on
#: (DEL and C1) or that stdout cannot encode (lone surrogates).
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")
#: A run of this many characters without a space is a value, not prose: it is shortened.
LONG_RUN = 200
_LONG_RUN = re.compile(f"[^\\s'\"]{{{LONG_RUN},}}")


def visible(text: object) -> str:
    """``text`` safe for a terminal: tabs and line breaks become spaces (a table cell or a
    message stays on its line), every other C0 and C1 control character, DEL and lone
    surrogate becomes U+FFFD."""
    text = str(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return _CONTROLS.sub(PLACEHOLDER, text)


def _shorten(match: re.Match[str]) -> str:
    run = match.group(0)
    return f"{run[:40]}…{run[-20:]} ({len(run):,} characters)"


def error_line(message: object) -> str:
    """A message as one inert line: controls replaced, line breaks as spaces, and any run of
    200 or more characters without a space (a pasted value, a 5,000-digit number) cut to its
    first 40 and last 20 characters and its length."""
    return _LONG_RUN.sub(_shorten, visible(message).strip())


_STAGE_LABELS = {
    "parse": "Reading sources",
    "extract": "Finding entities",
    "embed": "Embedding papers",
}


class RateColumn(ProgressColumn):
    """Items per second (papers embedded, rows written)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class ProgressBars:
    """A ``Progress`` callback that draws one rich bar per stage on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<18}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(
                visible(_STAGE_LABELS.get(stage, stage)), total=total
            )
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def __enter__(self) -> ProgressBars:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A table on stdout; numbers right-aligned; every cell and the title through
    :func:`visible` and printed literally (no rich markup)."""
    rows = [list(row) for row in rows]
    console = Console()
    if title:
        console.print(Text(visible(title)), soft_wrap=True)
    table = Table()
    for position, name in enumerate(columns):
        numeric = bool(rows) and all(isinstance(row[position], int | float) for row in rows)
        table.add_column(
            Text(visible(name)), justify="right" if numeric else "left", overflow="fold"
        )
    for row in rows:
        table.add_row(*(Text("" if cell is None else visible(cell)) for cell in row))
    console.print(table)


def print_line(text: object = "") -> None:
    """One line of plain text on stdout, through :func:`visible`."""
    sys.stdout.write(visible(text) + "\n")
    sys.stdout.flush()


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def print_json(data: Any) -> None:
    """Machine-readable output: JSON on stdout, nothing else. Strings are exact; DEL, C1
    controls and lone surrogates are written as ``\\uXXXX`` escapes like C0 ones."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(_JSON_RAW.sub(_json_escape, text) + "\n")
    sys.stdout.flush()
