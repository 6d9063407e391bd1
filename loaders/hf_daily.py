"""Hugging Face daily papers API JSON: a list of entries, each with a ``paper`` object
(arXiv id, title, summary, authors, publishedAt, and where present githubRepo and
ai_keywords) and the entry's own ``publishedAt``, the day Hugging Face listed it.
:func:`fetch_hf_daily` saves one day of it as served."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.errors import InputError
from paperkg.loaders.http import (
    FetchConfig,
    Pacer,
    Rejected,
    Session,
    base_url,
    parse_json_list,
    run_fetch,
)
from paperkg.loaders.json_fields import (
    object_list,
    optional_date,
    optional_text,
    required_text,
    string_list,
)
from paperkg.loaders.json_records import json_value
from paperkg.loaders.records import PaperRecord

if TYPE_CHECKING:
    import httpx

__all__ = ["FORMAT", "fetch_hf_daily", "parse", "sniff"]

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
            published=optional_date(paper.get("publishedAt")),
            listed_on=optional_date(entry.get("publishedAt")),
            arxiv_id=arxiv_id,
            url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
            authors=authors,
            repos=(repo,) if repo else (),
            keywords=string_list(paper.get("ai_keywords")),
        )


def fetch_hf_daily(
    day: date,
    out_dir: Path | str,
    config: FetchConfig,
    client: httpx.Client,
    *,
    pacer: Pacer | None = None,
) -> Path:
    """Save the Hugging Face daily papers of ``day`` as served: ``hf-daily-YYYY-MM-DD.json``."""
    url = f"{base_url(config.hf_base)}/api/daily_papers"

    def check(data: bytes) -> tuple[bytes, list[Any]]:
        entries = parse_json_list(data)
        if not all(isinstance(e, dict) and isinstance(e.get("paper"), dict) for e in entries):
            raise ValueError("entries without a 'paper' object")
        return data, entries

    def work(session: Session) -> tuple[str, bytes]:
        data, entries = session.request(
            "GET",
            url,
            params={"date": day.isoformat()},
            parse=check,
            hint="check the date (YYYY-MM-DD, not in the future)",
        )
        if not entries:
            raise Rejected(
                f"GET {url}?date={day.isoformat()} listed no papers; daily pages exist for "
                "weekdays up to today, pick another --date"
            )
        return f"hf-daily-{day.isoformat()}.json", data

    return run_fetch(client, config, pacer, out_dir, work)
