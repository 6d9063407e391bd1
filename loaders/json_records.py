"""JSON documents holding one record, a list of records, a ``{"data"|"results": [...]}``
page, or JSON lines: the shapes API responses and saved dumps come in."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from paperkg.errors import InputError

__all__ = ["json_object_line", "json_objects", "json_value"]

#: A ``\uD800``-``\uDFFF`` escape that is not half of a pair: JSON can say it, Unicode text
#: cannot hold it (every file writer would fail on the record later).
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _deepest_line(text: str) -> tuple[int, int]:
    """``(depth, line)`` of the deepest point of the JSON text's nesting (strings skipped)."""
    depth = deepest = 0
    line = at = 1
    for token in re.finditer(r'"(?:[^"\\\n]|\\.)*"|[\[{]|[\]}]|\n', text):
        char = token.group(0)
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, line
        elif char in "]}":
            depth -= 1
    return deepest, at


def json_value(text: str, path: str, line: int | None = None) -> Any:
    """``json.loads(text)``, with the ways it fails beyond bad syntax as ``InputError`` naming
    the file and line (``line``: where ``text`` starts, for JSON lines): nesting too deep for
    the parser, integers too long to convert, and lone surrogate escapes. Bad syntax stays a
    ``json.JSONDecodeError`` for the caller to word."""
    first = line or 1
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError as exc:
        depth, at = _deepest_line(text)
        raise InputError(
            f"JSON nested {depth} levels deep, too deep to read", path=path, line=first + at - 1
        ) from exc
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        limit = sys.get_int_max_str_digits()
        found = re.search(rf"[0-9]{{{limit + 1},}}", text)
        if found is None:
            raise InputError(f"cannot read the JSON ({exc})", path=path, line=line) from exc
        raise InputError(
            f"a number with more than {limit} digits, too long to read",
            path=path,
            line=first + _line_of(text, found.start()) - 1,
        ) from exc
    if "\\" in text:
        for found in _LONE_SURROGATE.finditer(text):
            before = found.start()
            while before and text[before - 1] == "\\":
                before -= 1
            if (found.start() - before) % 2 == 0:  # the escape's backslash is not escaped
                raise InputError(
                    f"{found.group(0)} is half of a UTF-16 surrogate pair, not a character "
                    "(the text was cut or mis-encoded)",
                    path=path,
                    line=first + _line_of(text, found.start()) - 1,
                )
    return value


def json_objects(text: str, path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(position, label, object)`` per record: position is a 1-based line for JSON lines,
    a 0-based index for lists; the label names it in errors (``line 3``, ``entry [2]``)."""
    stripped = text.lstrip()
    try:
        data = json_value(text, path)
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


def json_object_line(line: str, path: str, number: int) -> dict[str, Any]:
    """One line of a JSON-lines file as an object, or one error naming file and line."""
    try:
        item = json_value(line, path, number)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON object ({exc.msg})", path=path, line=number) from exc
    if not isinstance(item, dict):
        raise InputError("expected a JSON object per line", path=path, line=number)
    return item


def _lines(text: str, path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, f"line {number}", json_object_line(line, path, number)
