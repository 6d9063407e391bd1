"""The curated list of known method and dataset names, and matching it against text.

The list ships as package data (``graph/data/gazetteer.json``) and can be extended with a
user file of the same shape (``--gazetteer``). Names match with case, hyphens, spaces and
dots folded ("GPT-4o" = "gpt 4o"), except entries marked ``case_sensitive`` (names that are
also ordinary words, like "SAM" or "Whisper"), which match only as spelled.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TypeAlias

from paperkg.errors import InputError
from paperkg.loaders.json_records import json_value
from paperkg.loaders.text_file import read_text

__all__ = [
    "KINDS",
    "OTHER_KINDS",
    "Gazetteer",
    "GazetteerEntry",
    "Match",
    "entity_key",
    "load_gazetteer",
]

#: The kinds of entity that become nodes.
KINDS = ("method", "dataset")
#: Kinds a gazetteer may give names that look like methods or datasets but are neither:
#: matched so that nothing else claims them, never made nodes.
OTHER_KINDS = ("metric", "hardware", "software", "organization")
#: Longest name or alias a gazetteer file may give (the shipped list's longest is 55): names
#: compile into one regular expression, and one far longer would not compile.
MAX_NAME_CHARS = 200

#: Size and variant suffixes that stay part of the family: "Llama-3-8B" is Llama 3, "ViT-L/16"
#: is ViT.
_SUFFIX = (
    r"(?:[-\s](?:\d+(?:\.\d+)?[BMKbmk]|\d{2,3}|XXL|XL|Large|Base|Small|Tiny|Mini|Instruct|"
    r"Chat|Turbo|large|base|small|tiny|mini|instruct|chat|Lite|Verified|(?:19|20)\d\d)"
    r"(?!\w|\.\d)|-[SBLHG](?:/\d+)?(?!\w|\.\d))*"
)
#: Hyphenated words that describe a use of the name rather than extend it ("LoRA-based").
_DESCRIPTIVE = r"(?:based|style|like|guided|aware|driven|free|specific|only|level|inspired)\b"


def entity_key(name: str) -> str:
    """The identity of a name: NFKC, case-folded, everything but letters and digits dropped.

    >>> entity_key("GPT-4o") == entity_key("gpt 4o") == entity_key("GPT4o")
    True
    """
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


@dataclass(frozen=True)
class GazetteerEntry:
    """One known name: its display ``name``, ``kind``, spellings and whether case matters."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def key(self) -> str:
        return entity_key(self.name)


@dataclass(frozen=True)
class Match:
    """A known name found in text at ``start:end`` (``text`` is the spelling found)."""

    entry: GazetteerEntry
    start: int
    end: int
    text: str


_CHUNK = re.compile(r"[^\W_]+|[^\w\s.-]")


def _spelling_pattern(spelling: str) -> str:
    """Letters and digits as written; hyphens, spaces and dots between them optional."""
    return r"[\s.\-]?".join(re.escape(c) for c in _CHUNK.findall(spelling))


_SEPARATOR = ""  # trie token between chunks; stands for the optional separator
#: A trie of spellings: a token leads to the rest; the key None marks where a spelling ends.
_Trie: TypeAlias = dict["str | None", "_Trie"]


def _trie_pattern(spellings: Iterable[str]) -> str:
    """One regular expression matching every spelling as ``_spelling_pattern`` does, as a
    trie: shared prefixes are tried once, so hundreds of names cost little more than one."""
    trie: _Trie = {}
    for spelling in spellings:
        node = trie
        for number, chunk in enumerate(_CHUNK.findall(spelling)):
            if number:
                node = node.setdefault(_SEPARATOR, {})
            for char in chunk:
                node = node.setdefault(char, {})
        node[None] = {}

    def emit(node: _Trie) -> str:
        ends = None in node
        branches = [
            (r"[\s.\-]?" if token == _SEPARATOR else re.escape(token)) + emit(child)
            for token, child in sorted((t, c) for t, c in node.items() if t is not None)
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) == 1 else f"{body}?"
        return body

    return emit(trie)


def _compact(spelling: str) -> str:
    """A spelling without the separators its pattern makes optional: what it and every text
    its pattern matches have in common."""
    return "".join(_CHUNK.findall(spelling))


