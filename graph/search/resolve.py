"""One resolver for every way a user names a paper: its node id, an arXiv id or URL, a DOI
(bare, ``doi:`` or a doi.org URL), its URL, its title, the short name before a title's colon
(``ELECTRA`` of "ELECTRA: Pre-training ..."), or a fragment of the title no other paper has.

It works on plain :class:`PaperRecord` values, so the same rules serve a snapshot's graph
(:meth:`PaperResolver.of_graph`) and candidates fetched from Neo4j
(``paperkg.queries.papers``). Every answer says how the reference was read
(:class:`Resolution`); a reference several papers fit raises
:class:`~paperkg.errors.AmbiguousError` listing them.

Two entry points, because two kinds of command read references:

- :meth:`PaperResolver.resolve` (``paper``, ``view paper``, query packs): the text must name
  one paper; any unique title fragment does.
- :meth:`PaperResolver.read_query` (``similar``, ``search``): the text may be free text to
  search. Only what unmistakably names a paper is read as one (id, arXiv id, DOI, URL,
  exact title, short name); anything else, fragments of titles included, is text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

import networkx as nx

from paperkg.errors import AmbiguousError, NotFoundError, ParameterError
from paperkg.graph.extract.normalize import fold
from paperkg.graph.model import papers_of

__all__ = [
    "MAX_CANDIDATES",
    "How",
    "PaperRecord",
    "PaperResolver",
    "QueryReading",
    "Resolution",
    "TextQuery",
    "arxiv_key",
    "doi_key",
    "short_name",
]

#: How a reference was read: as a node id, an arXiv id or URL, a DOI, the paper's URL,
#: its exact title, the short name before its title's colon, or a unique title fragment.
How = Literal["id", "arxiv", "doi", "url", "title", "short name", "fragment"]
#: How many candidates an ambiguity error lists (it also says how many there are).
MAX_CANDIDATES = 10

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<rest>.+?)(?:\.pdf)?/?",
    re.IGNORECASE,
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_DESCRIBE: dict[str, str] = {
    "id": "its id",
    "arxiv": "its arXiv id",
    "doi": "its DOI",
    "url": "its URL",
    "title": "its title",
    "short name": "its short name",
    "fragment": "the only title containing it",
}


def arxiv_key(text: str | None) -> str | None:
    """The arXiv id ``text`` gives, lower-case and without its version, or None: a bare id
    (``2401.01234v2``, ``hep-th/9901001``), ``arXiv:`` one, or an abs/pdf URL.

    >>> arxiv_key("https://arxiv.org/pdf/2401.01234v3.pdf"), arxiv_key("arXiv:hep-th/9901001")
    ('2401.01234', 'hep-th/9901001')
    """
    if not text:
        return None
    text = text.strip()
    url = _ARXIV_URL.fullmatch(text)
    if url is not None:
        text = url["rest"]
    elif text[:6].lower() == "arxiv:":
        text = text[6:].strip()
    found = _ARXIV_ID.fullmatch(text)
    return found["id"].lower() if found else None


def doi_key(text: str | None) -> str | None:
    """The DOI ``text`` gives, lower-case (DOIs ignore case), or None: bare
    (``10.1000/xyz``), ``doi:`` prefixed, or a (dx.)doi.org URL.

    >>> doi_key("https://doi.org/10.1000/ABC%20D"), doi_key("doi:10.1000/x")
    ('10.1000/abc d', '10.1000/x')
    """
    if not text:
        return None
    text = _DOI_PREFIX.sub("", text.strip())
    text = unquote(text) if "%" in text else text
    return text.lower() if _DOI.fullmatch(text.replace(" ", "_")) else None


def _url_key(text: str) -> str:
    """A URL compared without scheme, ``www.``, case or trailing slash."""
    return _URL.sub("", text.strip()).rstrip("/").lower()


def _looks_like_url(text: str) -> bool:
    lowered = text.strip().lower()
    return lowered.startswith(("http://", "https://", "www.")) and " " not in lowered


def short_name(title: str) -> str | None:
    """The folded part of ``title`` before its first colon ("NAME: subtitle"), or None."""
    head, colon, _rest = title.partition(":")
    name = fold(head)
    return name if colon and name else None


@dataclass(frozen=True)
class PaperRecord:
    """What the resolver knows of a paper: its node id, title and external ids."""

    id: str
    title: str
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None

    @classmethod
    def of(cls, node: str, data: Mapping[str, Any]) -> PaperRecord:
        """The record of a paper node ``node`` with properties ``data``."""

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        return cls(node, str(data.get("title") or ""), text("arxiv_id"), text("doi"), text("url"))


@dataclass(frozen=True)
class Resolution:
    """A reference read as one paper: its ``id`` and ``title``, the ``query`` as given, and
    ``how`` it was read (:data:`How`)."""

    id: str
    title: str
    how: How
    query: str

    @property
    def is_paper(self) -> bool:
        return True

    def describe(self) -> str:
        """One line for the user: ``"electra" read as the paper "ELECTRA: ..." (its short
        name)``."""
        return (
            f"{_quoted(self.query)} read as the paper {_quoted(self.title)} ({_DESCRIBE[self.how]})"
        )


@dataclass(frozen=True)
class TextQuery:
    """A query read as text to search (no paper is named by it)."""

    text: str

    @property
    def is_paper(self) -> bool:
        return False

    def describe(self) -> str:
        return f"{_quoted(self.text)} searched as text"


#: What :meth:`PaperResolver.read_query` makes of a query.
QueryReading = Resolution | TextQuery


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


class PaperResolver:
    """Papers indexed by every name a reference may use. Build one per snapshot (or per
    Neo4j candidate set) and ask it many times."""

    def __init__(self, records: Iterable[PaperRecord]) -> None:
        self.records: dict[str, PaperRecord] = {}
        self._arxiv: dict[str, list[str]] = {}
        self._doi: dict[str, list[str]] = {}
        self._url: dict[str, list[str]] = {}
        self._title: dict[str, list[str]] = {}
        self._short: dict[str, list[str]] = {}
        self._folded: list[tuple[str, str]] = []
        for record in records:
            if record.id in self.records:
                continue
            self.records[record.id] = record
            folded = fold(record.title)
            self._folded.append((record.id, folded))
            _add(self._title, folded, record.id)
            _add(self._short, short_name(record.title), record.id)
            _add(self._url, _url_key(record.url) if record.url else None, record.id)
            for arxiv in {arxiv_key(record.arxiv_id), _id_key(record.id, "arxiv:", arxiv_key)}:
                _add(self._arxiv, arxiv, record.id)
            for doi in {doi_key(record.doi), _id_key(record.id, "doi:", doi_key)}:
                _add(self._doi, doi, record.id)

    @classmethod
    def of_graph(cls, graph: nx.MultiDiGraph[str]) -> PaperResolver:
        """The papers of a snapshot's graph (stubs of outside works are no papers)."""
        return cls(PaperRecord.of(node, data) for node, data in papers_of(graph))

    def resolve(self, ref: str) -> Resolution:
        """The one paper ``ref`` names; a title fragment does too when no other title
        holds it (one title starting with it among several holding it is still ambiguous:
        "Diffusion" names none of the twelve papers about diffusion).

        Raises ``AmbiguousError`` listing the candidates when several papers fit, and
        ``NotFoundError`` when none does."""
        query = _check(ref)
        found = self._named(query)
        if found is not None:
            return found
        wanted = fold(query)
        partial = [node for node, title in self._folded if wanted and wanted in title]
        if len(partial) == 1:
            return self._resolution(partial[0], "fragment", query)
        if partial:
            raise self._ambiguous(query, partial, "papers have it in their title")
        raise NotFoundError(
            f"no paper matches {query!r}: give its id, arXiv id, DOI, title or a part of the title"
        )

    def read_query(self, text: str, *, as_text: bool = False) -> QueryReading:
        """``text`` read as a paper when it names one unmistakably (id, arXiv id, DOI, URL,
        exact title, short name), else as text to search; ``as_text`` forces text.

        A short name several titles share raises ``AmbiguousError``; an arXiv id or DOI no
        paper has raises ``NotFoundError``."""
        query = _check(text)
        if as_text:
            return TextQuery(query)
        found = self._named(query)
        return found if found is not None else TextQuery(query)

    def _named(self, query: str) -> Resolution | None:
        """The paper ``query`` names by id, arXiv id, DOI, URL, title or short name; None
        when it names none of these ways."""
        record = self.records.get(query)
        if record is not None:
            return self._resolution(record.id, "id", query)
        arxiv = arxiv_key(query)
        if arxiv is not None:
            return self._one(self._arxiv.get(arxiv), "arxiv", query, f"the arXiv id {arxiv}")
        doi = doi_key(query)
        if doi is not None:
            return self._one(self._doi.get(doi), "doi", query, f"the DOI {doi}")
        if _looks_like_url(query):
            by_url = self._url.get(_url_key(query))
            if by_url:
                return self._one(by_url, "url", query, "that URL")
        folded = fold(query)
        tables: tuple[tuple[How, dict[str, list[str]]], ...] = (
            ("title", self._title),
            ("short name", self._short),
        )
        for how, table in tables:
            nodes = table.get(folded)
            if nodes:
                return self._one(nodes, how, query, "")
        return None

    def _one(self, nodes: list[str] | None, how: How, query: str, what: str) -> Resolution:
        if not nodes:
            raise NotFoundError(
                f"no paper has {what} (from {query!r}); check it, or give the paper's title"
            )
        if len(nodes) > 1:
            reason = {"short name": "papers have this short name"}.get(how, f"papers have {how}")
            raise self._ambiguous(query, nodes, reason)
        return self._resolution(nodes[0], how, query)

    def _resolution(self, node: str, how: How, query: str) -> Resolution:
        return Resolution(node, self.records[node].title, how, query)

    def _ambiguous(self, query: str, nodes: list[str], reason: str) -> AmbiguousError:
        ordered = sorted(nodes, key=lambda n: (fold(self.records[n].title), n))
        shown = [(n, self.records[n].title) for n in ordered[:MAX_CANDIDATES]]
        listed = "; ".join(f"{_quoted(title, 70)} ({node})" for node, title in shown)
        more = f"; and {len(nodes) - len(shown)} more" if len(nodes) > len(shown) else ""
        return AmbiguousError(
            f"{query!r} is ambiguous: {len(nodes)} {reason}: {listed}{more}; give more of the "
            "title or one of these ids",
            candidates=shown,
            total=len(nodes),
        )


def _check(text: str) -> str:
    query = text.strip()
    if not query:
        raise ParameterError("the paper reference is empty: give an id, arXiv id, DOI or title")
    return query


def _add(table: dict[str, list[str]], key: str | None, node: str) -> None:
    if key:
        nodes = table.setdefault(key, [])
        if node not in nodes:
            nodes.append(node)


def _id_key(node: str, prefix: str, parse: Any) -> str | None:
    """The external id a node id such as ``arxiv:2401.01234`` carries (parsed by ``parse``)."""
    if node.startswith(prefix):
        value = parse(node[len(prefix) :])
        return value if isinstance(value, str) else None
    return None
