"""From the SOURCES a user names (files and folders) to parsed paper records."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from paperkg.errors import InputError
from paperkg.loaders import arxiv_jsonl, hf_daily, hf_listing, openalex, semantic_scholar
from paperkg.loaders import papers_with_code as pwc
from paperkg.loaders.filters import RecordFilter
from paperkg.loaders.listing_dates import check_year, saved_time, with_listing_year
from paperkg.loaders.records import EntityRecord, PaperRecord
from paperkg.loaders.text_file import check_regular_file, file_sha256, read_head, read_text

__all__ = [
    "FOLDER_SUFFIXES",
    "FORMATS",
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_MANIFEST",
    "Format",
    "InputFile",
    "LoadResult",
    "detect_format",
    "expand_sources",
    "is_snapshot",
    "load_sources",
]


@dataclass(frozen=True)
class Format:
    """An input format: ``sniff`` judges the first 64 KiB of text, ``read`` yields records
    from a file (streaming where the format allows it): papers, and for curated catalogues
    entries of methods and datasets."""

    name: str
    sniff: Callable[[str], bool]
    read: Callable[[Path], Iterator[PaperRecord | EntityRecord]]
    description: str


def _read_listing(path: Path) -> Iterator[PaperRecord]:
    return hf_listing.parse(read_text(path)[0], str(path))


def _read_json(
    parse: Callable[[str, str], Iterator[PaperRecord | EntityRecord]],
) -> Callable[[Path], Iterator[PaperRecord | EntityRecord]]:
    """A ``Format.read`` for a JSON format: the whole file's text, parsed."""
    return lambda path: parse(read_text(path)[0], str(path))


#: Formats in detection order.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            pwc.PAPERS,
            pwc.sniff_papers,
            _read_json(pwc.parse_papers),
            "Papers with Code papers-with-abstracts dump",
        ),
        Format(
            pwc.LINKS,
            pwc.sniff_links,
            _read_json(pwc.parse_links),
            "Papers with Code links-between-papers-and-code dump",
        ),
        Format(
            pwc.METHODS,
            pwc.sniff_methods,
            _read_json(pwc.parse_methods),
            "Papers with Code methods dump",
        ),
        Format(
            pwc.DATASETS,
            pwc.sniff_datasets,
            _read_json(pwc.parse_datasets),
            "Papers with Code datasets dump",
        ),
        Format(
            hf_daily.FORMAT,
            hf_daily.sniff,
            _read_json(hf_daily.parse),
            "Hugging Face daily papers API JSON",
        ),
        Format(
            semantic_scholar.FORMAT,
            semantic_scholar.sniff,
            _read_json(semantic_scholar.parse),
            "Semantic Scholar Graph API paper JSON",
        ),
        Format(openalex.FORMAT, openalex.sniff, _read_json(openalex.parse), "OpenAlex works JSON"),
        Format(
            arxiv_jsonl.FORMAT,
            arxiv_jsonl.sniff,
            arxiv_jsonl.read,
            "arXiv metadata snapshot, JSON lines",
        ),
        Format(
            hf_listing.FORMAT,
            hf_listing.sniff,
            _read_listing,
            "Hugging Face papers listing page saved as text",
        ),
    )
}

#: Files picked up when a folder is named, also gzip-compressed (``.json.gz``); a file named
#: directly is always read.
FOLDER_SUFFIXES = frozenset({".txt", ".json", ".jsonl", ".ndjson"})


