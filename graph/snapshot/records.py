"""The records a snapshot was built from, kept inside it so a later build can add to it.

One JSON object per line, gzip-compressed: ``{"input": <resolved input path>, "kind":
<record class>, "record": {...}}``. Records are dataclasses of plain values, tuples, dates
and nested dataclasses; decoding follows their type hints, so a new field needs no code here.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import types
import typing
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from typing import Any

from paperkg.errors import SnapshotError

__all__ = ["StoredRecord", "decode_records", "encode_records"]


@dataclasses.dataclass(frozen=True)
class StoredRecord:
    """A record and the input file (resolved path) it was read from."""

    input: str
    record: Any


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def encode_records(records: Iterable[StoredRecord]) -> bytes:
    """The gzip-compressed JSON lines of ``records``."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1, mtime=0) as handle:
        for stored in records:
            line = {
                "input": stored.input,
                "kind": type(stored.record).__name__,
                "record": _plain(stored.record),
            }
            handle.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
    return buffer.getvalue()


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in value)
        return tuple(_decode(arg, item) for arg, item in zip(args, value, strict=True))
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(hint)
                if f.name in value
            }
        )
    return value


def decode_records(data: bytes, kinds: Iterable[type], where: str) -> Iterator[StoredRecord]:
    """Records back from ``encode_records`` output; ``kinds`` are the record classes known.

    A line that does not decode raises ``SnapshotError`` naming ``where`` and the line.
    """
    known = {cls.__name__: cls for cls in kinds}
    try:
        text = gzip.decompress(data).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{where} cannot be read ({exc})") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            item = json.loads(line)
            cls = known[item["kind"]]
            yield StoredRecord(item["input"], _decode(cls, item["record"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotError(f"{where}:{number}: not a stored record ({exc})") from exc
