"""Why a query of the ``around`` pack answered nothing: a neighbourhood that cites (or is
cited by) no work often enough, or two papers no chain of links joins, said in one line with
what the database does hold and a value that answers ("paper 'X' has prior works").

:func:`explain_around` is asked by :func:`paperkg.queries.explain.explain_empty` once every
parameter naming a paper is known to match one.
"""

from __future__ import annotations

from typing import Any

import neo4j

from paperkg.graph.schema import Label, RelType
from paperkg.queries.catalog import QuerySpec

__all__ = ["AROUND", "LONGEST", "explain_around"]

#: The pack starting from a paper.
AROUND = "around"
#: connect-papers looks this many relationships far at most (its pattern's bound, and
#: that of ``_SHORTEST``).
LONGEST = 12

# A paper reference read as the packs read it (id or arXiv id, the title as a phrase, a part
# of the title; the top-PageRank match), never ``$exclude``; with ``$cluster``, a paper of
# another cluster first when ``$ref`` is empty (connect-papers' default target).
_RESOLVE = f"""
WITH trim($ref) AS ref
WITH ref, last(split(last(split(toLower(ref), '/abs/')), '/pdf/')) AS tail
WITH ref, CASE WHEN tail STARTS WITH 'arxiv:' THEN trim(substring(tail, 6)) ELSE tail END AS tail
WITH ref, CASE WHEN tail ENDS WITH '.pdf' THEN left(tail, size(tail) - 4) ELSE tail END AS tail
WITH ref, CASE WHEN tail =~ '.+v[0-9]+' THEN left(tail, size(tail) - size(split(tail, 'v')[-1]) - 1)
               ELSE tail END AS arxiv
WITH ref, COLLECT {{ MATCH (p:{Label.PAPER}) WHERE p.id IN [ref, 'arxiv:' + arxiv] RETURN p }}
     AS named
UNWIND named + COLLECT {{
         CALL db.index.fulltext.queryNodes('paper_text',
           'title:"' + replace(replace(ref, '\\\\', '\\\\\\\\'), '"', '\\\\"') + '"') YIELD node
         RETURN node
       }} + COLLECT {{
         MATCH (p:{Label.PAPER}) WHERE toLower(p.title) CONTAINS toLower(ref) RETURN p
       }} AS p
WITH ref, p,
     CASE WHEN p IN named THEN 0 WHEN toLower(p.title) = toLower(ref) THEN 1 ELSE 2 END AS how
WHERE coalesce(p.stub, false) = false AND ($exclude IS NULL OR p.id <> $exclude)
WITH p ORDER BY how, CASE WHEN ref = '' AND p.cluster = $cluster THEN 1 ELSE 0 END,
     p.pagerank DESC LIMIT 1
"""
# The paper's neighbourhood and how many works it cites (``$prior``) or is cited by.
_WORKS = (
    _RESOLVE
    + f"""
WITH p, COLLECT {{
       MATCH (p)-[:{RelType.SIMILAR_TO}|{RelType.CITES}]-(n:{Label.PAPER}) WHERE n <> p
       RETURN DISTINCT n
     }} AS around
UNWIND [p] + around AS member
OPTIONAL MATCH (member)-[c:{RelType.CITES}]-(w:{Label.PAPER})
WHERE (startNode(c) = member) = $prior AND w <> p
RETURN p.title AS title, size(around) AS neighbours, count(DISTINCT w) AS works,
       COUNT {{ ()-[:{RelType.CITES}]->() }} AS citations
"""
)
# The most central paper whose prior (derivative) works are not empty, among the 200 most
# central papers with a citation.
_ANSWERING = f"""
MATCH (p:{Label.PAPER})
WHERE coalesce(p.stub, false) = false AND EXISTS {{ (p)-[:{RelType.CITES}]-() }}
WITH p ORDER BY p.pagerank DESC, p.id LIMIT 200
CALL (p) {{
  WITH p, COLLECT {{
         MATCH (p)-[:{RelType.SIMILAR_TO}|{RelType.CITES}]-(n:{Label.PAPER}) WHERE n <> p
         RETURN DISTINCT n
       }} AS around
  UNWIND [p] + around AS member
  MATCH (member)-[c:{RelType.CITES}]-(w:{Label.PAPER})
  WHERE (startNode(c) = member) = $prior AND w <> p
  WITH w, count(DISTINCT member) AS shared, size(around) AS neighbours
  WHERE shared >= CASE WHEN neighbours >= 5 THEN 2 ELSE 1 END
  RETURN count(w) AS found
}}
WITH p, found WHERE found > 0
RETURN p.id AS id, p.title AS title
ORDER BY p.pagerank DESC, id
LIMIT 1
"""
_PAIR = (
    _RESOLVE
    + f"""
RETURN p.id AS id, p.title AS title, p.cluster AS cluster,
       EXISTS {{
         (p)-[:{RelType.SIMILAR_TO}|{RelType.CITES}|{RelType.INTRODUCES}|{RelType.USES}|
               {RelType.EVALUATES_ON}]-()
       }} AS linked
"""
)
_SHORTEST = f"""
MATCH (a:{Label.PAPER} {{id: $a}}), (b:{Label.PAPER} {{id: $b}})
MATCH path = SHORTEST 1 (a)-[:{RelType.SIMILAR_TO}|{RelType.CITES}|{RelType.INTRODUCES}|
                               {RelType.USES}|{RelType.EVALUATES_ON}]-{{1,12}}(b)
RETURN length(path) AS length
"""
_WORKS_WORDS = {
    "prior-works": (True, "is cited by", "cite", "prior"),
    "derivative-works": (False, "cites", "are cited by", "derivative"),
}


