"""Periods of a dated corpus: days when its papers span at most six weeks, else weeks.

Bursts and timelines count papers per period. A daily feed read for a month is best seen by
day; a corpus of months or years by week (weeks start on Monday, as ISO weeks do). Period
``i`` of a :class:`Periods` starts ``i`` units after its ``origin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from paperkg.errors import ParameterError

__all__ = ["DAY", "DAY_SPAN", "UNITS", "WEEK", "Periods", "choose_periods"]

DAY, WEEK = "day", "week"
UNITS = (DAY, WEEK)
#: Dated papers spanning at most this many days (six weeks, first and last day included)
#: are counted per day; a longer span per week.
DAY_SPAN = 42
_LENGTH = {DAY: 1, WEEK: 7}


@dataclass(frozen=True)
class Periods:
    """``count`` consecutive periods of one ``unit`` from ``origin`` (a Monday for weeks)."""

    unit: str
    origin: date
    count: int

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ParameterError(
                f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}", param="unit"
            )
        if self.count < 1:
            raise ParameterError(f"count must be at least 1, got {self.count}", param="count")
        if self.unit == WEEK and self.origin.weekday() != 0:
            raise ParameterError(
                f"weeks start on a Monday; {self.origin.isoformat()} is not one", param="origin"
            )

    @property
    def length(self) -> int:
        """Days in one period."""
        return _LENGTH[self.unit]

    def index(self, day: date) -> int:
        """The period ``day`` falls in; a day outside all periods is an error."""
        found = (day - self.origin).days // self.length
        if not 0 <= found < self.count:
            raise ParameterError(
                f"{day.isoformat()} is outside the periods {self.start(0).isoformat()} to "
                f"{self.end(self.count - 1).isoformat()}",
                param="day",
            )
        return found

    def start(self, period: int) -> date:
        """First day of ``period``."""
        self._check(period)
        return self.origin + timedelta(days=period * self.length)

    def end(self, period: int) -> date:
        """Last day of ``period`` (included)."""
        return self.start(period) + timedelta(days=self.length - 1)

    def starts(self) -> list[str]:
        """ISO first day of every period, in order."""
        return [self.start(i).isoformat() for i in range(self.count)]

    def _check(self, period: int) -> None:
        if not 0 <= period < self.count:
            raise ParameterError(
                f"period must be 0 to {self.count - 1}, got {period}", param="period"
            )


def choose_periods(days: Iterable[date], unit: str | None = None) -> Periods | None:
    """The periods covering ``days``: by day when they span at most :data:`DAY_SPAN` days,
    else by week (or by ``unit`` when given); None when there are no days."""
    dated = list(days)
    if not dated:
        return None
    if unit is not None and unit not in UNITS:
        raise ParameterError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}", param="unit")
    first, last = min(dated), max(dated)
    if unit is None:
        unit = DAY if (last - first).days + 1 <= DAY_SPAN else WEEK
    origin = first if unit == DAY else first - timedelta(days=first.weekday())
    count = (last - origin).days // _LENGTH[unit] + 1
    return Periods(unit, origin, count)
