"""OpenAlex works (single objects, lists, ``{"results": [...]}`` pages or JSON lines):
``id``, ``doi``, ``ids``, ``display_name``/``title``, ``abstract_inverted_index`` (rebuilt
into text), ``publication_date``, ``authorships`` and ``referenced_works``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paperkg.errors import InputError
from paperkg.loaders.json_fields import clean_text, object_list, optional_date, optional_text
from paperkg.loaders.json_records import json_objects
from paperkg.loaders.records import PaperRecord, WorkRef

__all__ = ["FORMAT", "SOURCE", "abstract_text", "parse", "sniff"]

FORMAT = "openalex"
SOURCE = "openalex"


def sniff(head: str) -> bool:
    return head.lstrip()[:1] in ("[", "{") and "openalex.org/W" in head


def _short(value: Any, prefix: str) -> str | None:
    """``https://openalex.org/W123`` -> ``w123``; ``https://doi.org/10.1/x`` -> ``10.1/x``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return (text[len(prefix) :] if text.lower().startswith(prefix) else text).lower()


def abstract_text(index: Any) -> str:
    """The abstract rebuilt from OpenAlex's inverted index (word -> positions)."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if isinstance(positions, list):
            for position in positions:
                if isinstance(position, int) and position >= 0:
                    placed[position] = word
    return clean_text(" ".join(placed[i] for i in sorted(placed)))


def parse(text: str, path: str) -> Iterator[PaperRecord]:
    for position, label, item in json_objects(text, path):
        line = position if label.startswith("line") else None
        title = optional_text(item, "display_name") or optional_text(item, "title")
        if not title:
            raise InputError(
                f"{label}: needs a 'display_name' or 'title' string", path=path, line=line
            )
        ids = item.get("ids") if isinstance(item.get("ids"), dict) else {}
        arxiv = _short(ids.get("arxiv"), "https://arxiv.org/abs/")
        yield PaperRecord(
            title=title,
            abstract=abstract_text(item.get("abstract_inverted_index")),
            path=path,
            line=position,
            published=optional_date(item.get("publication_date")),
            arxiv_id=arxiv,
            doi=_short(item.get("doi") or ids.get("doi"), "https://doi.org/"),
            authors=tuple(
                a["author"]["display_name"]
                for a in object_list(item.get("authorships"))
                if isinstance(a, dict)
                and isinstance(a.get("author"), dict)
                and isinstance(a["author"].get("display_name"), str)
            ),
            openalex_id=_short(item.get("id"), "https://openalex.org/"),
            references=tuple(
                WorkRef((f"openalex:{ref}",))
                for ref in (
                    _short(w, "https://openalex.org/")
                    for w in object_list(item.get("referenced_works"))
                )
                if ref
            ),
            citation_source=SOURCE,
        )
