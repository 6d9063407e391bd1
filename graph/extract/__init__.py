"""Reading papers' text: normalisation, the gazetteer, entity mentions, URLs and code links,
citations from mentions and metadata."""

from paperkg.graph.extract.citations import (
    ExternalWork,
    MentionCitation,
    MetadataCitation,
    external_citations,
    introducers_of,
    mention_citations,
    metadata_citations,
)
from paperkg.graph.extract.entities import (
    EVIDENCE_CHARS,
    EntityMention,
    PaperEntities,
    evidence_window,
    extract_entities,
    introduced_names,
    sentences,
)
from paperkg.graph.extract.extraction import (
    CodeSource,
    CuratedEntity,
    Extraction,
    extract_corpus,
)
from paperkg.graph.extract.gazetteer import (
    Gazetteer,
    GazetteerEntry,
    Match,
    entity_key,
    load_gazetteer,
)
from paperkg.graph.extract.normalize import (
    fold,
    latin_look_alikes,
    match_text,
    title_key,
)
from paperkg.graph.extract.urls import (
    CODE_HOSTS,
    Link,
    Repo,
    classify_url,
    clean_url,
    find_links,
    is_web_url,
    web_url,
)

__all__ = [
    "CODE_HOSTS",
    "EVIDENCE_CHARS",
    "CodeSource",
    "CuratedEntity",
    "EntityMention",
    "ExternalWork",
    "Extraction",
    "Gazetteer",
    "GazetteerEntry",
    "Link",
    "Match",
    "MentionCitation",
    "MetadataCitation",
    "PaperEntities",
    "Repo",
    "classify_url",
    "clean_url",
    "entity_key",
    "evidence_window",
    "external_citations",
    "extract_corpus",
    "extract_entities",
    "find_links",
    "fold",
    "introduced_names",
    "introducers_of",
    "is_web_url",
    "latin_look_alikes",
    "load_gazetteer",
    "match_text",
    "mention_citations",
    "metadata_citations",
    "sentences",
    "title_key",
    "web_url",
]
