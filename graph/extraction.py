"""Running entity, link and citation extraction over a whole corpus of papers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from paperkg.graph.citations import (
    MentionCitation,
    MetadataCitation,
    mention_citations,
    metadata_citations,
)
from paperkg.graph.entities import (
    EVALUATES_ON,
    INTRODUCES,
    USES,
    PaperEntities,
    corpus_gazetteer,
    extract_entities,
    introduced_names,
)
from paperkg.graph.gazetteer import Gazetteer
from paperkg.graph.papers import Paper
from paperkg.graph.urls import Link, Repo, classify_url, clean_url, find_links

__all__ = ["Extraction", "extract_corpus"]


@dataclass(frozen=True)
class Extraction:
    """Per paper id: its entities and its links; plus the mention citations between papers."""

    entities: dict[str, PaperEntities]
    links: dict[str, list[Repo | Link]]
    citations: list[MentionCitation]
    metadata_citations: list[MetadataCitation]


def extract_corpus(
    papers: Sequence[Paper],
    gazetteer: Gazetteer,
    progress: Callable[[int, int], None] | None = None,
) -> Extraction:
    """Two passes: collect the names papers introduce, then find every known or introduced
    name in every paper, then infer who cites whom."""
    introduced: dict[str, tuple[str, str]] = {}
    for paper in papers:
        for name, kind, _sentence in introduced_names(paper.title, paper.abstract):
            key = gazetteer.key_of(name)
            if key not in gazetteer.entries:
                introduced.setdefault(key, (name, kind))
    corpus = corpus_gazetteer(introduced.values())
    entities: dict[str, PaperEntities] = {}
    links: dict[str, list[Repo | Link]] = {}
    for done, paper in enumerate(papers, start=1):
        entities[paper.id] = extract_entities(paper.title, paper.abstract, gazetteer, corpus)
        found = find_links(f"{paper.title}\n{paper.abstract}")
        named = [classify_url(clean_url(url)) for url in paper.repos]
        links[paper.id] = list({item.url: item for item in [*found, *named]}.values())
        if progress is not None and (done % 200 == 0 or done == len(papers)):
            progress(done, len(papers))
    _settle_kinds(entities, gazetteer)
    published = {paper.id: paper.published for paper in papers}
    return Extraction(
        entities, links, mention_citations(entities, published), metadata_citations(papers)
    )


def _settle_kinds(entities: dict[str, PaperEntities], gazetteer: Gazetteer) -> None:
    """One kind and one display name per entity key across the corpus: the gazetteer's when
    the name is known, else the introducing paper's, else the kind most papers suggest."""
    votes: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for paper in sorted(entities):
        for mention in entities[paper].mentions:
            weight = 100 if mention.relation == INTRODUCES else 1
            votes.setdefault(mention.key, Counter())[mention.kind] += weight
            if mention.relation == INTRODUCES or mention.key not in names:
                names.setdefault(mention.key, mention.name)
    settled: dict[str, tuple[str, str, bool]] = {}
    for key, counter in votes.items():
        known = gazetteer.entries.get(key)
        if known is not None:
            settled[key] = (known.kind, known.name, True)
        else:
            kind = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            settled[key] = (kind, names[key], False)
    for found in entities.values():
        for index, mention in enumerate(found.mentions):
            kind, name, known = settled[mention.key]
            relation = mention.relation
            if relation != INTRODUCES:
                relation = EVALUATES_ON if kind == "dataset" else USES
            found.mentions[index] = replace(
                mention, kind=kind, name=name, relation=relation, known=known
            )
