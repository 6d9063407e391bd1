"""Merging records into papers: one paper, one node, whatever inputs it appears in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from paperkg.graph.extract.normalize import fold, title_key
from paperkg.graph.extract.urls import web_url
from paperkg.graph.snapshot.manifest import Dates, InferredDate
from paperkg.loaders.listing_dates import FROM_ARXIV, year_from_arxiv
from paperkg.loaders.records import CodeLink, PaperRecord, WorkRef

__all__ = [
    "DATE_FROM_LISTING",
    "DATE_FROM_SOURCE",
    "DATE_YEAR_ONLY",
    "Paper",
    "date_sources",
    "identity_keys",
    "merge_records",
    "paper_text",
]

#: ``Paper.date_basis`` of a date a source gives as the publication date.
DATE_FROM_SOURCE = "source"
#: ``Paper.date_basis`` of January 1 of the only year a source gives (any day wins over it).
DATE_YEAR_ONLY = "source, year only"
#: ``Paper.date_basis`` of a full listing date (``"listing, year from ..."`` when inferred).
DATE_FROM_LISTING = "listing"


@dataclass
class Paper:
    """One paper as the graph knows it, merged from every record that names it."""

    id: str
    title: str
    abstract: str
    sources: list[str] = field(default_factory=list)
    listed: str | None = None
    #: A source's publication date, else the paper's first listing date (``date_basis``).
    published: date | None = None
    #: Every full date a feed listed it on, oldest first.
    listed_dates: list[date] = field(default_factory=list)
    #: How ``published`` was found: ``DATE_FROM_SOURCE``, ``DATE_FROM_LISTING``, or
    #: ``"listing, " + `` a ``loaders.listing_dates`` note; None when undated.
    date_basis: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    s2_id: str | None = None
    openalex_id: str | None = None
    #: ``(source, work)`` of works cited, and of works citing this one.
    references: list[tuple[str, WorkRef]] = field(default_factory=list)
    cited_by: list[tuple[str, WorkRef]] = field(default_factory=list)
    #: Method names a curated source (Papers with Code) says the paper uses.
    methods: list[str] = field(default_factory=list)
    #: Repositories a curated source links, one per URL (official when any record says so).
    code_links: list[CodeLink] = field(default_factory=list)
    pwc_id: str | None = None

    @property
    def text(self) -> str:
        """What gets embedded: title and abstract."""
        return paper_text(self.title, self.abstract)


def paper_text(title: str, abstract: str) -> str:
    """Title and abstract joined as one passage for the embedding model."""
    title = title.strip()
    sep = " " if title.endswith((".", "?", "!", ":")) else ". "
    return f"{title}{sep}{abstract.strip()}" if abstract else title


class _Groups:
    """Union-find over record indexes, joined by any identity key they share."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _identity_keys(record: PaperRecord) -> list[str]:
    """Keys that make two records one paper. A title folding to nothing ("???") is a key
    only for a record whose id will be that title's hash (no arXiv id or DOI): records with
    the same id must be one paper, and papers with ids of their own stay apart."""
    titled = bool(fold(record.title)) or not (record.arxiv_id or record.doi)
    keys = [f"title:{title_key(record.title)}"] if titled else []
    if record.arxiv_id:
        keys.append(f"arxiv:{record.arxiv_id.lower()}")
    if record.doi:
        keys.append(f"doi:{record.doi.lower()}")
    if record.s2_id:
        keys.append(f"s2:{record.s2_id.lower()}")
    if record.openalex_id:
        keys.append(f"openalex:{record.openalex_id.lower()}")
    if record.pwc_id:
        keys.append(f"pwc:{record.pwc_id.lower()}")
    return keys


def identity_keys(paper: Paper) -> list[str]:
    """Every key a reference may use to name ``paper``."""
    keys = [f"title:{title_key(paper.title)}"]
    keys += [
        f"{scheme}:{value.lower()}"
        for scheme, value in (
            ("arxiv", paper.arxiv_id),
            ("doi", paper.doi),
            ("s2", paper.s2_id),
            ("openalex", paper.openalex_id),
            ("pwc", paper.pwc_id),
        )
        if value
    ]
    return keys


def merge_records(records: Iterable[PaperRecord]) -> list[Paper]:
    """Group records naming the same paper (folded title, arXiv id, DOI, S2, OpenAlex or
    Papers with Code id) into ``Paper``s.

    Within a group the first title seen is kept for display, the longest abstract wins, the
    earliest full date wins, and every ``path:line`` is kept in ``sources``. The id is
    ``arxiv:<id>``, else ``doi:<doi>``, else ``title:<hash of the folded title>`` (of the
    title as written when it folds to nothing: see ``title_key``). Titles fold with their
    Latin look-alikes, so a title typed with a Cyrillic or Greek letter is the same paper.
    Annotation records (Papers with Code links rows) only add to a paper the other records
    make: they come after them when merging, and a group of annotations alone is dropped.
    Papers come back sorted by id so everything downstream is deterministic.
    """
    records = list(records)
    groups = _Groups(len(records))
    owner: dict[str, int] = {}
    for index, record in enumerate(records):
        for key in _identity_keys(record):
            if key in owner:
                groups.union(owner[key], index)
            else:
                owner[key] = index
    members: dict[int, list[PaperRecord]] = {}
    for index, record in enumerate(records):
        members.setdefault(groups.find(index), []).append(record)
    papers = [
        _merge_group(sorted(group, key=lambda r: r.annotation))
        for group in members.values()
        if not all(r.annotation for r in group)
    ]
    papers.sort(key=lambda paper: paper.id)
    return papers


