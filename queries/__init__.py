"""Cypher query packs, the runner that lists and runs them, and their export for Neo4j
Browser (favourites and a graph style)."""

from paperkg.queries.browser import export_catalog
from paperkg.queries.catalog import Param, QuerySpec, find_query, load_catalog, typed_params
from paperkg.queries.runner import QueryResult, run_query

__all__ = [
    "Param",
    "QueryResult",
    "QuerySpec",
    "export_catalog",
    "find_query",
    "load_catalog",
    "run_query",
    "typed_params",
]
