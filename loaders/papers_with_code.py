"""Papers with Code dumps: the JSON arrays (usually ``.json.gz``) the site published until it
was retired in 2025.

- ``papers-with-abstracts.json``: ``paper_url``, ``arxiv_id``, ``title``, ``abstract``,
  ``url_abs``, ``authors``, ``tasks``, ``date`` and ``methods`` (objects with ``name``,
  ``full_name``, ``description``, ``source_title``, ...).
- ``links-between-papers-and-code.json``: ``paper_url``, ``paper_title``, ``paper_arxiv_id``,
  ``paper_url_abs``, ``repo_url``, ``is_official``, ... One row per paper and repository;
  rows only annotate papers other inputs bring (``PaperRecord.annotation``).
- ``methods.json`` and ``datasets.json``: catalogue entries (``url``, ``name``,
  ``full_name``, ``description``, ``paper`` {title, url}, a dataset's ``homepage``), read as
  ``EntityRecord``s.

Each file is parsed whole with :mod:`json` (streaming a single JSON array in constant memory
would need another dependency); a broken entry is an error naming the file and the entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from paperkg.errors import InputError
from paperkg.loaders.json_fields import clean_text, optional_date, required_text
from paperkg.loaders.json_records import json_value
from paperkg.loaders.records import CodeLink, EntityRecord, PaperRecord

__all__ = [
    "DATASETS",
    "LINKS",
    "METHODS",
    "ORIGIN",
    "PAPERS",
    "parse_datasets",
    "parse_links",
    "parse_methods",
    "parse_papers",
    "sniff_datasets",
    "sniff_links",
    "sniff_methods",
    "sniff_papers",
]

PAPERS, LINKS, METHODS, DATASETS = "pwc-papers", "pwc-links", "pwc-methods", "pwc-datasets"
ORIGIN = "pwc"

_SITE = r"https?://(?:www\.)?paperswithcode\.com"
_VERSION = re.compile(r"v\d+$")
_VERSION_ANY_CASE = re.compile(r"(?<=.)v\d+$", re.IGNORECASE)  # never the whole id
#: Where the id of an arXiv abstract or PDF URL starts (it runs to the URL's end).
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)


def _url_key(key: str, kind: str) -> re.Pattern[str]:
    """``"key": "https://paperswithcode.com/<kind>/`` as a key of an object, never inside a
    string (a quote inside a JSON string is always escaped)."""
    return re.compile(rf'"{key}"\s*:\s*"{_SITE}/{kind}/')


_PAPER_URL = _url_key("paper_url", "paper")
_METHOD_URL = _url_key("url", "method")
_DATASET_URL = _url_key("url", "dataset")


def _json(head: str) -> bool:
    return head.lstrip()[:1] in ("[", "{")


def sniff_papers(head: str) -> bool:
    """Entries with a PwC ``paper_url`` and the ``url_abs`` of the papers dump."""
    return _json(head) and bool(_PAPER_URL.search(head)) and '"url_abs"' in head


def sniff_links(head: str) -> bool:
    """Entries with a PwC ``paper_url`` and a ``repo_url``."""
    return _json(head) and bool(_PAPER_URL.search(head)) and '"repo_url"' in head


def sniff_methods(head: str) -> bool:
    return _json(head) and bool(_METHOD_URL.search(head))


def sniff_datasets(head: str) -> bool:
    return _json(head) and bool(_DATASET_URL.search(head))


def _load(text: str, path: str, dump: str) -> list[Any]:
    """A dump's top-level array; anything else is an error naming the file."""
    try:
        data = json_value(text, path)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from exc
    if not isinstance(data, list):
        raise InputError(
            f"expected a JSON array of entries (the Papers with Code {dump} dump), "
            f"got a JSON {type(data).__name__}",
            path=path,
            line=1,
        )
    return data


