"""Running entity, link and citation extraction over a whole corpus of papers.

Curated sources (Papers with Code) join in here: the methods a paper's record lists, and the
catalogue entries (``EntityRecord``) of methods and datasets, keyed like text mentions
(``Gazetteer.key_of``) so one name is one node whoever names it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from paperkg.graph.extract.aliases import Abbreviation, canonical_key
from paperkg.graph.extract.cache import (
    CachedPaper,
    ExtractionCache,
    cache_version,
    folded_text,
    stale,
    text_key,
)
from paperkg.graph.extract.citations import (
    MentionCitation,
    MetadataCitation,
    mention_citations,
    metadata_citations,
)
from paperkg.graph.extract.confidence import CONFIDENCE, DEFAULT_MIN_CONFIDENCE, Basis
from paperkg.graph.extract.entities import (
    EntityMention,
    PaperEntities,
    Reading,
    corpus_names,
    entities_of,
    read_paper,
)
from paperkg.graph.extract.gazetteer import KINDS, Gazetteer
from paperkg.graph.extract.names import name_shaped
from paperkg.graph.extract.normalize import fold, title_key
from paperkg.graph.extract.urls import Link, Repo, classify_url, find_links, web_url
from paperkg.graph.papers import Paper
from paperkg.graph.schema import RelType
from paperkg.loaders.records import EntityRecord

__all__ = ["CodeSource", "CuratedEntity", "Extraction", "extract_corpus"]

#: ``source`` of what Papers with Code says, and of what the title and abstract say.
PWC, TEXT = "pwc", "text"


@dataclass(frozen=True)
class CuratedEntity:
    """What a curated source says about a method or dataset of the graph."""

    name: str
    kind: str
    full_name: str | None = None
    description: str | None = None
    url: str | None = None
    homepage: str | None = None
    source: str = PWC

    def filled_from(self, other: CuratedEntity) -> CuratedEntity:
        """This entry with its empty fields taken from ``other`` (name and kind stay)."""
        return replace(
            self,
            full_name=self.full_name or other.full_name,
            description=self.description or other.description,
            url=self.url or other.url,
            homepage=self.homepage or other.homepage,
        )


@dataclass(frozen=True)
class CodeSource:
    """Who links a paper to a repository: ``pwc`` (with PwC's ``official`` flag), ``text``
    (a URL in the title or abstract) or ``metadata`` (a feed field such as HF githubRepo)."""

    source: str
    official: bool | None = None


@dataclass(frozen=True)
class Extraction:
    """Per paper id: its entities and its links; plus the mention citations between papers.

    ``curated``: entity key -> what Papers with Code says, for every method and dataset of
    the graph it names. ``code``: paper id -> repository URL -> who links it. ``aliases``:
    entity key -> the long forms papers spell its acronym out as ("Masked Autoencoder" for
    MAE), for the node's aliases beside the spellings its mentions use.
    """

    entities: dict[str, PaperEntities]
    links: dict[str, list[Repo | Link]]
    citations: list[MentionCitation]
    metadata_citations: list[MetadataCitation]
    curated: dict[str, CuratedEntity] = field(default_factory=dict)
    code: dict[str, dict[str, CodeSource]] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    #: Each paper's own reading, for the next build's ``extract_corpus`` (``cache.py``).
    cache: ExtractionCache | None = None


def extract_corpus(
    papers: Sequence[Paper],
    gazetteer: Gazetteer,
    progress: Callable[[int, int], None] | None = None,
    catalogue: Sequence[EntityRecord] = (),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    cache: ExtractionCache | None = None,
) -> Extraction:
    """Two passes: collect the names papers introduce, then find every known or introduced
    name in every paper, then infer who cites whom.

    Papers with Code joins in: each paper's ``methods`` are ``USES`` it; a ``catalogue``
    entry naming a corpus paper (by PwC id or folded title) is ``INTRODUCES``d by it, and
    its name is looked for in every paper like other introduced names; entries whose key
    the graph holds anyway describe that node; the others are left out. Mentions whose
    ``confidence`` is below ``min_confidence`` are dropped.
    """
    key_of = lru_cache(maxsize=None)(gazetteer.key_of)
    introductions = _catalogue_introductions(papers, catalogue, key_of)
    wanted = cache_version(gazetteer)
    held = cache.papers if cache is not None and cache.version == wanted else {}
    keys = {paper.id: text_key(paper.title, paper.abstract) for paper in papers}
    texts = {keys[paper.id]: (paper.title, paper.abstract) for paper in papers}
    readings: dict[str, Reading] = {}
    reused: dict[str, CachedPaper] = {}
    for paper in papers:
        key = keys[paper.id]
        if key in held:
            reused[key] = held[key]
        elif key not in readings:
            readings[key] = read_paper(paper.title, paper.abstract)
    own = [readings[k] if k in readings else reused[k] for k in (keys[p.id] for p in papers)]
    introduced: dict[str, tuple[str, str]] = {}
    for item in own:
        for name, kind, _sentence in item.introduced:
            key = key_of(name)
            if key not in gazetteer.entries:
                introduced.setdefault(key, (name, kind))
    for _paper, key, entry in introductions:
        if key not in gazetteer.entries:
            introduced.setdefault(key, (entry.name, entry.kind))
    aliases, generic, spellings = _abbreviation_aliases(
        (item.pairs for item in own), gazetteer, set(introduced)
    )
    corpus = corpus_names(introduced.values(), generic)
    if cache is not None and held:
        for key in stale(cache, tuple(introduced.values()), corpus.generic) & reused.keys():
            del reused[key]
            readings[key] = read_paper(*texts[key])
    found: dict[str, CachedPaper] = {}
    for done, (key, reading) in enumerate(readings.items(), start=1):
        title, abstract = texts[key]
        found[key] = CachedPaper(
            reading.pairs,
            reading.introduced,
            tuple(entities_of(reading, gazetteer, corpus).mentions),
            tuple(find_links(f"{title}\n{abstract}")),
            folded_text(reading),
        )
        if progress is not None and (done % 200 == 0 or done == len(readings)):
            progress(done, len(readings))
    found.update(reused)
    entities: dict[str, PaperEntities] = {}
    links: dict[str, list[Repo | Link]] = {}
    code: dict[str, dict[str, CodeSource]] = {}
    for paper in papers:
        cached = found[keys[paper.id]]
        entities[paper.id] = PaperEntities(list(cached.mentions))
        named = [classify_url(url) for url in map(web_url, paper.repos) if url]
        links[paper.id] = list({item.url: item for item in [*cached.links, *named]}.values())
        code[paper.id] = _code_sources(paper, cached.links, links[paper.id])
    curated = _add_curated(papers, entities, catalogue, introductions, key_of)
    _merge_aliases(entities, aliases)
    _settle_kinds(entities, gazetteer, {key: (c.kind, c.name) for key, c in curated.items()})
    for kept in entities.values():
        kept.mentions = [m for m in kept.mentions if m.confidence >= min_confidence]
    published = {paper.id: paper.published for paper in papers}
    # Mention citations need a sentence of the citing paper: a use only PwC lists has none.
    evidenced = {
        paper: PaperEntities(
            [m for m in found.mentions if m.relation == RelType.INTRODUCES or m.sentence]
        )
        for paper, found in entities.items()
    }
    return Extraction(
        entities,
        links,
        mention_citations(evidenced, published),
        metadata_citations(papers),
        curated,
        code,
        _spelled_out(spellings, aliases, entities),
        ExtractionCache(
            wanted,
            tuple(introduced.values()),
            corpus.generic,
            {keys[paper.id]: found[keys[paper.id]] for paper in papers},
        ),
    )


def _abbreviation_aliases(
    pairs_of: Iterable[tuple[tuple[Abbreviation, ...], ...]],
    gazetteer: Gazetteer,
    introduced: set[str],
) -> tuple[dict[str, str], set[str], dict[str, set[str]]]:
    """What the corpus's spelled-out acronyms say: which keys name one entity (acronym ->
    the gazetteer's entry for its long form, or long form -> acronym), which acronyms
    abbreviate ordinary words ("image-text retrieval (ITR)"): not names, unless a paper
    introduces them or the gazetteer knows them; and each pair's spellings by key."""
    aliases: dict[str, str] = {}
    # acronym -> papers writing it out as a name minus papers writing it out as plain words
    named: Counter[str] = Counter()
    spellings: dict[str, set[str]] = {}
    for paper_pairs in pairs_of:
        for pairs in paper_pairs:
            for pair in pairs:
                short = canonical_key(pair.short, gazetteer)
                long = canonical_key(pair.long, gazetteer)
                if pair.named or long in gazetteer.entries or short in gazetteer.entries:
                    spellings.setdefault(short, set()).add(" ".join(pair.long.split()))
                    spellings.setdefault(long, set()).add(pair.short)
                if long in gazetteer.entries and short not in gazetteer.entries:
                    aliases.setdefault(short, long)
                elif short in gazetteer.entries or short in introduced:
                    aliases.setdefault(long, short)
                elif re.fullmatch(r"\S+", pair.long) and name_shaped(pair.long):
                    aliases.setdefault(short, long)  # "StackOverflow (SO)": the name is long
                elif pair.named:
                    aliases.setdefault(long, short)
                named[short] += 1 if pair.named else -1
    # an acronym papers write out as plain words at least as often as as a name is, when
    # found by its shape alone, more likely an abbreviation (a paper's own "Full Name
    # (ACR)" still names it there)
    generic = {short for short, votes in named.items() if votes <= 0} - introduced
    return aliases, generic, spellings


def _spelled_out(
    spellings: Mapping[str, set[str]],
    aliases: Mapping[str, str],
    entities: Mapping[str, PaperEntities],
) -> dict[str, list[str]]:
    """Entity key -> the other spellings acronym pairs give it, for the entities the graph
    holds: "BAlaNced averaGing" for BANG, "MAE" and "masked autoencoders" for Masked
    Autoencoder."""
    present = {m.key for found in entities.values() for m in found.mentions}
    found: dict[str, set[str]] = {}
    for key, names in spellings.items():
        target = _resolve(key, aliases)
        if target in present:
            found.setdefault(target, set()).update(names)
    return {key: sorted(names) for key, names in found.items()}


def _merge_aliases(entities: dict[str, PaperEntities], aliases: Mapping[str, str]) -> None:
    """Mentions of one entity under two keys merged under the canonical one, keeping the
    better-founded mention: an acronym and its long form ("MAE", "Masked Autoencoder"), and
    a plural and its singular when the corpus writes both ("SparseFormers")."""
    keys = {mention.key for found in entities.values() for mention in found.mentions}
    plurals = {key: key[:-1] for key in keys if key.endswith("s") and key[:-1] in keys}
    for found in entities.values():
        merged: dict[str, EntityMention] = {}
        for mention in found.mentions:
            key = _resolve(plurals.get(mention.key, mention.key), aliases)
            if key != mention.key:
                mention = replace(mention, key=key)
            held = merged.get(key)
            if held is None or _rank(mention) > _rank(held):
                merged[key] = (
                    mention if held is None else replace(mention, vote=mention.vote + held.vote)
                )
            else:
                merged[key] = replace(held, vote=held.vote + mention.vote)
        found.mentions = list(merged.values())


def _resolve(key: str, aliases: Mapping[str, str]) -> str:
    """The key at the end of ``key``'s alias chain (a -> b -> c is c), cycles cut."""
    seen = {key}
    while key in aliases and aliases[key] not in seen:
        key = aliases[key]
        seen.add(key)
    return key


def _rank(mention: EntityMention) -> tuple[bool, float]:
    """Which of two mentions of one entity in a paper stands: an introduction, then the
    more confident."""
    return (mention.relation == RelType.INTRODUCES, mention.confidence)


def _code_sources(
    paper: Paper, found: Sequence[Repo | Link], linked: Sequence[Repo | Link]
) -> dict[str, CodeSource]:
    """Who links each repository of a paper: PwC first, then the text, else the metadata."""
    official: dict[str, bool] = {}
    for link in paper.code_links:
        url = web_url(link.url)
        if url is None:
            continue
        item = classify_url(url)
        official[item.url] = official.get(item.url, False) or link.official
    in_text = {item.url for item in found}
    sources = {}
    for item in linked:
        if not isinstance(item, Repo):
            continue
        if item.url in official:
            sources[item.url] = CodeSource(PWC, official[item.url])
        else:
            sources[item.url] = CodeSource(TEXT if item.url in in_text else "metadata")
    return sources


def _catalogue_introductions(
    papers: Sequence[Paper], catalogue: Sequence[EntityRecord], key_of: Callable[[str], str]
) -> list[tuple[str, str, EntityRecord]]:
    """``(paper id, entity key, entry)`` for catalogue entries naming a corpus paper as the
    one introducing them: by Papers with Code id, else by folded title."""
    by_pwc = {paper.pwc_id.lower(): paper.id for paper in papers if paper.pwc_id}
    by_title = {title_key(paper.title): paper.id for paper in papers if fold(paper.title)}
    found = []
    for entry in catalogue:
        paper = by_pwc.get((entry.paper_pwc_id or "").lower())
        if paper is None and entry.paper_title and fold(entry.paper_title):
            paper = by_title.get(title_key(entry.paper_title))
        if paper is not None and key_of(entry.name):
            found.append((paper, key_of(entry.name), entry))
    return found


def _add_curated(
    papers: Sequence[Paper],
    entities: dict[str, PaperEntities],
    catalogue: Sequence[EntityRecord],
    introductions: Sequence[tuple[str, str, EntityRecord]],
    key_of: Callable[[str], str],
) -> dict[str, CuratedEntity]:
    """Add the relations PwC gives to ``entities`` and return what it says about every
    entity the graph holds: the papers' ``methods`` (USES), the catalogue's introductions
    (INTRODUCES), and catalogue descriptions of entities present anyway."""
    described: dict[str, CuratedEntity] = {}
    for entry in catalogue:
        key = key_of(entry.name)
        if not key:
            continue
        info = CuratedEntity(
            entry.name,
            entry.kind,
            entry.full_name,
            entry.description,
            _web(entry.url),
            _web(entry.homepage),
        )
        described[key] = described[key].filled_from(info) if key in described else info
    curated: dict[str, CuratedEntity] = {}
    for paper in papers:
        for name in paper.methods:
            key = key_of(name)
            if key:
                curated.setdefault(key, described.get(key) or CuratedEntity(name, "method"))
                _add_mention(
                    entities[paper.id], EntityMention(key, name, "method", RelType.USES, "")
                )
    for paper_id, key, entry in introductions:
        curated.setdefault(key, described[key])
        _add_mention(
            entities[paper_id], EntityMention(key, entry.name, entry.kind, RelType.INTRODUCES, "")
        )
    present = {m.key for found in entities.values() for m in found.mentions}
    for key, info in described.items():
        if key in present:
            curated[key] = curated[key].filled_from(info) if key in curated else info
    return curated


def _add_mention(found: PaperEntities, mention: EntityMention) -> None:
    """A relation PwC gives: marks the text's mention of the same entity (keeping its
    evidence), turns a text use into the introduction PwC names, or is added."""
    confidence = CONFIDENCE[Basis.CURATED]
    mention = replace(mention, source=PWC, basis=Basis.CURATED, confidence=confidence)
    for index, existing in enumerate(found.mentions):
        if existing.key != mention.key:
            continue
        relation = mention.relation
        if relation != RelType.INTRODUCES and existing.relation == RelType.INTRODUCES:
            return  # the text's introduction stands
        found.mentions[index] = replace(
            existing,
            relation=RelType.INTRODUCES if relation == RelType.INTRODUCES else existing.relation,
            source=PWC,
            basis=Basis.CURATED,
            confidence=confidence,
        )
        return
    found.mentions.append(mention)


def _settle_kinds(
    entities: dict[str, PaperEntities],
    gazetteer: Gazetteer,
    curated: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """One kind and one display name per entity key across the corpus: the gazetteer's when
    the name is known, else the curated source's (``curated``: key -> kind, name), else the
    introducing paper's, else the kind most papers suggest."""
    curated = curated or {}
    votes: Counter[str] = Counter()
    names: dict[str, str] = {}
    for paper in sorted(entities):
        for mention in entities[paper].mentions:
            if mention.relation == RelType.INTRODUCES:
                votes[mention.key] += 100 if mention.kind == "dataset" else -100
            else:
                votes[mention.key] += mention.vote
            if mention.relation == RelType.INTRODUCES or mention.key not in names:
                names.setdefault(mention.key, mention.name)
    settled: dict[str, tuple[str, str, bool]] = {}
    for key in names:
        known = gazetteer.entries.get(key)
        if known is not None:
            settled[key] = (known.kind, known.name, True)
        elif key in curated:
            settled[key] = (*curated[key], False)
        else:
            settled[key] = ("dataset" if votes[key] > 0 else "method", names[key], False)
    for found in entities.values():
        # a name the gazetteer knows as a metric, hardware or software is no node
        found.mentions = [m for m in found.mentions if settled[m.key][0] in KINDS]
        for index, mention in enumerate(found.mentions):
            kind, name, in_gazetteer = settled[mention.key]
            relation = mention.relation
            if relation != RelType.INTRODUCES:
                relation = RelType.EVALUATES_ON if kind == "dataset" else RelType.USES
            found.mentions[index] = replace(
                mention, kind=kind, name=name, relation=relation, known=in_gazetteer
            )


def _web(url: str | None) -> str | None:
    """A catalogue's page or home-page URL when it is a web address, else nothing."""
    return web_url(url) if url else None