def _input_suffix(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in FOLDER_SUFFIXES


@dataclass(frozen=True)
class InputFile:
    """One input file as read: where, what format, its content hash, its count of paper
    records and of catalogue entries (methods and datasets)."""

    path: str
    format: str
    sha256: str
    records: int
    entities: int = 0


@dataclass(frozen=True)
class LoadResult:
    """Every record from every input file, in file order then line order: papers, and the
    catalogue entries of methods and datasets curated sources describe."""

    records: list[PaperRecord]
    files: list[InputFile]
    entities: list[EntityRecord] = field(default_factory=list)


#: A snapshot's manifest and the format it declares: copies of ``paperkg.graph.snapshot.read``'s
#: ``MANIFEST`` and ``FORMAT`` (loaders do not import the graph; a test keeps them equal).
SNAPSHOT_MANIFEST = "manifest.json"
SNAPSHOT_FORMAT = "paperkg-snapshot"
_SNAPSHOT_MARK = re.compile(rb'"format"\s*:\s*"' + SNAPSHOT_FORMAT.encode() + rb'"')


def is_snapshot(folder: Path) -> bool:
    """True when ``folder`` holds a paperkg snapshot: its manifest declares the snapshot
    format. The manifest's bytes are searched a block at a time, never parsed whole."""
    manifest = folder / SNAPSHOT_MANIFEST
    try:
        if not stat.S_ISREG(os.stat(manifest).st_mode):
            return False
        with manifest.open("rb") as handle:
            tail = b""
            while block := handle.read(1 << 16):
                if _SNAPSHOT_MARK.search(tail + block):
                    return True
                tail = block[-64:]
    except OSError:
        return False
    return False


def _folder_inputs(folder: Path) -> list[Path]:
    """Input files under ``folder``, sorted: hidden files and folders are skipped, and so are
    snapshot folders (the default ``./paperkg-out`` sits inside the feeds folder it is
    built from)."""
    found: list[Path] = []
    for root, folders, names in os.walk(folder):
        here = Path(root)
        folders[:] = [
            name for name in folders if not name.startswith(".") and not is_snapshot(here / name)
        ]
        for name in names:
            path = here / name
            if not name.startswith(".") and _input_suffix(path) and path.is_file():
                found.append(path)
    return sorted(found)


def expand_sources(sources: Iterable[str | Path]) -> list[Path]:
    """Files named directly plus the input files found (recursively) in folders named.

    Hidden files and folders, and snapshot folders, are skipped inside folders; the result
    is sorted per folder so builds are deterministic. A missing path, a folder with no input
    files, a snapshot, or anything but a regular file (a FIFO, a device, a pipe) is an error,
    found before any file is opened.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            if is_snapshot(path):
                raise InputError(
                    "is a paperkg snapshot, not an input; name the files or folders it was "
                    "built from",
                    path=str(path),
                )
            found = _folder_inputs(path)
            if not found:
                raise InputError(
                    "folder holds no input files (looked for "
                    + ", ".join(sorted(FOLDER_SUFFIXES))
                    + ", each also as .gz)",
                    path=str(path),
                )
        elif path.exists() or path.is_symlink():
            check_regular_file(path)
            if is_snapshot(path.parent):
                raise InputError(
                    f"is a file of the paperkg snapshot {path.parent}, not an input; name the "
                    "files or folders it was built from",
                    path=str(path),
                )
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
    for name, candidate in FORMATS.items():
        if candidate.sniff(text):
            return name
    if text.lstrip().startswith(("{", "[")):
        raise InputError(
            "JSON, but not a format paperkg reads (known: "
            + "; ".join(f.description for f in FORMATS.values())
            + ")",
            path=path,
            line=1,
        )
    # Not JSON: let the listing loader say where the file stopped making sense.
    list(hf_listing.parse(text, path))
    raise InputError("not a format paperkg reads", path=path, line=1)


def load_sources(
    sources: Iterable[str | Path],
    *,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: RecordFilter | None = None,
    year: int | None = None,
) -> LoadResult:
    """Read every source file, detect (or force with ``fmt``) its format, and parse it.

    Everything is read before anything is returned, so a bad file fails the whole load
    before any output is written. ``progress(done, total)`` is called after each file.
    ``keep`` drops records outside the asked categories and dates as they stream by;
    annotation records and catalogue entries never make papers, so they are always kept.
    Listing dates printed without a year take ``year`` when given, else the file's
    modification date's (``loaders.listing_dates``).
    """
    check_year(year)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
    paths = expand_sources(sources)
    records: list[PaperRecord] = []
    entities: list[EntityRecord] = []
    files: list[InputFile] = []
    for done, path in enumerate(paths, start=1):
        digest = file_sha256(path)
        name = fmt or detect_format(read_head(path), str(path))
        seen = 0
        found = []
        described = len(entities)
        saved = saved_time(path)
        for record in FORMATS[name].read(path):
            seen += 1
            if isinstance(record, EntityRecord):
                entities.append(record)
                continue
            record = with_listing_year(record, year, saved)
            if keep is None or record.annotation or keep.accepts(record):
                found.append(record)
        if not seen:
            raise InputError("no papers found in the file", path=str(path))
        records.extend(found)
        files.append(InputFile(str(path), name, digest, len(found), len(entities) - described))
        if progress is not None:
            progress(done, len(paths))
    if keep is not None and keep.active and all(r.annotation for r in records):
        raise InputError("no papers match --category/--since/--until in the sources given")
    return LoadResult(records, files, entities)
