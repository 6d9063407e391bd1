"""Paper-valued parameters of pack queries (``paper``, ``source``, ``target``) resolved in
Neo4j by the one paper resolver, so ``paperkg query run`` reads a paper reference as every
other command does: id, arXiv id or URL, DOI, title, short name or a unique title
fragment. The query then gets the paper's node id; an empty value keeps the query's
default (the top-PageRank paper)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from paperkg.errors import QueryError
from paperkg.graph.extract.normalize import fold
from paperkg.graph.schema import Label
from paperkg.graph.search.resolve import (
    PaperRecord,
    PaperResolver,
    Resolution,
    arxiv_key,
    doi_key,
)
from paperkg.queries.catalog import QuerySpec
from paperkg.queries.runner import error_text, read_session

__all__ = ["PAPER_PARAMS", "ResolvedParams", "resolve_paper_params"]

#: Names of the pack parameters that name a paper.
PAPER_PARAMS = frozenset({"paper", "source", "target"})
#: At most this many candidates are fetched for one reference.
_CANDIDATES = 5000
#: Papers whose id, arXiv id or DOI is the reference, or whose title holds its longest word.
_CANDIDATE_CYPHER = f"""
MATCH (p:{Label.PAPER})
WHERE coalesce(p.stub, false) = false
  AND (p.id = $text OR p.id IN $ids OR toLower(p.arxiv_id) STARTS WITH $arxiv
       OR toLower(p.doi) = $doi OR p.url = $text
       OR ($word <> '' AND toLower(p.title) CONTAINS $word))
RETURN p.id AS id, p.title AS title, p.arxiv_id AS arxiv_id, p.doi AS doi, p.url AS url
LIMIT $limit
"""


@dataclass(frozen=True)
class ResolvedParams:
    """The parameters to run a query with, and how each paper reference was read."""

    values: dict[str, Any]
    readings: dict[str, Resolution]


def resolve_paper_params(
    driver: neo4j.Driver, spec: QuerySpec, values: dict[str, Any], database: str | None = None
) -> ResolvedParams:
    """``values`` with each non-empty paper parameter of ``spec`` replaced by the node id of
    the paper it names, resolved over candidates fetched from Neo4j. An ambiguous
    reference raises ``AmbiguousError`` listing the candidates, an unknown one
    ``NotFoundError``."""
    resolved = dict(values)
    readings: dict[str, Resolution] = {}
    for param in spec.params:
        value = values.get(param.name)
        if param.name not in PAPER_PARAMS or param.type != "string" or not isinstance(value, str):
            continue
        if not value.strip():
            continue
        records = _candidates(driver, value.strip(), database)
        reading = PaperResolver(records).resolve(value)
        resolved[param.name] = reading.id
        readings[param.name] = reading
    return ResolvedParams(resolved, readings)


def _candidates(driver: neo4j.Driver, text: str, database: str | None) -> list[PaperRecord]:
    words = fold(text).split()
    arxiv, doi = arxiv_key(text), doi_key(text)
    ids = [f"arxiv:{arxiv}"] if arxiv else []
    ids += [f"doi:{doi}"] if doi else []
    params = {
        "text": text,
        "ids": ids,
        "arxiv": arxiv or "\u0000",
        "doi": doi or "\u0000",
        "word": max(words, key=len) if words and not (arxiv or doi) else "",
        "limit": _CANDIDATES,
    }
    try:
        with read_session(driver, database) as session:
            rows = session.execute_read(
                lambda tx: [record.data() for record in tx.run(_CANDIDATE_CYPHER, params)]
            )
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise QueryError(f"cannot look up the paper {text!r} in Neo4j: {error_text(exc)}") from exc
    return [
        PaperRecord(
            str(row["id"]), str(row["title"] or ""), row["arxiv_id"], row["doi"], row["url"]
        )
        for row in rows
    ]
