"""OpenAlex works (single objects, lists, ``{"results": [...]}`` pages or JSON lines):
``id``, ``doi``, ``ids``, ``display_name``/``title``, ``abstract_inverted_index`` (rebuilt
into text), ``publication_date``, ``authorships`` and ``referenced_works``.

:func:`fetch_openalex` asks the works endpoint for works by id or DOI and saves the list."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.errors import FetchError, InputError
from paperkg.loaders.http import (
    FetchConfig,
    Pacer,
    Rejected,
    Session,
    base_url,
    chunks,
    digest,
    dump_json,
    need_ids,
    parse_json,
    run_fetch,
    unique,
)
from paperkg.loaders.ids import is_doi
from paperkg.loaders.json_fields import clean_text, object_list, optional_date, optional_text
from paperkg.loaders.json_records import json_objects
from paperkg.loaders.records import PaperRecord, WorkRef

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FORMAT",
    "OPENALEX_BATCH",
    "SOURCE",
    "abstract_text",
    "fetch_openalex",
    "openalex_request_id",
    "parse",
    "sniff",
]

FORMAT = "openalex"
SOURCE = "openalex"
#: Values per OpenAlex OR filter (it takes up to 100; 50 keeps URLs short).
OPENALEX_BATCH = 50
_OPENALEX_WORK = re.compile(r"W\d+", re.IGNORECASE)


def sniff(head: str) -> bool:
    return head.lstrip()[:1] in ("[", "{") and "openalex.org/W" in head


def _short(value: Any, prefix: str) -> str | None:
    """``https://openalex.org/W123`` -> ``w123``; ``https://doi.org/10.1/x`` -> ``10.1/x``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return (text[len(prefix) :] if text.lower().startswith(prefix) else text).lower()


def abstract_text(index: Any) -> str:
    """The abstract rebuilt from OpenAlex's inverted index (word -> positions)."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if isinstance(positions, list):
            for position in positions:
                if isinstance(position, int) and position >= 0:
                    placed[position] = word
    return clean_text(" ".join(placed[i] for i in sorted(placed)))


def parse(text: str, path: str) -> Iterator[PaperRecord]:
    for position, label, item in json_objects(text, path):
        line = position if label.startswith("line") else None
        title = optional_text(item, "display_name") or optional_text(item, "title")
        if not title:
            raise InputError(
                f"{label}: needs a 'display_name' or 'title' string", path=path, line=line
            )
        found_ids = item.get("ids")
        ids: dict[str, Any] = found_ids if isinstance(found_ids, dict) else {}
        arxiv = _short(ids.get("arxiv"), "https://arxiv.org/abs/")
        yield PaperRecord(
            title=title,
            abstract=abstract_text(item.get("abstract_inverted_index")),
            path=path,
            line=position,
            published=optional_date(item.get("publication_date")),
            arxiv_id=arxiv,
            doi=_short(item.get("doi") or ids.get("doi"), "https://doi.org/"),
            authors=tuple(
                a["author"]["display_name"]
                for a in object_list(item.get("authorships"))
                if isinstance(a, dict)
                and isinstance(a.get("author"), dict)
                and isinstance(a["author"].get("display_name"), str)
            ),
            openalex_id=_short(item.get("id"), "https://openalex.org/"),
            references=tuple(
                WorkRef((f"openalex:{ref}",))
                for ref in (
                    _short(w, "https://openalex.org/")
                    for w in object_list(item.get("referenced_works"))
                )
                if ref
            ),
            citation_source=SOURCE,
        )


# --------------------------------------------------------------------------- fetching


def _openalex_key(raw: str) -> tuple[str, str]:
    """``("openalex", "W123")`` or ``("doi", "10.1234/x")`` for one user-given id."""
    text = raw.strip()
    lowered = text.lower()
    for prefix in ("https://openalex.org/", "http://openalex.org/", "openalex:"):
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    if _OPENALEX_WORK.fullmatch(text):
        return "openalex", text.upper()
    lowered = text.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
            break
    if is_doi(lowered) and not set(lowered) & {",", "|"}:
        return "doi", lowered
    raise FetchError(
        f"not an OpenAlex work id or DOI: {raw!r}; use W2741809807 or 10.1234/x "
        "(DOIs with ',' or '|' cannot go in an OpenAlex filter)"
    )


def openalex_request_id(keys: Sequence[str]) -> str | None:
    """The id to fetch a work with identity ``keys`` by: its OpenAlex work id (W…), else its
    DOI (``10.…``); None when it has neither (an arXiv-only work)."""
    for scheme in ("openalex", "doi"):
        for key in keys:
            prefix, _, value = key.partition(":")
            if prefix == scheme and value:
                try:
                    _openalex_key(value)
                except FetchError:
                    continue
                return value.upper() if scheme == "openalex" else value
    return None


def _openalex_results(data: bytes) -> list[Any]:
    """The ``results`` list of a works page."""
    value = parse_json(data)
    results = value.get("results") if isinstance(value, dict) else None
    if not isinstance(results, list):
        raise ValueError("expected an object with a 'results' list")
    return results


def fetch_openalex(
    ids: Sequence[str],
    out_dir: Path | str,
    config: FetchConfig,
    client: httpx.Client,
    *,
    pacer: Pacer | None = None,
) -> Path:
    """Fetch OpenAlex works by work id or DOI and save the ``results``:
    ``openalex-<digest>.json``. ``mailto`` joins the polite pool when an email is set."""
    keys = unique(f"{k}:{v}" for k, v in map(_openalex_key, ids))
    need_ids(keys, "OpenAlex")
    url = f"{base_url(config.openalex_base)}/works"

    def work(session: Session) -> tuple[str, bytes]:
        works: dict[str, dict[str, Any]] = {}
        for kind in ("openalex", "doi"):
            values = [k.partition(":")[2] for k in keys if k.startswith(f"{kind}:")]
            for chunk in chunks(values, OPENALEX_BATCH):
                params = {"filter": f"{kind}:{'|'.join(chunk)}", "per-page": str(len(chunk))}
                if config.email:
                    params["mailto"] = config.email
                found = session.request(
                    "GET",
                    url,
                    params=params,
                    parse=_openalex_results,
                    hint="check the work ids and DOIs",
                )
                for item in found:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        works.setdefault(item["id"], item)
        if not works:
            raise Rejected(f"GET {url}: OpenAlex knows none of the {len(keys)} ids; check --ids")
        return f"openalex-{digest(keys)}.json", dump_json(list(works.values()))

    return run_fetch(client, config, pacer, out_dir, work)
