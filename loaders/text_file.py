"""Reading an input file as text, with the checks every text loader needs.

Gzip-compressed files (the ``.json.gz`` dumps, recognised by their magic bytes ``1f 8b``,
whatever their name) are decompressed on the fly, so every format reads them transparently.
Decompression is a stream with limits, so a small file cannot expand into all of memory
(a gzip bomb): see ``MAX_RATIO`` and ``whole_read_limit``.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import stat
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from paperkg.errors import InputError
from paperkg.memory import available_bytes

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "GZIP_MAGIC",
    "MAX_RATIO",
    "RATIO_FREE_BYTES",
    "READ_OVERHEAD",
    "check_regular_file",
    "file_sha256",
    "is_gzip",
    "open_input",
    "read_head",
    "read_text",
    "reading",
    "visible",
    "whole_read_limit",
]

GZIP_MAGIC = b"\x1f\x8b"

#: Python holds a file read whole (every JSON document format; only arXiv JSON lines are
#: streamed) as text and then as parsed objects: together about this many times its size.
READ_OVERHEAD = 5
#: The limit on a file read whole when the machine does not say what memory it has.
FALLBACK_READ_LIMIT = 4 << 30


def whole_read_limit() -> int:
    """Most bytes (expanded, for gzip) a file read whole may hold: what the memory available
    now can parse, so a legitimate dump is read wherever it fits and refused where it cannot."""
    available = available_bytes()
    return FALLBACK_READ_LIMIT if available is None else available // READ_OVERHEAD


def _too_large(limit: int) -> str:
    return (
        f"holds more than {_size(limit)} of text, the most the memory available now can "
        f"parse read whole (about {READ_OVERHEAD} times its size); split it into smaller "
        "files or build on a machine with more memory"
    )


#: Most times a gzip input may expand its size on disk. Real dumps expand 3 to 15 times
#: (JSON with abstracts); deflate reaches about 1,000 only on repeated bytes, as bombs are
#: made. Applies to streamed reads too, which otherwise have no memory cost to stop them.
MAX_RATIO = 100
#: Expanded sizes below this are never suspicious, whatever the ratio (a small repetitive file).
RATIO_FREE_BYTES = 16 << 20

#: What ``os.stat`` says a source is, when it is not a regular file.
_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe or FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

#: Characters that draw nothing though ``str.isspace`` says no: Hangul fillers, the braille
#: blank, the Mongolian vowel separator (format characters and marks are found by category).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})

#: Byte-order marks of the encodings a text editor may save in instead of UTF-8 (UTF-32
#: first: its little-endian mark starts like UTF-16's).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn the ways opening or reading a file fails into one ``InputError`` naming it."""
    try:
        yield
    except FileNotFoundError as exc:
        raise InputError(
            "cannot read: the file does not exist (a broken link?)", path=str(path)
        ) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, expected a file", path=str(path)) from exc
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"not a valid gzip file ({exc})", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc


def visible(text: str) -> bool:
    """True when the text would show something: not only whitespace, zero-width and other
    format characters, lone combining marks or blank fillers. Usually decided by the first
    character after ``strip``."""
    text = text.strip()
    if text.isascii():
        return any(" " < char < "\x7f" for char in text)
    return any(
        char not in _BLANK and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        for char in text
    )


