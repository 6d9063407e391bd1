"""Keeping only the records a user asked for: arXiv categories and a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from paperkg.loaders.records import PaperRecord

__all__ = ["RecordFilter"]


@dataclass(frozen=True)
class RecordFilter:
    """``categories``: keep records with one of these arXiv categories (``cs.CL``) or
    archives (``cs`` keeps every ``cs.*``). ``since``/``until``: keep records published in
    that range, inclusive (or listed then, when no publication date is known); records
    without a full date are dropped when a range is set."""

    categories: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.categories) or self.since is not None or self.until is not None

    def accepts(self, record: PaperRecord) -> bool:
        if self.categories and not any(
            keyword == wanted or keyword.startswith(f"{wanted}.")
            for keyword in record.keywords
            for wanted in self.categories
        ):
            return False
        if self.since is None and self.until is None:
            return True
        day = record.published or record.listed_on
        if day is None:
            return False
        if self.since is not None and day < self.since:
            return False
        return self.until is None or day <= self.until
