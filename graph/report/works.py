"""Prior and derivative works of a set of papers, as Connected Papers lists them: the works
most often cited by the set's neighbourhood, and those citing most of it. One definition
serves the site's paper pages and ``paperkg around``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from paperkg.graph.model import relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "FEW_NEIGHBOURS",
    "MIN_SHARED",
    "TOP_WORKS",
    "PaperLinks",
    "Work",
    "Works",
    "neighbourhood_of",
    "paper_links",
    "prior_and_derivative",
]

#: Prior and derivative works listed, most shared first.
TOP_WORKS = 10
#: A prior (derivative) work is cited by (cites) at least this many papers of the
#: neighbourhood: one shared citation is chance, two are a pattern ...
MIN_SHARED = 2
#: ... except around fewer neighbours than this, where one is all there can be.
FEW_NEIGHBOURS = 5


@dataclass(frozen=True)
class PaperLinks:
    """Each paper's cited works, citing works and similar papers (either direction), each
    pair once however many sources give its citation."""

    cites: dict[str, set[str]]
    cited_by: dict[str, set[str]]
    similar: dict[str, set[str]]


@dataclass(frozen=True)
class Work:
    """A prior or derivative work: its id and title, whether it is a stub (an outside work,
    no page), the set's papers citing it or cited by it (``members``), and a note saying
    how many (``cited by this paper and 3 of its 7 neighbours``)."""

    id: str
    title: str
    stub: bool
    members: list[str]
    note: str


@dataclass(frozen=True)
class Works:
    """Prior works (most cited by the set) and derivative works (citing most of it)."""

    prior: list[Work]
    derivative: list[Work]


def paper_links(graph: nx.MultiDiGraph[str], nodes: Iterable[str] | None = None) -> PaperLinks:
    """Citations and similarity of every paper in one pass over the edges; with ``nodes``,
    only the edges touching them (enough for the works of a neighbourhood made of them)."""
    links = PaperLinks({}, {}, {})
    if nodes is None:
        edges: Iterable[tuple[str, str, str]] = graph.edges(keys=True)
    else:
        wanted = [n for n in dict.fromkeys(nodes) if n in graph]
        edges = {
            *graph.out_edges(wanted, keys=True),
            *graph.in_edges(wanted, keys=True),
        }
    for source, target, key in edges:
        if source == target:
            continue
        kind = relationship_type(key)
        if kind == RelType.CITES:
            links.cites.setdefault(source, set()).add(target)
            links.cited_by.setdefault(target, set()).add(source)
        elif kind == RelType.SIMILAR_TO:
            links.similar.setdefault(source, set()).add(target)
            links.similar.setdefault(target, set()).add(source)
    return links


def neighbourhood_of(graph: nx.MultiDiGraph[str], links: PaperLinks, node: str) -> list[str]:
    """A paper's neighbourhood as a paper page counts it: its similar papers, what it cites
    and what cites it (stubs included), sorted, without itself."""
    none: set[str] = set()
    around = (
        links.similar.get(node, none) | links.cites.get(node, none) | links.cited_by.get(node, none)
    )
    return sorted(n for n in around if graph.nodes[n].get("type") == Label.PAPER and n != node)


def prior_and_derivative(
    graph: nx.MultiDiGraph[str],
    origins: Sequence[str],
    neighbourhood: Sequence[str],
    links: PaperLinks | None = None,
    *,
    top: int = TOP_WORKS,
) -> Works:
    """The works most cited by (prior) and citing most of (derivative) the origins and
    their ``neighbourhood``, ranked by how many of them, then PageRank, then id. A work
    needs ``MIN_SHARED`` of them, or one when the neighbourhood has fewer than
    ``FEW_NEIGHBOURS`` papers; the origins themselves are never listed."""
    members = list(dict.fromkeys([*origins, *neighbourhood]))
    links = links if links is not None else paper_links(graph, members)
    neighbours = len([m for m in members if m not in set(origins)])
    least = MIN_SHARED if neighbours >= FEW_NEIGHBOURS else 1
    count = (len(origins), neighbours)

    def ranked(edges: dict[str, set[str]], verb: str) -> list[Work]:
        shared: dict[str, list[str]] = {}
        for member in members:
            for work in edges.get(member, set()):
                if work not in origins:
                    shared.setdefault(work, []).append(member)
        best = sorted(
            (w for w, by in shared.items() if len(by) >= least),
            key=lambda w: (-len(shared[w]), -graph.nodes[w].get("pagerank", 0.0), w),
        )[:top]
        return [
            Work(
                w,
                str(graph.nodes[w].get("title") or w),
                bool(graph.nodes[w].get("stub")),
                shared[w],
                shared_note(verb, shared[w], origins, count),
            )
            for w in best
        ]

    return Works(ranked(links.cites, "cited by"), ranked(links.cited_by, "cites"))


def shared_note(
    verb: str, members: Sequence[str], origins: Sequence[str], count: tuple[int, int]
) -> str:
    """'cited by this paper and 3 of its 12 neighbours', 'cites 4 of its 12 neighbours';
    for several origins, 'cites 2 of these 3 papers and 1 of their 9 neighbours'."""
    several, neighbours = count[0] > 1, count[1]
    own = sum(1 for m in members if m in origins)
    others = len(members) - own
    plural = "" if neighbours == 1 else "s"
    counted = f"{others} of {'their' if several else 'its'} {neighbours} neighbour{plural}"
    if not own:
        return f"{verb} {counted}"
    these = f"{own} of these {count[0]} papers" if several else "this paper"
    return f"{verb} {these} and {counted}" if others else f"{verb} {these}"
