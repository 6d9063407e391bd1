"""Input loaders: one module per source format, each yielding ``PaperRecord``s (and, for
curated catalogues, ``EntityRecord``s)."""

from paperkg.loaders.filters import RecordFilter
from paperkg.loaders.records import CodeLink, EntityRecord, PaperRecord, WorkRef
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
    "InputFile",
    "LoadResult",
    "PaperRecord",
    "RecordFilter",
    "WorkRef",
    "detect_format",
    "expand_sources",
    "load_sources",
]
