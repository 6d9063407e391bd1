"""Hugging Face daily papers API JSON: a list of entries, each with a ``paper`` object
(arXiv id, title, summary, authors, publishedAt, and where present githubRepo and
ai_keywords)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from paperkg.errors import InputError
from paperkg.loaders.json_fields import (
    object_list,
    optional_date,
    optional_text,
    required_text,
    string_list,
)
from paperkg.loaders.json_records import json_value
from paperkg.loaders.records import PaperRecord

__all__ = ["FORMAT", "parse", "sniff"]

FORMAT = "hf-daily"


def sniff(head: str) -> bool:
    """JSON that starts like a daily-papers response: entries holding a ``paper`` object."""
    start = head.lstrip()[:1]
    return start in ("[", "{") and '"paper"' in head and '"summary"' in head


def parse(text: str, path: str) -> Iterator[PaperRecord]:
    """One record per entry; an entry without a usable paper is an error naming its index."""
    try:
        data = json_value(text, path)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from exc
    entries = data if isinstance(data, list) else [data]
    for index, entry in enumerate(entries):
        where = f"entry [{index}]"
        paper = entry.get("paper") if isinstance(entry, dict) else None
        if not isinstance(paper, dict):
            raise InputError(f"{where}: expected an object with a 'paper' object", path=path)
        arxiv_id = optional_text(paper, "id")
        authors = tuple(
            a["name"].strip()
            for a in object_list(paper.get("authors"))
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
        )
        repo = optional_text(paper, "githubRepo")
        yield PaperRecord(
            title=required_text(paper, "title", path, where),
            abstract=required_text(paper, "summary", path, where),
            path=path,
            line=index,
            published=optional_date(paper.get("publishedAt") or entry.get("publishedAt")),
            arxiv_id=arxiv_id,
            url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
            authors=authors,
            repos=(repo,) if repo else (),
            keywords=string_list(paper.get("ai_keywords")),
        )
