"""From the SOURCES a user names (files and folders) to parsed paper records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from paperkg.errors import InputError
from paperkg.loaders import hf_listing
from paperkg.loaders.records import PaperRecord
from paperkg.loaders.text_file import read_text

__all__ = [
    "FOLDER_SUFFIXES",
    "FORMATS",
    "InputFile",
    "LoadResult",
    "detect_format",
    "expand_sources",
    "load_sources",
]

Parser = Callable[[str, str], Iterator[PaperRecord]]
Sniffer = Callable[[str], bool]

#: Formats in detection order: name -> (sniff, parse).
FORMATS: dict[str, tuple[Sniffer, Parser]] = {
    hf_listing.FORMAT: (hf_listing.sniff, hf_listing.parse),
}

#: Files picked up when a folder is named; a file named directly is always read.
FOLDER_SUFFIXES = frozenset({".txt", ".json", ".jsonl", ".ndjson"})


@dataclass(frozen=True)
class InputFile:
    """One input file as read: where, what format, its content hash and record count."""

    path: str
    format: str
    sha256: str
    records: int


@dataclass(frozen=True)
class LoadResult:
    """Every record from every input file, in file order then line order."""

    records: list[PaperRecord]
    files: list[InputFile]


def expand_sources(sources: Iterable[str | Path]) -> list[Path]:
    """Files named directly plus the input files found (recursively) in folders named.

    Hidden files and folders are skipped inside folders; the result is sorted per folder so
    builds are deterministic. A missing path or a folder with no input files is an error.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(
                    "folder holds no input files (looked for "
                    + ", ".join(sorted(FOLDER_SUFFIXES))
                    + ")",
                    path=str(path),
                )
        elif path.exists() or path.is_symlink():
            found = [path]
        else:
            raise InputError("no such file or folder", path=str(path))
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    if not files:
        raise InputError("no sources given: name at least one file or folder")
    return files


def detect_format(text: str, path: str) -> str:
    """The name of the format ``text`` is in, judged from its content."""
    for name, (sniff, _parse) in FORMATS.items():
        if sniff(text):
            return name
    # No format matched: let the closest one say where the file stopped making sense.
    list(hf_listing.parse(text, path))
    raise InputError("not a format paperkg reads", path=path, line=1)


def load_sources(
    sources: Iterable[str | Path],
    *,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Read every source file, detect (or force with ``fmt``) its format, and parse it.

    Everything is read before anything is returned, so a bad file fails the whole load
    before any output is written. ``progress(done, total)`` is called after each file.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
    paths = expand_sources(sources)
    records: list[PaperRecord] = []
    files: list[InputFile] = []
    for done, path in enumerate(paths, start=1):
        text, digest = read_text(path)
        name = fmt or detect_format(text, str(path))
        found = list(FORMATS[name][1](text, str(path)))
        if not found:
            raise InputError("no papers found in the file", path=str(path))
        records.extend(found)
        files.append(InputFile(str(path), name, digest, len(found)))
        if progress is not None:
            progress(done, len(paths))
    return LoadResult(records, files)
