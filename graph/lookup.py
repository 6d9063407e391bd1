"""Questions about one thing in a built graph: which paper is this, what does it relate to,
which entities are there and who introduced them."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from paperkg.errors import PaperkgError
from paperkg.graph.model import DATASET, METHOD, PAPER, REPO, relationship_type
from paperkg.graph.normalize import fold

__all__ = ["EntityRow", "PaperProfile", "entity_rows", "find_paper", "paper_profile"]

_KIND_LABELS = {"method": METHOD, "dataset": DATASET, "repo": REPO}


@dataclass(frozen=True)
class EntityRow:
    """One method, dataset or repo with the number of papers linked to it."""

    kind: str
    name: str
    key: str
    papers: int
    introduced_by: list[str]


@dataclass
class PaperProfile:
    """Everything the graph knows about one paper."""

    id: str
    title: str
    abstract: str
    sources: list[str]
    listed: str | None
    links: list[str]
    introduces: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    evaluates_on: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    similar: list[dict[str, object]] = field(default_factory=list)
    cites: list[dict[str, object]] = field(default_factory=list)
    cited_by: list[dict[str, object]] = field(default_factory=list)


def find_paper(graph: nx.MultiDiGraph, query: str) -> str:
    """The id of the paper named by ``query``: an id, an exact (folded) title, or a unique
    title fragment."""
    query = query.strip()
    if graph.nodes.get(query, {}).get("label") == PAPER:
        return query
    wanted = fold(query)
    papers = [
        (n, fold(d.get("title", ""))) for n, d in graph.nodes(data=True) if d.get("label") == PAPER
    ]
    exact = [n for n, title in papers if title == wanted]
    if exact:
        return exact[0]
    partial = [n for n, title in papers if wanted and wanted in title]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise PaperkgError(f"no paper matches {query!r}: give a paper id or its title")
    names = "; ".join(graph.nodes[n]["title"][:60] for n in partial[:3])
    raise PaperkgError(f"{len(partial)} papers match {query!r} (e.g. {names}); be more specific")


def entity_rows(graph: nx.MultiDiGraph, kind: str | None = None) -> list[EntityRow]:
    """Methods, datasets and repos with paper counts, most-linked first."""
    labels = {_KIND_LABELS[kind]} if kind else set(_KIND_LABELS.values())
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("label") not in labels:
            continue
        papers = {u for u, _v in graph.in_edges(node)}
        introduced = sorted(
            graph.nodes[u]["title"]
            for u, _v, key in graph.in_edges(node, keys=True)
            if key == "INTRODUCES"
        )
        label = data["label"]
        rows.append(
            EntityRow(
                kind=label.lower(),
                name=data.get("name") if label != REPO else data["url"],
                key=data.get("key", data.get("url", node)),
                papers=len(papers),
                introduced_by=introduced,
            )
        )
    rows.sort(key=lambda r: (-r.papers, r.kind, r.name.casefold()))
    return rows


def _entity_name(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return data.get("name") or data.get("url") or node


def paper_profile(graph: nx.MultiDiGraph, paper: str) -> PaperProfile:
    """Entities, repos, most similar papers, citations made and received for one paper."""
    data = graph.nodes[paper]
    profile = PaperProfile(
        paper,
        data["title"],
        data["abstract"],
        data["sources"],
        data.get("listed"),
        data.get("links") or [],
    )
    by_relation = {
        "INTRODUCES": profile.introduces,
        "USES": profile.uses,
        "EVALUATES_ON": profile.evaluates_on,
        "HAS_CODE": profile.repos,
    }
    similar = []
    for _u, target, key, edge in graph.out_edges(paper, keys=True, data=True):
        kind = relationship_type(key)
        if kind in by_relation:
            by_relation[kind].append(_entity_name(graph, target))
        elif kind == "SIMILAR_TO":
            similar.append(
                {
                    "id": target,
                    "title": graph.nodes[target]["title"],
                    "score": edge["score"],
                    "rank": edge["rank"],
                }
            )
        elif kind == "CITES":
            profile.cites.append(
                {
                    "id": target,
                    "title": graph.nodes[target]["title"],
                    "source": edge.get("source"),
                    "entity": edge.get("entity"),
                }
            )
    for source, _v, key, edge in graph.in_edges(paper, keys=True, data=True):
        if relationship_type(key) == "CITES":
            profile.cited_by.append(
                {
                    "id": source,
                    "title": graph.nodes[source]["title"],
                    "source": edge.get("source"),
                    "entity": edge.get("entity"),
                }
            )
    profile.similar = sorted(similar, key=lambda s: s["rank"])
    return profile
