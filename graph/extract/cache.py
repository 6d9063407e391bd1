"""Each paper's own reading, kept in the snapshot so that an update re-reads only new papers.

Extraction has a per-paper part (sentences, acronym pairs, introduced names, the mentions
found with the corpus's names, links) and a cheap corpus-level merge. The per-paper part
depends on the paper's text, on the extractor's code and gazetteer (``cache_version``) and
on the names the corpus defines; entries are kept by a hash of the text, beside the corpus
names they were found with, so a build redoes only papers whose text can hold a name that
changed (``stale``) and the result equals a build from nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from paperkg.graph.extract.aliases import Abbreviation
from paperkg.graph.extract.confidence import Basis
from paperkg.graph.extract.entities import EntityMention, Reading
from paperkg.graph.extract.gazetteer import Gazetteer, entity_key
from paperkg.graph.extract.urls import Link, Repo
from paperkg.graph.schema import RelType

__all__ = [
    "CachedPaper",
    "ExtractionCache",
    "cache_version",
    "decode_cache",
    "encode_cache",
    "folded_text",
    "stale",
    "text_key",
]

#: What gazetteer matching treats as optional between the chunks of a name.
_SEPARATORS = re.compile(r"[\s.\-_]+")
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class CachedPaper:
    """What extraction found reading one text: its acronym pairs and introduced names (for
    the corpus merge), its mentions with the corpus names of the cache, its links, and
    ``folded``, the text as ``folded_text`` gives it (to tell whether a name can occur)."""

    pairs: tuple[tuple[Abbreviation, ...], ...]
    introduced: tuple[tuple[str, str, str], ...]
    mentions: tuple[EntityMention, ...]
    links: tuple[Repo | Link, ...]
    folded: str


@dataclass(frozen=True)
class ExtractionCache:
    """Cached papers by ``text_key``, valid for extractor and gazetteer ``version`` and the
    corpus names ``defined`` (``(name, kind)`` in the corpus's order) and ``generic``."""

    version: str
    defined: tuple[tuple[str, str], ...]
    generic: frozenset[str]
    papers: dict[str, CachedPaper]


def text_key(title: str, abstract: str) -> str:
    """The cache key of a paper's text: all that its own reading depends on."""
    return hashlib.sha256(f"{title}\x00{abstract}".encode()).hexdigest()


def _fold(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


def folded_text(reading: Reading) -> str:
    """The texts names are matched in, case-folded and without separators: a name whose
    folded spelling is not in it cannot be found in the paper."""
    return _fold("\n".join([reading.title, *reading.sentences]))


def cache_version(gazetteer: Gazetteer) -> str:
    """A hash of what every paper's reading depends on besides its text: paperkg's version,
    the extractor's code, the word-frequency list and Unicode tables it reads, and the
    gazetteer's entries."""
    digest = hashlib.sha256()
    for package in ("paperkg", "wordfreq"):
        with contextlib.suppress(PackageNotFoundError):
            digest.update(f"{package} {version(package)}\x00".encode())
    digest.update(f"unicode {unicodedata.unidata_version}\x00".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    for key in sorted(gazetteer.entries):
        digest.update(repr(gazetteer.entries[key]).encode())
    return digest.hexdigest()


def _groups(defined: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Defined names by key, each group in order: which of them a gazetteer keeps."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in defined:
        group = groups.setdefault(entity_key(item[0]), [])
        if item not in group:
            group.append(item)
    return groups


def stale(
    cache: ExtractionCache, defined: Sequence[tuple[str, str]], generic: frozenset[str]
) -> set[str]:
    """Keys of cached papers whose mentions the corpus names ``defined`` and ``generic`` may
    change: those whose text holds a name whose group of same-key names changed, or a
    generic acronym that came or went. Over-inclusive, never under."""
    old, new = _groups(cache.defined), _groups(defined)
    names = {
        _fold(name)
        for key in old.keys() | new.keys()
        if old.get(key) != new.get(key)
        for name, _kind in [*old.get(key, []), *new.get(key, [])]
    }
    acronyms = cache.generic ^ generic
    if not names and not acronyms:
        return set()
    if "" in names or "" in acronyms:
        return set(cache.papers)
    pattern = re.compile("|".join(map(re.escape, sorted(names)))) if names else None
    return {
        key
        for key, paper in cache.papers.items()
        if (pattern is not None and pattern.search(paper.folded))
        or (acronyms and any(a in _NOT_ALNUM.sub("", paper.folded) for a in acronyms))
    }


def _mention(m: EntityMention) -> list[Any]:
    return [
        m.key,
        m.name,
        m.kind,
        m.relation.value,
        m.sentence,
        m.known,
        m.source,
        m.spelling,
        m.basis.value,
        m.confidence,
        m.vote,
    ]


def _link(item: Repo | Link) -> list[str]:
    if isinstance(item, Repo):
        return [item.url, item.host, item.owner, item.name, item.kind]
    return [item.url, item.host]


def encode_cache(cache: ExtractionCache) -> bytes:
    """The gzip-compressed JSON of ``cache``: a header line, then the papers."""
    header = {"version": cache.version, "defined": cache.defined, "generic": sorted(cache.generic)}
    papers = {
        key: [
            [
                [[p.short, p.long, p.start, p.end, p.long_start, p.long_end] for p in s]
                for s in paper.pairs
            ],
            paper.introduced,
            [_mention(m) for m in paper.mentions],
            [_link(item) for item in paper.links],
            paper.folded,
        ]
        for key, paper in cache.papers.items()
    }
    text = json.dumps(header, ensure_ascii=False) + "\n" + json.dumps(papers, ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)


def decode_cache(data: bytes, wanted: str) -> ExtractionCache | None:
    """The cache in ``data`` when it was made by extractor version ``wanted``, else None
    (so is a file that does not decode: the cache only saves time)."""
    try:
        text = gzip.decompress(data).decode("utf-8")
        first, _newline, rest = text.partition("\n")
        header = json.loads(first)
        if header.get("version") != wanted:
            return None
        papers = {key: _paper(item) for key, item in json.loads(rest).items()}
        return ExtractionCache(
            wanted,
            tuple((str(name), str(kind)) for name, kind in header["defined"]),
            frozenset(header["generic"]),
            papers,
        )
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _paper(item: list[Any]) -> CachedPaper:
    pairs, introduced, mentions, links, folded = item
    return CachedPaper(
        tuple(tuple(Abbreviation(*p) for p in s) for s in pairs),
        tuple((name, kind, evidence) for name, kind, evidence in introduced),
        tuple(
            EntityMention(k, n, kd, RelType(r), s, kn, src, sp, Basis(b), c, v)
            for k, n, kd, r, s, kn, src, sp, b, c, v in mentions
        ),
        tuple(Repo(*link) if len(link) == 5 else Link(*link) for link in links),
        folded,
    )