def check_regular_file(path: Path, advice: str = "give a file or a folder") -> None:
    """Refuse what is not a regular file (a link to one is fine) before anything opens it:
    a FIFO or a device blocks or never ends, and a pipe (``<(cmd)``) would be drained by the
    checksum and then read as empty. ``os.stat`` itself never blocks."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as exc:
        raise InputError(
            "cannot read: the file does not exist (a broken link?)", path=str(path)
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, expected a file", path=str(path))
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "of an unknown kind")
    if stat.S_ISFIFO(mode):
        advice += " (save piped output to a file first)"
    raise InputError(f"not a regular file ({kind}); {advice}", path=str(path))


def _size(limit: int) -> str:
    return f"{limit >> 30} GiB" if limit >= 1 << 30 else f"{limit >> 20} MiB"


class _CappedGzip(io.RawIOBase):
    """Decompressed bytes of a gzip stream, failing with one ``InputError`` once they pass
    ``MAX_RATIO`` times the compressed size (above ``RATIO_FREE_BYTES``), or, for a file
    read ``whole``, ``whole_read_limit()``; checked as bytes come, so a bomb costs no more
    memory than the limit."""

    def __init__(self, source: BinaryIO, compressed: int, path: Path, *, whole: bool) -> None:
        super().__init__()
        self._gzip = gzip.GzipFile(fileobj=source, mode="rb")
        self._source = source
        self._path = path
        self._ratio_limit = max(RATIO_FREE_BYTES, MAX_RATIO * compressed)
        self._size_limit = whole_read_limit() if whole else None
        self._expanded = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        count = self._gzip.readinto(buffer)
        self._expanded += count
        if self._size_limit is not None and self._expanded > self._size_limit:
            raise InputError(
                f"gzip file {_too_large(self._size_limit)}",
                path=str(self._path),
            )
        if self._expanded > self._ratio_limit:
            raise InputError(
                f"gzip file expands to more than {MAX_RATIO} times its size (a gzip bomb?); "
                "if you trust it, decompress it yourself (gunzip -k) and give the "
                "uncompressed file",
                path=str(self._path),
            )
        return count

    def close(self) -> None:
        if not self.closed:
            self._gzip.close()
            self._source.close()
        super().close()


def _decode(data: bytes | bytearray, path: Path, *, cut: bool = False) -> str:
    """UTF-8 text with the BOM dropped and CRLF/CR folded to LF; NUL bytes or bad UTF-8 are an
    error naming the line. ``cut``: a multi-byte character cut at the end is ignored."""
    for bom, encoding in _OTHER_BOMS:
        if data.startswith(bom):
            raise InputError(
                f"{encoding} text (it starts with a {encoding} byte-order mark); "
                "save the file as UTF-8",
                path=str(path),
                line=1,
            )
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise InputError(
            f"binary file (NUL byte at offset {at}) or UTF-16/UTF-32 text; expected UTF-8 "
            "text (save the file as UTF-8)",
            path=str(path),
            line=data.count(b"\n", 0, at) + 1,
        )
    # A view, not ``removeprefix``: a copy of a large file would double its memory.
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = memoryview(data)[start:]
    try:
        text = str(body, "utf-8")
    except UnicodeDecodeError as exc:
        if cut and exc.start >= len(body) - 3:
            text = str(body[: exc.start], "utf-8")
        else:
            at = start + exc.start
            raise InputError(
                f"not UTF-8 text (byte 0x{data[at]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
                path=str(path),
                line=data.count(b"\n", 0, at) + 1,
            ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes."""
    with reading(path), path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_input(path: Path) -> BinaryIO:
    """The file's bytes for reading, decompressed when it is gzip (within ``MAX_RATIO``: a
    stream holds little memory, so ``whole_read_limit`` does not apply). Wrap reads in the
    same error handling as ``read_text`` (a corrupt gzip stream fails while reading)."""
    if is_gzip(path):
        source = path.open("rb")
        size = os.fstat(source.fileno()).st_size
        return io.BufferedReader(_CappedGzip(source, size, path, whole=False), 1 << 16)
    return path.open("rb")


def read_text(path: Path) -> tuple[str, str]:
    """Return the file's text as UTF-8 (BOM dropped, CRLF and CR folded to LF) and the sha256
    of its bytes as stored (compressed, for a gzip file).

    Raises ``InputError`` naming the file when it cannot be read, is not a regular file, holds
    NUL bytes (binary), is not valid UTF-8 (with the line of the first bad byte), is a broken
    gzip file or one expanding past the limits.
    """
    check_regular_file(path, "give a file")
    with reading(path):
        limit = whole_read_limit()
        if path.stat().st_size > limit:
            raise InputError(f"file {_too_large(limit)}", path=str(path))
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        data: bytes | bytearray = _decompress(raw, path) if raw[:2] == GZIP_MAGIC else raw
    return _decode(data, path), digest


def _decompress(data: bytes, path: Path) -> bytearray:
    """The expanded bytes of a whole gzip file, within ``MAX_RATIO`` and
    ``whole_read_limit()`` (``gzip.decompress`` would expand a bomb in full first)."""
    expanded = bytearray()
    source = io.BytesIO(data)
    with _CappedGzip(source, len(data), path, whole=True) as stream:
        block = bytearray(1 << 20)
        while count := stream.readinto(block):
            expanded += memoryview(block)[:count]
    return expanded


def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes, read in blocks (constant memory)."""
    digest = hashlib.sha256()
    with reading(path), path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_head(path: Path, size: int = 1 << 16) -> str:
    """The first ``size`` bytes as text (decompressed, for a gzip file), for format detection.
    Binary content or bad UTF-8 is an error naming the file and line."""
    with reading(path), open_input(path) as handle:
        data = handle.read(size)
    return _decode(data, path, cut=True)