def explain_around(
    tx: neo4j.ManagedTransaction, spec: QuerySpec, values: dict[str, Any]
) -> tuple[str, Any, str] | None:
    """(parameter, value, message) naming why an ``around`` query answered nothing, or
    None (another pack, or nothing to say)."""
    if spec.pack != AROUND:
        return None
    if spec.name in _WORKS_WORDS:
        return _works(tx, spec.name, str(values.get("paper", "")))
    if spec.name == "connect-papers":
        return _connect(tx, values)
    return None


def _works(tx: neo4j.ManagedTransaction, name: str, ref: str) -> tuple[str, Any, str] | None:
    prior, verb, their, kind = _WORKS_WORDS[name]
    found = tx.run(_WORKS, ref=ref, exclude=None, cluster=None, prior=prior).single()
    if found is None:
        return None
    if not found["citations"]:
        return (
            "paper",
            ref,
            "the database has no citations: build from sources with reference lists "
            "(Semantic Scholar, OpenAlex) and push the snapshot",
        )
    neighbours = found["neighbours"]
    least = 2 if neighbours >= 5 else 1
    message = (
        f"no work {verb} {least} of the {neighbours + 1} papers around {found['title']!r} "
        f"(itself, its similar papers, what it cites and what cites it); they {their} "
        f"{found['works']} work{'' if found['works'] == 1 else 's'} once each"
        if found["works"]
        else f"no work {verb} {found['title']!r} or any of its {neighbours} neighbours"
    )
    other = tx.run(_ANSWERING, prior=prior).single()
    if other is not None:
        message += f"; paper {other['id']!r} ({other['title']}) has {kind} works"
    return ("paper", ref, message)


def _connect(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> tuple[str, Any, str] | None:
    longest = values.get("max_length")
    if not isinstance(longest, int) or longest < 1:
        return ("max_length", longest, f"max_length must be 1 to {LONGEST}, got {longest}")
    source, target = str(values.get("source", "")), str(values.get("target", ""))
    a = tx.run(_PAIR, ref=source, exclude=None, cluster=None).single()
    if a is None:
        return None
    b = tx.run(_PAIR, ref=target, exclude=a["id"], cluster=a["cluster"]).single()
    if b is None:
        return ("target", target, f"no paper but the source, {a['title']!r}, matches target")
    for param, value, paper in (("source", source, a), ("target", target, b)):
        if not paper["linked"]:
            return (
                param,
                value,
                f"{paper['title']!r} has no similarity, citation, method or dataset link",
            )
    shortest = tx.run(_SHORTEST, a=a["id"], b=b["id"]).single()
    between = f"{a['title']!r} and {b['title']!r}"
    if shortest is None:
        return (
            "max_length",
            longest,
            f"no chain of similarity, citation or shared method or dataset links of at most "
            f"{LONGEST} relationships joins {between}",
        )
    return (
        "max_length",
        longest,
        f"no chain of at most {longest} relationship{'' if longest == 1 else 's'} joins "
        f"{between}; the shortest has "
        f"{shortest['length']}: max_length {shortest['length']} shows it",
    )
