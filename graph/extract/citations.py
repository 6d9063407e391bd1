"""Citations inferred from mentions: A mentions a method or dataset that B introduces."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from paperkg.graph.extract.entities import PaperEntities
from paperkg.graph.papers import Paper, identity_keys
from paperkg.graph.schema import RelType
from paperkg.loaders.records import WorkRef

__all__ = [
    "ExternalWork",
    "MentionCitation",
    "MetadataCitation",
    "external_citations",
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
            if mention.relation == RelType.INTRODUCES:
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


def introducers_of(entities: Mapping[str, PaperEntities]) -> dict[str, list[str]]:
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


def _owners(papers: Sequence[Paper]) -> dict[str, str]:
    owner: dict[str, str] = {}
    for paper in papers:
        for key in identity_keys(paper):
            owner.setdefault(key, paper.id)
    return owner


def _resolve(work: WorkRef, owner: Mapping[str, str]) -> str | None:
    return next((owner[key] for key in work.keys if key in owner), None)


def _listed(papers: Sequence[Paper]) -> Iterator[tuple[str, str, WorkRef, bool]]:
    """``(paper id, origin, work, cites)`` per reference (``cites``) or cited-by entry."""
    for paper in papers:
        for origin, work in paper.references:
            yield paper.id, origin, work, True
        for origin, work in paper.cited_by:
            yield paper.id, origin, work, False


def metadata_citations(papers: Sequence[Paper]) -> list[MetadataCitation]:
    """Citations between papers of the corpus, from reference lists and cited-by lists
    (Semantic Scholar, OpenAlex), matched by any identity key. References to works outside
    the corpus are dropped here (see ``external_citations``); never a paper to itself."""
    owner = _owners(papers)
    found: set[tuple[str, str, str]] = set()
    for paper, origin, work, cites in _listed(papers):
        other = _resolve(work, owner)
        if other and other != paper:
            found.add((paper, other, origin) if cites else (other, paper, origin))
    return [MetadataCitation(*item) for item in sorted(found)]


@dataclass(frozen=True)
class ExternalWork:
    """A work outside the corpus that corpus papers cite or are cited by: a stub node."""

    id: str
    keys: tuple[str, ...]
    title: str | None


#: Which identity key names a stub, best first (the same order paper ids use).
_ID_SCHEMES = ("arxiv", "doi", "s2", "openalex")


def external_citations(
    papers: Sequence[Paper],
) -> tuple[list[ExternalWork], list[MetadataCitation]]:
    """Works outside the corpus named in reference and cited-by lists, and the citations
    linking them to corpus papers. Entries sharing any key are one work, so an S2 reference
    and an OpenAlex one to the same DOI give one stub."""
    owner = _owners(papers)
    outside = [
        (paper, origin, work, cites)
        for paper, origin, work, cites in _listed(papers)
        if _resolve(work, owner) is None
    ]
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for _paper, _origin, work, _cites in outside:
        for key in work.keys[1:]:
            a, b = find(work.keys[0]), find(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, tuple[set[str], list[str]]] = {}
    for _paper, _origin, work, _cites in outside:
        keys, titles = groups.setdefault(find(work.keys[0]), (set(), []))
        keys.update(work.keys)
        if work.title:
            titles.append(work.title)
    stub_of: dict[str, str] = {}
    works: list[ExternalWork] = []
    for root, (keys, titles) in sorted(groups.items()):
        ranked = sorted(keys, key=lambda k: (_scheme_rank(k), k))
        works.append(ExternalWork(ranked[0], tuple(ranked), titles[0] if titles else None))
        stub_of[root] = ranked[0]
    found: set[tuple[str, str, str]] = set()
    for paper, origin, work, cites in outside:
        stub = stub_of[find(work.keys[0])]
        found.add((paper, stub, origin) if cites else (stub, paper, origin))
    works.sort(key=lambda work: work.id)
    return works, [MetadataCitation(*item) for item in sorted(found)]


def _scheme_rank(key: str) -> int:
    scheme = key.split(":", 1)[0]
    return _ID_SCHEMES.index(scheme) if scheme in _ID_SCHEMES else len(_ID_SCHEMES)
