"""The records loaders yield: one paper as one input saw it, and (from curated catalogues
such as Papers with Code) one method or dataset entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["CodeLink", "EntityRecord", "PaperRecord", "WorkRef"]


@dataclass(frozen=True)
class WorkRef:
    """A work named in a reference or cited-by list: every identity key the source gives for
    it (``arxiv:…``, ``doi:…``, ``s2:…``, ``openalex:…``) and its title when given."""

    keys: tuple[str, ...]
    title: str | None = None


@dataclass(frozen=True)
class CodeLink:
    """A code repository a curated source links to a paper, and whether it is the authors'
    own (Papers with Code ``is_official``)."""

    url: str
    official: bool = False


@dataclass(frozen=True)
class PaperRecord:
    """One paper from one place in one input file.

    ``path`` and ``line`` say where it came from, so errors and provenance can point there.
    ``listed`` is the date text of the page it was listed on (``"Mar 17"``), kept raw because
    listing pages omit the year; ``listed_on`` is that listing's full date, and ``date_note``
    says how its year was inferred when the page had none (None: the source gave it).
    ``published`` is the publication date a source gives, never a listing date.
    """

    title: str
    abstract: str
    path: str
    line: int
    listed: str | None = None
    published: date | None = None
    listed_on: date | None = None
    date_note: str | None = None
    #: ``published`` is only a year (January 1 of it): any day-precise date wins over it.
    year_only: bool = False
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
    #: Works this paper cites, and works citing it, as the metadata source lists them.
    references: tuple[WorkRef, ...] = field(default_factory=tuple)
    cited_by: tuple[WorkRef, ...] = field(default_factory=tuple)
    #: Name of the metadata source the references come from (``semantic_scholar``, ``openalex``).
    citation_source: str | None = None
    #: Method names a curated source says the paper uses (Papers with Code ``methods``).
    methods: tuple[str, ...] = field(default_factory=tuple)
    #: Repositories a curated source links to the paper, with their official flag.
    code_links: tuple[CodeLink, ...] = field(default_factory=tuple)
    #: The Papers with Code paper slug (``https://paperswithcode.com/paper/<slug>``).
    pwc_id: str | None = None
    #: The curated source the record comes from (``"pwc"``); None for feeds and metadata.
    origin: str | None = None
    #: True for a record that only annotates a paper known from other records (a row of the
    #: Papers with Code links dump): it never makes a paper on its own.
    annotation: bool = False

    @property
    def source(self) -> str:
        """``path:line``, the provenance string stored on graph nodes."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class EntityRecord:
    """One entry of a curated catalogue of methods or datasets (Papers with Code
    ``methods.json`` and ``datasets.json``, and the method objects of its papers dump).

    Entries do not make nodes on their own: they name the paper that introduced them
    (``paper_title``, ``paper_pwc_id``) and describe entities the corpus links anyway.
    """

    kind: str  # "method" | "dataset"
    name: str
    path: str
    line: int
    full_name: str | None = None
    description: str | None = None
    #: The entry's catalogue page (``https://paperswithcode.com/method/<slug>``).
    url: str | None = None
    #: A dataset's own home page.
    homepage: str | None = None
    paper_title: str | None = None
    paper_pwc_id: str | None = None
    origin: str = "pwc"

    @property
    def source(self) -> str:
        """``path:line``, like ``PaperRecord.source``."""
        return f"{self.path}:{self.line}"
