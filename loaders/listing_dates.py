"""Full dates for listing pages that print none: "Mar 17" gets its year from the paper's
arXiv id, else from ``--year``, else from the file's modification date, and the record says
which (``PaperRecord.date_note``), so no date is invented silently."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from paperkg.errors import ParameterError
from paperkg.loaders.records import PaperRecord

__all__ = [
    "FROM_ARXIV",
    "FROM_FILE",
    "FROM_OPTION",
    "MAX_YEAR",
    "MIN_YEAR",
    "check_year",
    "date_in_year",
    "saved_time",
    "with_listing_year",
    "year_from_arxiv",
]

#: ``date_note`` values: where a listing date's year came from.
FROM_ARXIV = "year from arXiv id"
FROM_OPTION = "year from --year"
FROM_FILE = "year from file date"

MIN_YEAR, MAX_YEAR = 1991, 2100

_MONTH_DAY = re.compile(r"(?P<month>[a-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: New-style arXiv ids: YYMM.NNNNN (since April 2007).
_ARXIV_NEW = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}(?:v\d+)?")


def check_year(year: int | None) -> int | None:
    """``--year`` as given, or ``ParameterError`` for one no listing page can carry."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ParameterError(
            f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}", param="year"
        )
    return year


def _month_day(listed: str) -> tuple[int, int] | None:
    found = _MONTH_DAY.fullmatch(listed.strip())
    if found is None or found["month"].lower() not in _MONTHS:
        return None
    return _MONTHS.index(found["month"].lower()) + 1, int(found["day"])


def date_in_year(listed: str, year: int) -> date | None:
    """``"Mar 17"`` in ``year``; None when the text is no month and day, or no such day
    that year (Feb 29 of a common year)."""
    month_day = _month_day(listed)
    if month_day is None:
        return None
    try:
        return date(year, *month_day)
    except ValueError:
        return None


def year_from_arxiv(listed: str, arxiv_id: str) -> date | None:
    """``listed`` in the year of the arXiv id's month (``2403.01234``: March 2024), or the
    next year when the listing's month comes before the id's (listed in January, submitted
    in December). None for old-style ids and text that is no month and day."""
    found = _ARXIV_NEW.fullmatch(arxiv_id.strip())
    month_day = _month_day(listed)
    if found is None or month_day is None:
        return None
    year, month = 2000 + int(found["yy"]), int(found["mm"])
    return date_in_year(listed, year + 1 if month_day[0] < month else year)


def _file_year(listed: str, saved: date) -> date | None:
    """The listing's latest date not after the day the file was saved: a page saved on
    January 2 that says "Dec 30" was listed the year before, and "Feb 29" in the last
    leap year."""
    for year in range(saved.year, saved.year - 8, -1):
        found = date_in_year(listed, year)
        if found is not None and found <= saved:
            return found
    return None


def saved_time(path: str | Path) -> float | None:
    """The file's modification time, None when it is gone (a record kept from an earlier
    build whose input was moved)."""
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return None


def with_listing_year(record: PaperRecord, year: int | None, saved: float | None) -> PaperRecord:
    """``record`` with ``listed_on`` filled in when its page gave a month and day only:
    from ``year`` (``--year``) when given, else from ``saved`` (the file's modification
    time, seconds since the epoch; None: unknown, the record stays undated); ``date_note``
    says which."""
    if record.listed is None or record.listed_on is not None:
        return record
    if year is not None:
        found, note = date_in_year(record.listed, year), FROM_OPTION
    elif saved is not None:
        found, note = _file_year(record.listed, datetime.fromtimestamp(saved).date()), FROM_FILE
    else:
        return record
    if found is None:
        return record
    return replace(record, listed_on=found, date_note=note)
