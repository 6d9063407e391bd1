"""Why a pack query answered nothing: the parameter that names something the graph does not
hold (a cluster id, a paper, words no title or abstract has), said in one line the way
``paperkg view cluster 99`` says it ("no cluster 99; clusters: 0, 1, 2"); for the
``trends`` pack, no dated paper or a window with nothing in it (:mod:`explain_time`); for
the ``around`` pack, a neighbourhood citing nothing often enough or two papers no chain of
links joins (:mod:`explain_around`); for the ``tags`` pack, no tag or a tag with nothing to
show (:mod:`explain_tags`).

:func:`explain_empty` is asked after a query returned no rows; it returns what is missing,
or None when everything the parameters name exists (the answer is then truly empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from paperkg.errors import QueryError
from paperkg.graph.schema import Label, RelType
from paperkg.queries.catalog import QuerySpec
from paperkg.queries.explain_around import explain_around
from paperkg.queries.explain_tags import explain_tags
from paperkg.queries.explain_time import explain_time
from paperkg.queries.runner import error_text, read_session

__all__ = [
    "CLUSTER_PARAMS",
    "LARGEST",
    "PAPER_REF_PARAMS",
    "TEXT_PARAMS",
    "Missing",
    "explain_empty",
]

#: Pack parameters holding a cluster or topic id (``a`` and ``b``: the two clusters of
#: ``bridges-between``, where a negative id means "the most linked one").
CLUSTER_PARAMS = frozenset({"cluster", "a", "b"})
#: Pack parameters naming a paper (an id, an arXiv id, words of its title).
PAPER_REF_PARAMS = frozenset({"paper", "source", "target"})
#: Pack parameters holding a full-text (Lucene) query.
TEXT_PARAMS = frozenset({"q"})
#: ``cluster = -2``: the pack picks the largest topic (``-1`` is the unclustered papers).
LARGEST = -2
#: At most this many ids are listed in a message.
_SHOWN = 25

_CLUSTERS = f"""
MATCH (c:{Label.CLUSTER})
RETURN c.id AS id, coalesce(c.level, 2) AS level
ORDER BY id
"""
_LINKED = f"""
MATCH (x:{Label.CLUSTER} {{id: $id}})-[l:{RelType.LINKS_TO}]-(y:{Label.CLUSTER})
RETURN y.id AS id ORDER BY l.edges DESC, id
"""
# The same reading of a paper reference as the packs' own: id or arXiv id, else words of
# the title through the full-text index, else a part of the title.
_PAPER = f"""
WITH trim($ref) AS ref, $arxiv AS arxiv
CALL (ref, arxiv) {{
  MATCH (p:{Label.PAPER}) WHERE p.id IN [ref, 'arxiv:' + arxiv]
  RETURN p
  UNION
  CALL db.index.fulltext.queryNodes('paper_text', $phrase) YIELD node
  RETURN node AS p
  UNION
  MATCH (p:{Label.PAPER}) WHERE toLower(p.title) CONTAINS toLower(ref)
  RETURN p
}}
WITH p WHERE coalesce(p.stub, false) = false
RETURN count(p) AS found
"""
_FULLTEXT = """
CALL db.index.fulltext.queryNodes('paper_text', $q) YIELD node
RETURN count(node) AS found
"""


@dataclass(frozen=True)
class Missing:
    """What a query's empty answer comes from: the parameter, its value, and one line
    saying what is not in the graph and what is (``no cluster 99; clusters: 0, 1, 2``)."""

    param: str
    value: Any
    message: str


def explain_empty(
    driver: neo4j.Driver, spec: QuerySpec, values: dict[str, Any], database: str | None = None
) -> Missing | None:
    """The first parameter of ``spec`` whose value (from ``values``) names something the
    database does not hold, or None. Run it after ``spec`` answered no rows: a cluster id
    no cluster has (or, for ``bridges-between``, a topic or two clusters with no link), a
    paper no id, arXiv id or title matches, a full-text query no paper matches; for a
    ``trends`` query, no dated paper, a value out of range, or nothing in the window; for
    an ``around`` query, no shared citation in the neighbourhood or no path."""
    try:
        with read_session(driver, database) as session:
            return session.execute_read(_explain, spec, values)
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise QueryError(
            f"cannot check why {spec.name!r} found nothing: {error_text(exc)}"
        ) from exc


def _explain(
    tx: neo4j.ManagedTransaction, spec: QuerySpec, values: dict[str, Any]
) -> Missing | None:
    declared = {p.name: p.type for p in spec.params}
    clusters: dict[int, int] | None = None
    for name, kind in declared.items():
        value = values.get(name)
        if name in CLUSTER_PARAMS and kind == "int" and isinstance(value, int):
            if clusters is None:
                clusters = {r["id"]: r["level"] for r in tx.run(_CLUSTERS)}
            found = _cluster(name, value, clusters, pair=bool({"a", "b"} <= declared.keys()))
        elif name in PAPER_REF_PARAMS and kind == "string" and isinstance(value, str):
            found = _paper(tx, name, value)
        elif name in TEXT_PARAMS and kind == "string" and isinstance(value, str):
            found = _text(tx, name, value)
        else:
            continue
        if found is not None:
            return found
    if clusters is not None and {"a", "b"} <= declared.keys():
        return _unlinked(tx, values.get("a"), values.get("b"), clusters)
    timed = (
        explain_time(tx, spec, values)
        or explain_around(tx, spec, values)
        or explain_tags(tx, spec, values)
    )
    return None if timed is None else Missing(*timed)


def _listed(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:_SHOWN])
    if len(ids) > _SHOWN:
        shown += f" and {len(ids) - _SHOWN} more (query cluster-overview lists them)"
    return shown or "none"


def _cluster(name: str, value: int, clusters: dict[int, int], *, pair: bool) -> Missing | None:
    """A cluster id that is not in ``clusters`` (id -> level). In a pair of clusters
    (``a``, ``b``) a negative id means "pick one" and a topic (level 1) is refused."""
    if not clusters:
        return Missing(name, value, "the database has no clusters: push a built snapshot")
    if pair:
        if value < 0:
            return None
        level2 = sorted(i for i, level in clusters.items() if level == 2 and i >= 0)
        if value not in clusters:
            return Missing(name, value, f"no cluster {value}; clusters: {_listed(level2)}")
        if clusters[value] != 2:
            return Missing(
                name,
                value,
                f"{value} is a topic (level 1), and {name} takes a cluster (level 2); "
                f"clusters: {_listed(level2)}",
            )
        return None
    if value == LARGEST or value in clusters:
        return None
    what = "no unclustered papers (-1)" if value == -1 else f"no cluster {value}"
    return Missing(name, value, f"{what}; clusters: {_listed(sorted(clusters))}")


def _unlinked(
    tx: neo4j.ManagedTransaction, a: Any, b: Any, clusters: dict[int, int]
) -> Missing | None:
    """Two clusters (or one) with no similarity or citation edge to the other (any)."""
    given = [(name, v) for name, v in (("a", a), ("b", b)) if isinstance(v, int) and v >= 0]
    if not given:
        return None
    name, value = given[0]
    linked = [r["id"] for r in tx.run(_LINKED, id=value)]
    if not linked:
        return Missing(
            name, value, f"cluster {value} has no similarity or citation link to another cluster"
        )
    if len(given) == 2 and given[1][1] not in linked:
        other_name, other = given[1]
        return Missing(
            other_name,
            other,
            f"clusters {value} and {other} share no similarity or citation link; clusters "
            f"linked to {value}: {_listed(linked)}",
        )
    return None


def _paper(tx: neo4j.ManagedTransaction, name: str, value: str) -> Missing | None:
    """A paper reference that matches no paper the way the packs read one."""
    ref = value.strip()
    if not ref:
        return None
    params = {"ref": ref, "arxiv": _arxiv(ref), "phrase": _title_phrase(ref)}
    record = tx.run(_PAPER, params).single()
    if record is not None and record["found"]:
        return None
    return Missing(
        name,
        value,
        f"no paper matches {name} {value!r}: give its id, arXiv id, or words of its title",
    )


def _text(tx: neo4j.ManagedTransaction, name: str, value: str) -> Missing | None:
    """A full-text query no paper's title or abstract matches."""
    if not value.strip():
        return Missing(name, value, f"{name} is empty: give words to search titles and abstracts")
    record = tx.run(_FULLTEXT, q=value).single()
    if record is not None and record["found"]:
        return None
    return Missing(
        name,
        value,
        f"no paper's title or abstract matches {name} {value!r} in the full-text index "
        "paper_text; try other words",
    )


def _arxiv(ref: str) -> str:
    """The arXiv id the packs read from ``ref`` (lower case, no version), as they do."""
    tail = ref.lower().split("/abs/")[-1].split("/pdf/")[-1]
    if tail.startswith("arxiv:"):
        tail = tail[6:].strip()
    tail = tail.removesuffix(".pdf")
    head, sep, version = tail.rpartition("v")
    return head if sep and head and version.isdigit() else tail


def _title_phrase(ref: str) -> str:
    """``ref`` as a Lucene phrase on the title field, as the packs build it."""
    return 'title:"' + ref.replace("\\", "\\\\").replace('"', '\\"') + '"'
