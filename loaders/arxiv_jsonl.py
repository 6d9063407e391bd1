"""The arXiv metadata snapshot (the public bulk export): one JSON object per line with
``id``, ``title``, ``abstract``, ``authors``/``authors_parsed``, ``categories``, ``doi``,
``versions`` and ``update_date``. Read line by line (decompressing a gzip file as it goes), so
memory stays flat however long the file is; a line longer than ``MAX_LINE_BYTES`` (no real
record comes near: they are a few KB) is an error, not a read of the whole line.

:func:`fetch_arxiv` asks arXiv's export API (Atom) for a few papers by id and saves them in
this snapshot's shape, so they are read like the bulk export."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from paperkg.errors import FetchError, InputError
from paperkg.loaders.http import (
    FetchConfig,
    Pacer,
    Rejected,
    Session,
    base_url,
    chunks,
    digest,
    need_ids,
    one_line,
    run_fetch,
    unique,
)
from paperkg.loaders.ids import is_arxiv_id
from paperkg.loaders.json_fields import optional_date, optional_text, required_text
from paperkg.loaders.json_records import json_object_line
from paperkg.loaders.records import PaperRecord
from paperkg.loaders.text_file import open_input, reading

if TYPE_CHECKING:
    import httpx

__all__ = ["ARXIV_BATCH", "FORMAT", "MAX_LINE_BYTES", "fetch_arxiv", "read", "sniff"]

FORMAT = "arxiv-jsonl"
MAX_LINE_BYTES = 16 << 20
#: Ids per export API request (arXiv asks for modest id_lists).
ARXIV_BATCH = 100
_VERSION = re.compile(r"v\d+$")
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ARXIV_ABS = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?P<version>v\d+)?$")


def sniff(head: str) -> bool:
    """The first non-blank line is a JSON object with an ``id`` and an ``abstract`` plus one
    of the snapshot's own fields."""
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        data = json.loads(first)
    except (ValueError, RecursionError):  # bad syntax, digits past the limit, deep nesting
        return False
    return (
        isinstance(data, dict)
        and "id" in data
        and "abstract" in data
        and bool({"authors_parsed", "update_date", "versions", "categories"} & data.keys())
    )


def _authors(data: dict[str, Any]) -> tuple[str, ...]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list):
        names = []
        for item in parsed:
            if isinstance(item, list) and item and all(isinstance(p, str) for p in item):
                last, first = item[0], item[1] if len(item) > 1 else ""
                names.append(" ".join(part for part in (first, last) if part).strip())
        if names:
            return tuple(n for n in names if n)
    raw = data.get("authors")
    if isinstance(raw, str):
        return tuple(a.strip() for a in re.split(r",|\band\b", raw) if a.strip())
    return ()


def _first_version_date(data: dict[str, Any]) -> date | None:
    versions = data.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        found = optional_date(versions[0].get("created"))
        if found:
            return found
    return optional_date(data.get("update_date"))


def read(path: Path) -> Iterator[PaperRecord]:
    """Yield one record per line; a bad line is an error naming the file and line."""
    name = str(path)
    with reading(path), open_input(path) as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise InputError(
                    f"line longer than {MAX_LINE_BYTES >> 20} MiB; arXiv metadata records are "
                    "a few KB (is this the arXiv snapshot?)",
                    path=name,
                    line=number,
                )
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save the file as UTF-8",
                    path=name,
                    line=number,
                ) from exc
            data = json_object_line(line, name, number)
            identifier = data.get("id")
            if not isinstance(identifier, str) or not identifier.strip():
                raise InputError("field 'id' must be a non-empty string", path=name, line=number)
            arxiv_id = _VERSION.sub("", identifier.strip())
            categories = data.get("categories")
            yield PaperRecord(
                title=required_text(data, "title", name, f"arXiv {arxiv_id}", number),
                abstract=required_text(data, "abstract", name, f"arXiv {arxiv_id}", number),
                path=name,
                line=number,
                published=_first_version_date(data),
                arxiv_id=arxiv_id,
                doi=optional_text(data, "doi"),
                url=f"https://arxiv.org/abs/{arxiv_id}",
                authors=_authors(data),
                keywords=tuple(categories.split()) if isinstance(categories, str) else (),
            )


