"""Reading an input file as text, with the checks every text loader needs.

Gzip-compressed files (the ``.json.gz`` dumps, recognised by their magic bytes ``1f 8b``,
whatever their name) are decompressed on the fly, so every format reads them transparently.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from paperkg.errors import InputError

__all__ = [
    "GZIP_MAGIC",
    "file_sha256",
    "is_gzip",
    "open_input",
    "read_head",
    "read_text",
    "reading",
]

GZIP_MAGIC = b"\x1f\x8b"

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


def _decode(data: bytes, path: Path, *, cut: bool = False) -> str:
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
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if cut and exc.start >= len(data) - 3:
            text = data[: exc.start].decode("utf-8")
        else:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
                path=str(path),
                line=line,
            ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes."""
    with reading(path), path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_input(path: Path) -> BinaryIO:
    """The file's bytes for reading, decompressed when it is gzip. Wrap reads in the same
    error handling as ``read_text`` (a corrupt gzip stream fails while reading)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_text(path: Path) -> tuple[str, str]:
    """Return the file's text as UTF-8 (BOM dropped, CRLF and CR folded to LF) and the sha256
    of its bytes as stored (compressed, for a gzip file).

    Raises ``InputError`` naming the file when it cannot be read, holds NUL bytes (binary),
    is not valid UTF-8 (with the line of the first bad byte) or is a broken gzip file.
    """
    with reading(path):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if data[:2] == GZIP_MAGIC:
            data = gzip.decompress(data)
    return _decode(data, path), digest


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
