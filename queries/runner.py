"""Running a pack query in a read transaction and making its values printable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from paperkg.errors import QueryError
from paperkg.queries.catalog import QuerySpec

__all__ = ["QueryResult", "error_text", "read_session", "run_query"]


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of plain values (nodes become their properties)."""

    query: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return {k: v for k, v in value.items() if k not in {"embedding", "paperkg_push"}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: v for k, v in value.items() if k != "paperkg_push"}}
    if isinstance(value, GraphPath):
        return [_plain(node) for node in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _read(
    tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]
) -> tuple[list[str], list[list[Any]]]:
    result = tx.run(cypher, params)
    rows = [[_plain(v) for v in record.values()] for record in result]
    return list(result.keys()), rows


def read_session(driver: neo4j.Driver, database: str | None) -> neo4j.Session:
    """A read session without notifications: a property the graph never set (``stub``
    where no outside work is cited) is expected, and the driver would log each one as a
    warning line."""
    return driver.session(
        database=database,
        default_access_mode=neo4j.READ_ACCESS,
        notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
    )


def error_text(exc: Exception) -> str:
    """A driver error as one line of at most 300 characters."""
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def run_query(
    driver: neo4j.Driver, spec: QuerySpec, params: dict[str, Any], database: str | None = None
) -> QueryResult:
    """Run ``spec`` with ``params`` (values travel only as parameters) in a read transaction."""
    try:
        with read_session(driver, database) as session:
            columns, rows = session.execute_read(_read, spec.cypher, params)
    except neo4j_errors.ClientError as exc:
        message = " ".join((exc.message or str(exc)).split())[:300]
        raise QueryError(f"query {spec.name!r} failed on the server: {message}") from exc
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise QueryError(f"query {spec.name!r} could not run: {error_text(exc)}") from exc
    return QueryResult(spec.name, params, columns, rows)
