"""Input loaders: one module per source format, each yielding ``PaperRecord``s (and, for
curated catalogues, ``EntityRecord``s); a source with an API holds its fetcher too, over the
shared request path of :mod:`paperkg.loaders.http` (httpx, the ``fetch`` extra, is needed only
to fetch)."""

from paperkg.loaders.arxiv_jsonl import fetch_arxiv
from paperkg.loaders.filters import RecordFilter
from paperkg.loaders.hf_daily import fetch_hf_daily
from paperkg.loaders.http import FetchConfig, Pacer, make_client
from paperkg.loaders.openalex import fetch_openalex
from paperkg.loaders.records import CodeLink, EntityRecord, PaperRecord, WorkRef
from paperkg.loaders.semantic_scholar import fetch_s2
from paperkg.loaders.sources import (
    FORMATS,
    InputFile,
    LoadResult,
    detect_format,
    expand_sources,
    load_sources,
)

__all__ = [
    "FORMATS",
    "CodeLink",
    "EntityRecord",
    "FetchConfig",
    "InputFile",
    "LoadResult",
    "Pacer",
    "PaperRecord",
    "RecordFilter",
    "WorkRef",
    "detect_format",
    "expand_sources",
    "fetch_arxiv",
    "fetch_hf_daily",
    "fetch_openalex",
    "fetch_s2",
    "load_sources",
    "make_client",
]
