"""Citations inferred from mentions: A mentions a method or dataset that B introduces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from paperkg.graph.entities import INTRODUCES, PaperEntities

__all__ = ["MentionCitation", "introducers_of", "mention_citations"]


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
