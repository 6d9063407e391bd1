"""Tags against a graph: which tagged papers it still holds (``paperkg tag list``) and the
build's warning for those it no longer does (after ``--fresh``, or inputs left out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from paperkg.errors import TagsError
from paperkg.graph.model import is_paper
from paperkg.graph.tags.model import Tag
from paperkg.graph.tags.store import TagStore

__all__ = ["TagListing", "TagRow", "TagSummary", "missing_tag_warnings", "tag_listing"]


@dataclass(frozen=True)
class TagSummary:
    """One tag's counts, and the ids of its papers the snapshot no longer holds."""

    name: str
    positive: int
    negative: int
    missing: list[str]


@dataclass(frozen=True)
class TagRow:
    """A paper of a tag: its title (the snapshot's, else the one it had when tagged), its
    sign, when it was tagged, and whether the snapshot still holds it (``present``)."""

    id: str
    title: str
    positive: bool
    added: str
    present: bool


@dataclass(frozen=True)
class TagListing:
    """Every tag's summary; with a ``name``, that tag's papers too (positives first)."""

    tags: list[TagSummary]
    name: str | None = None
    papers: list[TagRow] = field(default_factory=list)


def _present(graph: nx.MultiDiGraph[str], paper_id: str) -> bool:
    return paper_id in graph and is_paper(graph.nodes[paper_id])


def summarise(graph: nx.MultiDiGraph[str], tag: Tag) -> TagSummary:
    """``tag``'s counts and its papers missing from ``graph``."""
    ids = [*tag.positive_ids(), *tag.negative_ids()]
    missing = [i for i in ids if not _present(graph, i)]
    return TagSummary(tag.name, len(tag.positive), len(tag.negative), missing)


def tag_listing(
    graph: nx.MultiDiGraph[str], tags: list[Tag], name: str | None = None
) -> TagListing:
    """The summaries of ``tags`` and, for the one called ``name`` (which must be among
    them), each of its papers and whether ``graph`` still holds it."""
    summaries = [summarise(graph, tag) for tag in tags]
    if name is None:
        return TagListing(summaries)
    tag = next(t for t in tags if t.name == name)
    rows = [
        TagRow(
            paper.id,
            graph.nodes[paper.id].get("title", paper.title)
            if _present(graph, paper.id)
            else paper.title,
            positive,
            paper.added,
            _present(graph, paper.id),
        )
        for positive, papers in ((True, tag.positive), (False, tag.negative))
        for paper in papers
    ]
    return TagListing([s for s in summaries if s.name == name], name, rows)


def missing_tag_warnings(graph: nx.MultiDiGraph[str], out: Path) -> list[str]:
    """One line per tag of the snapshot in ``out`` with papers ``graph`` no longer holds
    (they stay tagged); a damaged tags file is a warning too, never a failed build."""
    try:
        tags = TagStore(out).read()
    except TagsError as exc:
        return [f"{exc} (the build is done; tags are read again by paperkg tag list)"]
    warnings = []
    for tag in tags.values():
        summary = summarise(graph, tag)
        if summary.missing:
            total = summary.positive + summary.negative
            warnings.append(
                f"tag {tag.name!r}: {len(summary.missing)} of its {total} papers are no "
                f"longer in the snapshot (they stay tagged; paperkg tag list {tag.name} "
                f"--out {out} shows them)"
            )
    return warnings
