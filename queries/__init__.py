"""Cypher query packs and the runner that lists, runs and exports them."""

from paperkg.queries.catalog import Param, QuerySpec, find_query, load_catalog, typed_params
from paperkg.queries.runner import QueryResult, export_catalog, run_query

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