def _entries(data: list[Any], path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(index, "entry [i]", object)`` for each entry of a dump."""
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(f"entry [{index}]: expected an object", path=path)
        yield index, f"entry [{index}]", item


def _wrong(where: str, key: str, wanted: str, value: Any, path: str) -> InputError:
    return InputError(
        f"{where}: field {key!r} must be {wanted}, got a {type(value).__name__}", path=path
    )


def _text(data: dict[str, Any], key: str, where: str, path: str) -> str | None:
    """A string field, whitespace folded; missing, null or blank is None; another type is an
    error naming the entry."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong(where, key, "a string or null", value, path)
    return clean_text(value) or None


def _strings(data: dict[str, Any], key: str, where: str, path: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(where, key, "a list of strings", value, path)
    return tuple(clean_text(v) for v in value if v.strip())


def _objects(data: dict[str, Any], key: str, where: str, path: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _wrong(where, key, "a list of objects", value, path)
    return value


def _flag(data: dict[str, Any], key: str, where: str, path: str) -> bool:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise _wrong(where, key, "true or false", value, path)
    return bool(value)


def _slug(url: str | None, kind: str) -> str | None:
    """``https://paperswithcode.com/paper/<slug>`` -> ``<slug>``; anything else -> None."""
    if not url:
        return None
    match = re.match(rf"{_SITE}/{kind}/([^/?#\s]+)", url.strip(), re.IGNORECASE)
    return match.group(1) if match else None


def _arxiv_id(value: str | None, url: str | None) -> str | None:
    """The arXiv id with its version folded (``1706.03762v5`` -> ``1706.03762``), from the id
    field or else from an arXiv abstract or PDF URL."""
    if value:
        return _VERSION.sub("", value)
    # The id runs to the URL's end, so only what follows its last space, "?" or "#" can hold
    # it. (One regular expression searching the whole string took quadratic time on many
    # "arxiv.org/abs/" in a row: a minute for 112 KB.)
    tail = re.split(r"[\s?#]", url or "")[-1]
    start = _ARXIV_URL.search(tail)
    if start is None:
        return None
    found = tail[start.end() :].removesuffix("/")
    if found[-4:].lower() == ".pdf":
        found = found[:-4]
    return _VERSION_ANY_CASE.sub("", found) or None


def _paper_of(item: dict[str, Any], where: str, path: str) -> tuple[str | None, str | None]:
    """``(title, pwc slug)`` of the paper a catalogue entry names: ``paper`` is an object with
    ``title`` and ``url``, null, or (in early dumps) the paper's slug."""
    paper = item.get("paper")
    if paper is None:
        return None, None
    if isinstance(paper, str):
        return None, _slug(paper, "paper") or (paper.strip() or None)
    if not isinstance(paper, dict):
        raise _wrong(where, "paper", "an object with 'title' and 'url', or null", paper, path)
    inner = f"{where}: paper"
    return _text(paper, "title", inner, path), _slug(_text(paper, "url", inner, path), "paper")


def parse_papers(text: str, path: str) -> Iterator[PaperRecord | EntityRecord]:
    """One paper record per entry; each method the dump describes the first time it appears
    in the file, as a catalogue entry (its ``source_title`` is the paper introducing it)."""
    data = _load(text, path, "papers-with-abstracts")
    del text  # the dumps are large: keep only the parsed entries
    described: set[str] = set()
    for index, where, item in _entries(data, path):
        methods = _objects(item, "methods", where, path)
        url = _text(item, "url_abs", where, path)
        names = []
        entities = []
        for number, method in enumerate(methods):
            inner = f"{where}: methods[{number}]"
            name = required_text(method, "name", path, inner)
            names.append(name)
            if name.casefold() in described:
                continue
            described.add(name.casefold())
            entities.append(
                EntityRecord(
                    kind="method",
                    name=name,
                    path=path,
                    line=index,
                    full_name=_text(method, "full_name", inner, path),
                    description=_text(method, "description", inner, path),
                    paper_title=_text(method, "source_title", inner, path),
                )
            )
        yield PaperRecord(
            title=required_text(item, "title", path, where),
            abstract=_text(item, "abstract", where, path) or "",
            path=path,
            line=index,
            published=optional_date(_text(item, "date", where, path)),
            arxiv_id=_arxiv_id(_text(item, "arxiv_id", where, path), url),
            url=url,
            authors=_strings(item, "authors", where, path),
            keywords=_strings(item, "tasks", where, path),
            methods=tuple(dict.fromkeys(names)),
            pwc_id=_slug(_text(item, "paper_url", where, path), "paper"),
            origin=ORIGIN,
        )
        yield from entities


def parse_links(text: str, path: str) -> Iterator[PaperRecord]:
    """One annotation record per row: the paper's identity and one repository."""
    data = _load(text, path, "links-between-papers-and-code")
    del text
    for index, where, item in _entries(data, path):
        url = _text(item, "paper_url_abs", where, path)
        repo = required_text(item, "repo_url", path, where)
        yield PaperRecord(
            title=required_text(item, "paper_title", path, where),
            abstract="",
            path=path,
            line=index,
            arxiv_id=_arxiv_id(_text(item, "paper_arxiv_id", where, path), url),
            url=url,
            repos=(repo,),
            code_links=(CodeLink(repo, _flag(item, "is_official", where, path)),),
            pwc_id=_slug(_text(item, "paper_url", where, path), "paper"),
            origin=ORIGIN,
            annotation=True,
        )


def _catalogue(text: str, path: str, kind: str, dump: str) -> Iterator[EntityRecord]:
    data = _load(text, path, dump)
    del text
    for index, where, item in _entries(data, path):
        title, slug = _paper_of(item, where, path)
        if kind == "method":
            title = title or _text(item, "source_title", where, path)
        yield EntityRecord(
            kind=kind,
            name=required_text(item, "name", path, where),
            path=path,
            line=index,
            full_name=_text(item, "full_name", where, path),
            description=_text(item, "description", where, path),
            url=_text(item, "url", where, path),
            homepage=_text(item, "homepage", where, path) if kind == "dataset" else None,
            paper_title=title,
            paper_pwc_id=slug,
        )


def parse_methods(text: str, path: str) -> Iterator[EntityRecord]:
    return _catalogue(text, path, "method", "methods")


def parse_datasets(text: str, path: str) -> Iterator[EntityRecord]:
    return _catalogue(text, path, "dataset", "datasets")
