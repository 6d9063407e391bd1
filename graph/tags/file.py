"""The tags file: JSON a user can read and diff, checked whole when read.

``{"format": "paperkg-tags", "version": 1, "tags": {NAME: {"positive": [{"id", "title",
"added"}], "negative": [...]}}}``, tags sorted by name, papers in the order added, indented.
A damaged file is a ``TagsError`` naming the file and what is wrong (the line of a JSON
syntax error); it is never reset, since it holds the user's work.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from paperkg.errors import TagsError
from paperkg.graph.tags.model import NAME_RULE, Tag, TaggedPaper, is_tag_name

__all__ = ["FORMAT", "VERSION", "decode_tags", "encode_tags"]

FORMAT = "paperkg-tags"
VERSION = 1
_SIGNS = ("positive", "negative")
_FIELDS = ("id", "title", "added")


def encode_tags(tags: dict[str, Tag]) -> str:
    """The file's text for ``tags``: sorted by name, two-space indented, ending in a newline."""
    body = {
        name: {
            sign: [
                {"id": p.id, "title": p.title, "added": p.added} for p in getattr(tags[name], sign)
            ]
            for sign in _SIGNS
        }
        for name in sorted(tags)
    }
    document = {"format": FORMAT, "version": VERSION, "tags": body}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def decode_tags(text: str, path: Path) -> dict[str, Tag]:
    """The tags in ``text`` (read from ``path``), checked whole; ``TagsError`` naming
    ``path`` and the first thing wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(path, f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _damaged(path, f'not a paperkg tags file (no "format": "{FORMAT}")')
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise TagsError(
            f"{path} was written by a newer paperkg (tags version {version}; this one reads "
            f"{VERSION}): upgrade paperkg"
        )
    if version != VERSION:
        raise _damaged(path, f'"version" is {version!r}, not {VERSION}')
    body = document.get("tags")
    if not isinstance(body, dict):
        raise _damaged(path, '"tags" is not an object')
    return {name: _tag(name, value, path) for name, value in sorted(body.items())}


def _tag(name: str, value: Any, path: Path) -> Tag:
    where = f"tag {name!r}"
    if not is_tag_name(name):
        raise _damaged(path, f"{where}: the name is not allowed ({NAME_RULE})")
    if not isinstance(value, dict) or set(value) - set(_SIGNS):
        raise _damaged(path, f'{where}: not an object of "positive" and "negative" lists')
    lists: dict[str, list[TaggedPaper]] = {}
    seen: set[str] = set()
    for sign in _SIGNS:
        entries = value.get(sign, [])
        if not isinstance(entries, list):
            raise _damaged(path, f"{where}: {sign!r} is not a list")
        lists[sign] = [_paper(e, f"{where} {sign}[{i}]", path) for i, e in enumerate(entries)]
        for paper in lists[sign]:
            if paper.id in seen:
                raise _damaged(path, f"{where}: paper {paper.id!r} is listed twice")
            seen.add(paper.id)
    return Tag(name, lists["positive"], lists["negative"])


def _paper(entry: Any, where: str, path: Path) -> TaggedPaper:
    if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
        raise _damaged(path, f'{where}: not an object of "id", "title" and "added"')
    if not all(isinstance(entry[field], str) for field in _FIELDS) or not entry["id"]:
        raise _damaged(path, f"{where}: id, title and added must be text (id not empty)")
    try:
        datetime.fromisoformat(entry["added"])
    except ValueError:
        raise _damaged(path, f"{where}: added {entry['added']!r} is not an ISO 8601 time") from None
    return TaggedPaper(entry["id"], entry["title"], entry["added"])


def _damaged(path: Path, problem: str) -> TagsError:
    return TagsError(
        f"{path} is damaged: {problem}; fix it by hand or move it away (it holds your tags, "
        "paperkg never resets it)"
    )
