"""The works a paper cites and is cited by (``CITES`` either way), with their identity keys,
so a fetcher can bring in their own records: the next hop when growing a graph from one paper
(``paperkg fetch s2 --refs-of``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError
from paperkg.graph.model import relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = ["LinkedWork", "linked_works", "next_hop_ids"]

#: Node properties holding a corpus paper's identity, and the key scheme each gives.
_ID_PROPERTIES = (
    ("arxiv_id", "arxiv"),
    ("doi", "doi"),
    ("s2_id", "s2"),
    ("openalex_id", "openalex"),
)


@dataclass(frozen=True)
class LinkedWork:
    """A work citing or cited by the paper: its node id, title, identity keys
    (``arxiv:…``, ``doi:…``, ``s2:…``, ``openalex:…``), whether it is a stub, and how linked."""

    id: str
    title: str
    keys: tuple[str, ...]
    stub: bool
    cited: bool
    citing: bool


def _keys(node: str, data: dict[str, Any]) -> tuple[str, ...]:
    """A stub's keys as stored; a paper's from its id properties (its node id first)."""
    stored = data.get("keys")
    if isinstance(stored, list) and stored:
        return tuple(str(k) for k in stored)
    found = [
        f"{scheme}:{str(data[name]).lower()}"
        for name, scheme in _ID_PROPERTIES
        if isinstance(data.get(name), str) and data[name]
    ]
    return tuple(found) or (node,)


def linked_works(
    graph: nx.MultiDiGraph[str], paper: str, *, stubs_only: bool = True
) -> list[LinkedWork]:
    """The works ``paper`` cites or is cited by, by any citation source, sorted by id; with
    ``stubs_only`` just the stubs (works whose own records the snapshot lacks)."""
    cited = {t for _, t, k in graph.out_edges(paper, keys=True) if _cites(k)}
    citing = {s for s, _, k in graph.in_edges(paper, keys=True) if _cites(k)}
    works = []
    for node in sorted((cited | citing) - {paper}):
        data = graph.nodes[node]
        if data.get("type") != Label.PAPER or (stubs_only and not data.get("stub")):
            continue
        works.append(
            LinkedWork(
                node,
                str(data.get("title") or node),
                _keys(node, data),
                bool(data.get("stub")),
                node in cited,
                node in citing,
            )
        )
    return works


def _cites(key: str) -> bool:
    return relationship_type(key) == RelType.CITES


def next_hop_ids(
    graph: nx.MultiDiGraph[str], paper: str, request_id: Callable[[tuple[str, ...]], str | None]
) -> list[str]:
    """The ids to fetch the records of ``paper``'s stub references and citations by, each
    made from a stub's keys by ``request_id`` (None: that API cannot name it); an error
    when there is none, since a fetch of nothing would only fail later."""
    ids = [found for work in linked_works(graph, paper) if (found := request_id(work.keys))]
    if not ids:
        title = graph.nodes[paper].get("title") or paper
        raise NotFoundError(
            f"{title!r} cites and is cited by no outside work this API can fetch; fetch it "
            "with --with-references and build with --external-refs first"
        )
    return list(dict.fromkeys(ids))
