"""JSON documents holding one record, a list of records, a ``{"data"|"results": [...]}``
page, or JSON lines: the shapes API responses and saved dumps come in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from paperkg.errors import InputError

__all__ = ["json_objects"]


def json_objects(text: str, path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(position, label, object)`` per record: position is a 1-based line for JSON lines,
    a 0-based index for lists; the label names it in errors (``line 3``, ``entry [2]``)."""
    stripped = text.lstrip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if stripped.startswith("{") and exc.msg.startswith("Extra data"):
            yield from _lines(text, path)
            return
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from exc
    if isinstance(data, dict):
        items = next((data[k] for k in ("data", "results") if isinstance(data.get(k), list)), None)
        if items is None:
            yield 0, "entry [0]", data
            return
        data = items
    if not isinstance(data, list):
        raise InputError("expected a JSON object or a list of objects", path=path, line=1)
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(f"entry [{index}]: expected an object", path=path)
        yield index, f"entry [{index}]", item


def _lines(text: str, path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not a JSON object ({exc.msg})", path=path, line=number) from exc
        if not isinstance(item, dict):
            raise InputError("expected a JSON object per line", path=path, line=number)
        yield number, f"line {number}", item
