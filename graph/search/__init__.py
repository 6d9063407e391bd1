"""Finding papers: one resolver for every way a paper is named, the lexical (FTS5) index,
search filters, and the hybrid search fusing lexical and vector rankings."""

from paperkg.graph.search.filters import SearchFilters, paper_date
from paperkg.graph.search.hybrid import (
    HybridSearch,
    Mode,
    SearchHit,
    SearchResult,
    lexical_index,
)
from paperkg.graph.search.lexical import SEARCH_INDEX, LexicalIndex, lexical_query
from paperkg.graph.search.resolve import (
    How,
    PaperRecord,
    PaperResolver,
    QueryReading,
    Resolution,
    TextQuery,
    arxiv_key,
    doi_key,
)

__all__ = [
    "SEARCH_INDEX",
    "How",
    "HybridSearch",
    "LexicalIndex",
    "Mode",
    "PaperRecord",
    "PaperResolver",
    "QueryReading",
    "Resolution",
    "SearchFilters",
    "SearchHit",
    "SearchResult",
    "TextQuery",
    "arxiv_key",
    "doi_key",
    "lexical_index",
    "lexical_query",
    "paper_date",
]