class Gazetteer:
    """Known names compiled into two regular expressions (case-folded and case-sensitive)."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries: dict[str, GazetteerEntry] = {}
        self._by_spelling: dict[tuple[bool, str], GazetteerEntry] = {}
        self._keys: dict[str, str] = {}
        for entry in entries:
            self.entries.setdefault(entry.key, entry)
            for spelling in (entry.name, *entry.aliases):
                key = entity_key(spelling) if not entry.case_sensitive else _compact(spelling)
                self._by_spelling.setdefault((entry.case_sensitive, key), entry)
        self._folded = self._compile(False)
        self._exact = self._compile(True)

    def _compile(self, case_sensitive: bool) -> re.Pattern[str] | None:
        spellings = {
            spelling if case_sensitive else spelling.lower()
            for entry in self.entries.values()
            if entry.case_sensitive == case_sensitive
            for spelling in (entry.name, *entry.aliases)
        }
        if not spellings:
            return None
        body = _trie_pattern(spellings)
        return re.compile(
            rf"(?<![\w\-])(?:{body})(?!\.\d)(?:s(?=[\s,.;:)]))?{_SUFFIX}(?![\w])"
            rf"(?!-(?!{_DESCRIPTIVE})\w)",
            0 if case_sensitive else re.IGNORECASE,
        )

    def _entry_for(self, found: str, case_sensitive: bool) -> GazetteerEntry | None:
        stem = re.sub(_SUFFIX + "$", "", found) if found else found
        # "Transformers", "ViTs": a plural names the family
        for candidate in (found, stem, stem[:-1] if stem.endswith("s") else stem):
            key = _compact(candidate) if case_sensitive else entity_key(candidate)
            entry = self._by_spelling.get((case_sensitive, key))
            if entry is not None:
                return entry
        return None

    def find(self, text: str) -> Iterator[Match]:
        """Known names in ``text``, longest first where they overlap, in text order."""
        hits: list[Match] = []
        for pattern, case_sensitive in ((self._folded, False), (self._exact, True)):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                entry = self._entry_for(m.group(0), case_sensitive)
                if entry is not None:
                    hits.append(Match(entry, m.start(), m.end(), m.group(0)))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        end = -1
        for hit in hits:
            if hit.start >= end:
                end = hit.end
                yield hit

    def key_of(self, name: str) -> str:
        """The key a name gets: its gazetteer entry's when the whole name is known, else its own."""
        if name not in self._keys:
            self._keys[name] = next(
                (
                    match.entry.key
                    for match in self.find(name)
                    if match.start == 0 and match.end == len(name.strip())
                ),
                entity_key(name),
            )
        return self._keys[name]


def _shown(name: str) -> str:
    """A name as error messages show it: on one line, at most 60 characters."""
    return " ".join(name.split())[:60]


def _entries(data: object, source: str) -> Iterator[GazetteerEntry]:
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError('expected an object with an "entries" list', path=source)
    for index, item in enumerate(items):
        where = f"entries[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(f'{where}: needs a "name" string', path=source)
        named = f"{where} ({_shown(item['name'])})"
        kind = item.get("kind")
        if kind not in KINDS + OTHER_KINDS:
            raise InputError(f'{named}: "kind" must be one of {KINDS + OTHER_KINDS}', path=source)
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InputError(f'{named}: "aliases" must be a list of strings', path=source)
        case_sensitive = item.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise InputError(f'{named}: "case_sensitive" must be true or false', path=source)
        too_long = next((s for s in (item["name"], *aliases) if len(s) > MAX_NAME_CHARS), None)
        if too_long is not None:
            raise InputError(
                f"{named}: the name or alias {too_long[:40]!r}... is longer than "
                f"{MAX_NAME_CHARS} characters",
                path=source,
            )
        if entity_key(item["name"]):
            yield GazetteerEntry(item["name"], kind, tuple(aliases), case_sensitive)


def load_gazetteer(extra: Iterable[str | Path] = ()) -> Gazetteer:
    """The shipped gazetteer plus any user files (their entries win on the same key)."""
    shipped = files("paperkg.graph").joinpath("data/gazetteer.json")
    entries: list[GazetteerEntry] = []
    for path in extra:
        if not Path(path).exists():
            raise InputError("no such gazetteer file", path=str(path))
        text = read_text(Path(path))[0]  # other errors name the file (and line) too
        try:
            data = json_value(text, str(path))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON ({exc.msg})", path=str(path), line=exc.lineno
            ) from exc
        entries.extend(_entries(data, str(path)))
    entries.extend(_entries(json.loads(shipped.read_text(encoding="utf-8")), str(shipped)))
    return Gazetteer(entries)
