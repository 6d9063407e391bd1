"""Reading an input file as text, with the checks every text loader needs."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from paperkg.errors import InputError

__all__ = ["file_sha256", "read_head", "read_text"]


def read_text(path: Path) -> tuple[str, str]:
    """Return the file's text as UTF-8 (BOM dropped, CRLF and CR folded to LF) and its sha256.

    Raises ``InputError`` naming the file when it cannot be read, holds NUL bytes (binary),
    or is not valid UTF-8 (with the line of the first bad byte).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(
            "cannot read: the file does not exist (a broken link?)", path=str(path)
        ) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, expected a file", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    digest = hashlib.sha256(data).hexdigest()
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError("binary file (NUL byte); expected UTF-8 text", path=str(path), line=line)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            path=str(path),
            line=line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n"), digest


def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes, read in blocks (constant memory)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError as exc:
        raise InputError(
            "cannot read: the file does not exist (a broken link?)", path=str(path)
        ) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, expected a file", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    return digest.hexdigest()


def read_head(path: Path, size: int = 1 << 16) -> str:
    """The first ``size`` bytes as text, for format detection (BOM dropped, a cut multi-byte
    character at the end ignored). Binary content is an error naming the file and line."""
    with path.open("rb") as handle:
        data = handle.read(size)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError("binary file (NUL byte); expected UTF-8 text", path=str(path), line=line)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8").replace("\r\n", "\n")
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            path=str(path),
            line=line,
        ) from exc
