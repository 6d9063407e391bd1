"""Citations inferred from mentions: A mentions a method or dataset that B introduces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from paperkg.graph.entities import INTRODUCES, PaperEntities
from paperkg.graph.papers import Paper, identity_keys

__all__ = [
    "MentionCitation",
    "MetadataCitation",
    "introducers_of",
    "mention_citations",
    "metadata_citations",
]


@dataclass(frozen=True)
class MentionCitation:
    """``source`` cites ``target`` because it mentions ``entity``, which ``target`` introduces."""

    source: str
    target: str
    entity: str
    evidence: str


def mention_citations(
    entities: Mapping[str, PaperEntities],
    published: Mapping[str, date | None],
) -> list[MentionCitation]:
    """One citation per (citing, cited) pair, from the first entity that links them.

    Never a paper to itself, and never to a paper published after the citing one when both
    dates are known.
    """
    introducers = introducers_of(entities)
    citations: dict[tuple[str, str], MentionCitation] = {}
    for paper in sorted(entities):
        for mention in entities[paper].mentions:
            if mention.relation == INTRODUCES:
                continue
            for target in introducers.get(mention.key, ()):
                if target == paper or (paper, target) in citations:
                    continue
                if _future(published.get(paper), published.get(target)):
                    continue
                citations[(paper, target)] = MentionCitation(
                    paper, target, mention.key, mention.sentence
                )
    return sorted(citations.values(), key=lambda c: (c.source, c.target))


def _future(citing: date | None, cited: date | None) -> bool:
    return citing is not None and cited is not None and cited > citing


def introducers_of(entities: Mapping[str, PaperEntities]) -> dict[str, Sequence[str]]:
    """Entity key -> the papers that introduce it."""
    found: dict[str, list[str]] = {}
    for paper in sorted(entities):
        for key in sorted(entities[paper].introduced()):
            found.setdefault(key, []).append(paper)
    return found


@dataclass(frozen=True)
class MetadataCitation:
    """``source`` cites ``target`` according to a metadata source's reference list."""

    source: str
    target: str
    origin: str


def metadata_citations(papers: Sequence[Paper]) -> list[MetadataCitation]:
    """Citations between papers of the corpus, from reference lists and cited-by lists
    (Semantic Scholar, OpenAlex), matched by any identity key. References to works outside
    the corpus are dropped; never a paper to itself."""
    owner: dict[str, str] = {}
    for paper in papers:
        for key in identity_keys(paper):
            owner.setdefault(key, paper.id)
    found: set[tuple[str, str, str]] = set()
    for paper in papers:
        for origin, key in paper.references:
            target = owner.get(key)
            if target and target != paper.id:
                found.add((paper.id, target, origin))
        for origin, key in paper.cited_by:
            citing = owner.get(key)
            if citing and citing != paper.id:
                found.add((citing, paper.id, origin))
    return [MetadataCitation(*item) for item in sorted(found)]
