"""The arXiv metadata snapshot (the public bulk export): one JSON object per line with
``id``, ``title``, ``abstract``, ``authors``/``authors_parsed``, ``categories``, ``doi``,
``versions`` and ``update_date``. Read line by line (decompressing a gzip file as it goes), so
memory stays flat however long the file is; a line longer than ``MAX_LINE_BYTES`` (no real
record comes near: they are a few KB) is an error, not a read of the whole line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from paperkg.errors import InputError
from paperkg.loaders.json_fields import optional_date, optional_text, required_text
from paperkg.loaders.json_records import json_object_line
from paperkg.loaders.records import PaperRecord
from paperkg.loaders.text_file import open_input, reading

__all__ = ["FORMAT", "MAX_LINE_BYTES", "read", "sniff"]

FORMAT = "arxiv-jsonl"
MAX_LINE_BYTES = 16 << 20
_VERSION = re.compile(r"v\d+$")


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


def _authors(data: dict) -> tuple[str, ...]:
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


def _first_version_date(data: dict):
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