def _merge_group(group: list[PaperRecord]) -> Paper:
    first = group[0]
    arxiv = next((r.arxiv_id for r in group if r.arxiv_id), None)
    doi = next((r.doi for r in group if r.doi), None)
    if arxiv:
        pid = f"arxiv:{arxiv}"
    elif doi:
        pid = f"doi:{doi.lower()}"
    else:
        pid = f"title:{title_key(first.title)}"
    published, listed_dates, basis = _dates(group, arxiv)
    authors = next((list(r.authors) for r in group if r.authors), [])
    return Paper(
        id=pid,
        title=first.title,
        abstract=max((r.abstract for r in group), key=len),
        sources=sorted({r.source for r in group}),
        listed=next((r.listed for r in group if r.listed), None),
        published=published,
        listed_dates=listed_dates,
        date_basis=basis,
        arxiv_id=arxiv,
        doi=doi,
        url=next((url for r in group if r.url and (url := web_url(r.url))), None),
        authors=authors,
        repos=sorted({repo for r in group for repo in r.repos}),
        keywords=sorted({word for r in group for word in r.keywords}),
        s2_id=next((r.s2_id for r in group if r.s2_id), None),
        openalex_id=next((r.openalex_id for r in group if r.openalex_id), None),
        references=_works(group, "references"),
        cited_by=_works(group, "cited_by"),
        methods=list(dict.fromkeys(name for r in group for name in r.methods)),
        code_links=_code_links(group),
        pwc_id=next((r.pwc_id for r in group if r.pwc_id), None),
    )


def _listing_date(record: PaperRecord, arxiv: str | None) -> tuple[date, str | None] | None:
    """A record's listing date and how its year was inferred; a year guessed from
    ``--year`` or the file's date yields to the paper's arXiv id."""
    if record.listed_on is None:
        return None
    if record.date_note is not None and arxiv and record.listed:
        found = year_from_arxiv(record.listed, arxiv)
        if found is not None:
            return found, FROM_ARXIV
    return record.listed_on, record.date_note


def _dates(
    group: list[PaperRecord], arxiv: str | None
) -> tuple[date | None, list[date], str | None]:
    """``published``, the listing dates and the basis of ``published``: the earliest date
    a source publishes, else the earliest listing, else a year alone (as January 1)."""
    sourced = [r.published for r in group if r.published is not None and not r.year_only]
    years = [r.published for r in group if r.published is not None and r.year_only]
    listings = sorted(
        (found for r in group if (found := _listing_date(r, arxiv)) is not None),
        key=lambda item: (item[0], item[1] is not None),
    )
    listed_dates = sorted({day for day, _note in listings})
    if sourced:
        return min(sourced), listed_dates, DATE_FROM_SOURCE
    if listings:
        day, note = listings[0]
        return day, listed_dates, f"{DATE_FROM_LISTING}, {note}" if note else DATE_FROM_LISTING
    if years:
        return min(years), listed_dates, DATE_YEAR_ONLY
    return None, listed_dates, None


def _code_links(group: list[PaperRecord]) -> list[CodeLink]:
    """One link per repository URL, official when any record says so, sorted by URL."""
    official: dict[str, bool] = {}
    for record in group:
        for link in record.code_links:
            official[link.url] = official.get(link.url, False) or link.official
    return [CodeLink(url, flag) for url, flag in sorted(official.items())]


def _works(group: list[PaperRecord], field_name: str) -> list[tuple[str, WorkRef]]:
    """Every ``(source, work)`` the group's records list, once each, in a stable order."""
    found = {
        (r.citation_source or "metadata", work) for r in group for work in getattr(r, field_name)
    }
    return sorted(found, key=lambda item: (item[0], item[1].keys, item[1].title or ""))


def date_sources(papers: Iterable[Paper], records: Iterable[PaperRecord]) -> Dates:
    """The manifest's account of the dates: papers per ``date_basis`` and each listing
    page's date whose year was inferred (by input, printed date and how), as the merged
    paper took it (an arXiv id overrides a guessed year)."""
    papers = list(papers)
    arxiv = {source: paper.arxiv_id for paper in papers for source in paper.sources}
    basis = Counter(paper.date_basis or "undated" for paper in papers)
    pages: Counter[tuple[str, str, str, str]] = Counter()
    for record in records:
        if record.date_note is None or record.listed is None:
            continue
        found = _listing_date(record, arxiv.get(record.source))
        if found is not None and found[1] is not None:
            pages[(record.path, record.listed, found[0].isoformat(), found[1])] += 1
    return Dates(
        basis=dict(sorted(basis.items())),
        inferred=tuple(
            InferredDate(input=path, listed=listed, date=day, how=how, papers=count)
            for (path, listed, day, how), count in sorted(pages.items())
        ),
    )
