"""The record every loader yields: one paper as one input saw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["PaperRecord"]


@dataclass(frozen=True)
class PaperRecord:
    """One paper from one place in one input file.

    ``path`` and ``line`` say where it came from, so errors and provenance can point there.
    ``listed`` is the date text of the page it was listed on (``"Mar 17"``), kept raw because
    listing pages omit the year; ``published`` is set only when a full date is known.
    """

    title: str
    abstract: str
    path: str
    line: int
    listed: str | None = None
    published: date | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = field(default_factory=tuple)
    #: Code or model repositories the source names outright (not found in the text).
    repos: tuple[str, ...] = field(default_factory=tuple)
    #: Subject labels from the source: arXiv categories, AI keywords.
    keywords: tuple[str, ...] = field(default_factory=tuple)
    s2_id: str | None = None
    openalex_id: str | None = None
    #: Identity keys (``arxiv:…``, ``doi:…``, ``s2:…``, ``openalex:…``) of works this paper
    #: cites, and of works citing it, as the metadata source lists them.
    references: tuple[str, ...] = field(default_factory=tuple)
    cited_by: tuple[str, ...] = field(default_factory=tuple)
    #: Name of the metadata source the references come from (``semantic_scholar``, ``openalex``).
    citation_source: str | None = None

    @property
    def source(self) -> str:
        """``path:line``, the provenance string stored on graph nodes."""
        return f"{self.path}:{self.line}"
