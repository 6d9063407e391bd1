"""Input loaders: one module per source format, each yielding ``PaperRecord``s."""

from paperkg.loaders.filters import RecordFilter
from paperkg.loaders.records import PaperRecord
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
    "InputFile",
    "LoadResult",
    "PaperRecord",
    "RecordFilter",
    "detect_format",
    "expand_sources",
    "load_sources",
]
