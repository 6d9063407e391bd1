"""The rule every catalogue-wide test applies to a pack query run with its defaults: it
answers with rows, or its header says when it may rightly answer nothing (``// empty:``,
the trends pack: nothing bursts this week) and then ``explain_empty`` names why."""

from __future__ import annotations

from typing import Any

from paperkg.queries import QuerySpec, find_query, run_query, typed_params
from paperkg.queries.explain import Missing, explain_empty
from paperkg.queries.runner import QueryResult


def answers(driver: Any, spec: QuerySpec, where: str) -> QueryResult:
    """``spec`` run with its defaults; fails the test on an empty answer the query does not
    allow, or one no reason is given for."""
    result = run_query(driver, spec, spec.defaults())
    if result.rows:
        assert len(result.columns) == len(result.rows[0])
        return result
    assert spec.empty, f"{spec.name} returned nothing on {where}"
    missing = explain_empty(driver, spec, spec.defaults())
    assert missing is not None, f"{spec.name} returned nothing on {where}, and no reason why"
    return result


def rows_of(driver: Any, name: str, **given: object) -> list[dict[str, Any]]:
    """The rows of pack query ``name`` run with ``given`` parameters, as dicts by column."""
    spec = find_query(name)
    result = run_query(driver, spec, typed_params(spec, {k: str(v) for k, v in given.items()}))
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def why(driver: Any, name: str, **given: object) -> Missing | None:
    """What ``explain_empty`` says of query ``name``, which must answer nothing here."""
    spec = find_query(name)
    values = typed_params(spec, {k: str(v) for k, v in given.items()})
    assert run_query(driver, spec, values).rows == []
    return explain_empty(driver, spec, values)