# --------------------------------------------------------------------------- fetching


def _arxiv_id(raw: str) -> str:
    text = raw.strip()
    match = _ARXIV_ABS.search(text)
    if match:
        text = match.group("id") + (match.group("version") or "")
    elif text.lower().startswith("arxiv:"):
        text = text[len("arxiv:") :]
    if not is_arxiv_id(text):
        raise FetchError(
            f"not an arXiv id: {raw!r}; use the form 2401.01234 (or hep-th/9901001), "
            "optionally with a version like v2"
        )
    return text


def _atom(data: bytes) -> ET.Element:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if root.tag != f"{_ATOM}feed":
        raise ValueError(f"expected an Atom feed, got <{root.tag}>")
    return root


def _text(entry: ET.Element, tag: str) -> str:
    found = entry.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _rfc2822(stamp: str) -> str | None:
    """``2024-01-02T10:00:00Z`` -> ``Tue, 02 Jan 2024 10:00:00 GMT`` (the snapshot's form)."""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _arxiv_record(entry: ET.Element, url: str) -> dict[str, Any] | None:
    """One Atom entry in the metadata snapshot's shape; None for an empty entry."""
    raw_id = _text(entry, f"{_ATOM}id")
    if "/api/errors" in raw_id:
        raise FetchError(
            f"GET {url}: arXiv rejected the query ({one_line(_text(entry, f'{_ATOM}summary'))})"
            "; check the ids"
        )
    match = _ARXIV_ABS.search(raw_id)
    title, abstract = _text(entry, f"{_ATOM}title"), _text(entry, f"{_ATOM}summary")
    if not match or not title or not abstract:
        return None
    version = match.group("version") or "v1"
    published, updated = _text(entry, f"{_ATOM}published"), _text(entry, f"{_ATOM}updated")
    versions = [{"version": "v1", "created": _rfc2822(published)}]
    if version != "v1":
        versions.append({"version": version, "created": _rfc2822(updated or published)})
    primary = entry.find(f"{_ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.findall(f"{_ATOM}category")]
    authors = [_text(a, f"{_ATOM}name") for a in entry.findall(f"{_ATOM}author")]
    return {
        "id": match.group("id"),
        "authors": ", ".join(a for a in authors if a),
        "title": title,
        "comments": _text(entry, f"{_ARXIV}comment") or None,
        "journal-ref": _text(entry, f"{_ARXIV}journal_ref") or None,
        "doi": _text(entry, f"{_ARXIV}doi") or None,
        "categories": " ".join(unique(t for t in terms if t)),
        "abstract": abstract,
        "versions": versions,
        "update_date": (updated or published)[:10] or None,
    }


def fetch_arxiv(
    ids: Sequence[str],
    out_dir: Path | str,
    config: FetchConfig,
    client: httpx.Client,
    *,
    pacer: Pacer | None = None,
) -> Path:
    """Fetch arXiv metadata for ``ids`` and save it as snapshot JSON lines:
    ``arxiv-<digest of the ids>.jsonl``. Ids arXiv does not know are left out."""
    wanted = unique(_arxiv_id(i) for i in ids)
    need_ids(wanted, "arXiv")
    url = f"{base_url(config.arxiv_base)}/api/query"

    def work(session: Session) -> tuple[str, bytes]:
        records: dict[str, dict[str, Any]] = {}
        for chunk in chunks(wanted, ARXIV_BATCH):
            params = {"id_list": ",".join(chunk), "max_results": str(len(chunk))}
            feed = session.request(
                "GET", url, params=params, parse=_atom, hint="check the arXiv ids"
            )
            shown = f"{url}?{urlencode(params, safe=',:/|@')}"
            for entry in feed.findall(f"{_ATOM}entry"):
                record = _arxiv_record(entry, shown)
                if record is not None:
                    records.setdefault(record["id"], record)
        if not records:
            raise Rejected(
                f"GET {url}: arXiv knows none of the {len(wanted)} ids asked for; check --ids"
            )
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records.values())
        return f"arxiv-{digest(wanted)}.jsonl", lines.encode()

    return run_fetch(client, config, pacer, out_dir, work)
