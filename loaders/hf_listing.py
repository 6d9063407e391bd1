"""Hugging Face papers listing pages saved as text.

The page reads: a few short header lines ("new", "Subscribe", ...), a date line ("Mar 17"),
then one title line and one abstract line per paper. Blank lines between them are ignored.
The date line is when the papers were listed, not published: it becomes ``listed`` (as
written) and ``listed_on`` when it carries a year (``loaders.listing_dates`` infers one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from paperkg.errors import InputError
from paperkg.loaders.records import PaperRecord
from paperkg.loaders.text_file import visible

__all__ = ["FORMAT", "parse", "sniff"]

FORMAT = "hf-listing"

MAX_HEADER_LINES = 12
MAX_HEADER_CHARS = 80
MAX_TITLE_CHARS = 500

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+(?P<year>\d{{4}}))?|\d{{4}}-\d{{2}}-\d{{2}}", re.I
)


def _date_of(line: str) -> tuple[str, date | None] | None:
    """``(raw text, full date or None)`` when ``line`` is a listing date line, else None."""
    if not _DATE_LINE.fullmatch(line):
        return None
    for fmt in ("%Y-%m-%d", "%b %d, %Y", "%b %d %Y", "%B %d, %Y", "%B %d %Y"):
        try:
            return line, datetime.strptime(line, fmt).date()
        except ValueError:
            continue
    return line, None


def _non_blank(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line:
            yield number, line


def _header_end(text: str, path: str) -> tuple[int, str, date | None]:
    """Find the date line that ends the header; raise where the header stops making sense."""
    last = 0
    for seen, (number, line) in enumerate(_non_blank(text)):
        last = number
        found = _date_of(line)
        if found is not None:
            return number, found[0], found[1]
        if len(line) > MAX_HEADER_CHARS or seen >= MAX_HEADER_LINES:
            raise InputError(
                "not a papers listing page: expected a few short header lines, then a date "
                "line such as 'Mar 17' before the first title",
                path=path,
                line=number,
            )
    raise InputError(
        "not a papers listing page: no date line such as 'Mar 17' found"
        if last
        else "empty file: no papers in it",
        path=path,
        line=max(last, 1),
    )


def _check_visible(line: str, what: str, path: str, number: int) -> None:
    """A title or abstract line of only zero-width or format characters looks blank and
    would make a paper with no name: an error naming the line."""
    if not visible(line):
        raise InputError(
            f"the {what} line has no visible characters (only zero-width or format "
            "characters); write the text or delete the line",
            path=path,
            line=number,
        )


def sniff(text: str) -> bool:
    """True when the text starts like a listing page (short headers, then a date line)."""
    try:
        _header_end(text, "")
    except InputError:
        return False
    return True


def parse(text: str, path: str) -> Iterator[PaperRecord]:
    """Yield one record per title/abstract pair; ``InputError`` names the line at fault."""
    date_line, listed, listed_on = _header_end(text, path)
    title: tuple[int, str] | None = None
    for number, line in _non_blank(text):
        if number <= date_line:
            continue
        if title is None:
            found = _date_of(line)
            if found is not None:  # a page may hold several days, each under its date line
                listed, listed_on = found
                continue
            if len(line) > MAX_TITLE_CHARS:
                raise InputError(
                    f"expected a title line, found {len(line)} characters of text "
                    "(is a title or an abstract missing just above?)",
                    path=path,
                    line=number,
                )
            _check_visible(line, "title", path, number)
            title = (number, line)
            continue
        _check_visible(line, "abstract", path, number)
        yield PaperRecord(
            title=title[1],
            abstract=line,
            path=path,
            line=title[0],
            listed=listed,
            listed_on=listed_on,
        )
        title = None
    if title is not None:
        raise InputError(
            f"title {title[1][:60]!r} has no abstract line after it", path=path, line=title[0]
        )
