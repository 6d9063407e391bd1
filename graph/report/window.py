"""The days a time report (``paperkg trends``, ``paperkg digest``) looks at: the newest
period of the timeline by default, or the days asked for, checked against the dates the
snapshot holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from paperkg.errors import ParameterError
from paperkg.graph.analytics.periods import WEEK
from paperkg.graph.analytics.timeline import Timeline

__all__ = ["report_window"]


def _period_start(day: date, timeline: Timeline) -> date:
    origin = date.fromisoformat(timeline.periods[0])
    length = 7 if timeline.unit == WEEK else 1
    return origin + timedelta(days=(day - origin).days // length * length)


def report_window(
    timeline: Timeline, days: Sequence[date], since: date | None, until: date | None
) -> tuple[date, date]:
    """First and last day looked at: the newest period by default, ``since`` alone runs
    to the newest paper, ``until`` alone starts its period. A window outside the dated
    papers is a mistyped date or a feed not built yet: an error. ``days`` is sorted and
    not empty (the snapshot's paper dates)."""
    first, last = days[0], days[-1]
    if until is None:
        if since is None:
            since = date.fromisoformat(timeline.periods[-1])
            until = date.fromisoformat(timeline.period_ends[-1])
        else:
            until = max(last, since)
    elif since is None:
        since = _period_start(until, timeline)
    if since > until:
        raise ParameterError(
            f"since ({since.isoformat()}) is after until ({until.isoformat()})", param="since"
        )
    if until < first or since > last:
        raise ParameterError(
            f"no paper is dated between {since.isoformat()} and {until.isoformat()}; the "
            f"newest is {last.isoformat()}, the oldest {first.isoformat()}",
            param="since" if since > last else "until",
        )
    return since, until
