"""Semantic Scholar Graph API paper JSON (single objects, lists, ``{"data": [...]}`` pages or
JSON lines): ``paperId``, ``externalIds`` (ArXiv, DOI), ``title``, ``abstract``, ``year`` /
``publicationDate``, ``authors``, and ``references`` / ``citations`` lists of papers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paperkg.loaders.json_fields import object_list, optional_date, optional_text, required_text
from paperkg.loaders.json_records import json_objects
from paperkg.loaders.records import PaperRecord, WorkRef

__all__ = ["FORMAT", "SOURCE", "paper_keys", "parse", "sniff", "work_refs"]

FORMAT = "semantic-scholar"
SOURCE = "semantic_scholar"


def sniff(head: str) -> bool:
    return head.lstrip()[:1] in ("[", "{") and '"paperId"' in head


def paper_keys(paper: Any) -> list[str]:
    """Identity keys of a referenced S2 paper: its S2 id, arXiv id and DOI when given."""
    if not isinstance(paper, dict):
        return []
    keys = []
    if isinstance(paper.get("paperId"), str) and paper["paperId"]:
        keys.append(f"s2:{paper['paperId'].lower()}")
    ids = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    if isinstance(ids.get("ArXiv"), str):
        keys.append(f"arxiv:{ids['ArXiv'].lower()}")
    if isinstance(ids.get("DOI"), str):
        keys.append(f"doi:{ids['DOI'].lower()}")
    return keys


def work_refs(papers: Any) -> tuple[WorkRef, ...]:
    """The referenced (or citing) papers of a ``references`` / ``citations`` list."""
    found = []
    for paper in papers if isinstance(papers, list) else []:
        keys = paper_keys(paper)
        if keys:
            title = paper.get("title")
            found.append(WorkRef(tuple(keys), title if isinstance(title, str) and title else None))
    return tuple(found)


def parse(text: str, path: str) -> Iterator[PaperRecord]:
    for position, label, item in json_objects(text, path):
        line = position if label.startswith("line") else None
        ids = item.get("externalIds") if isinstance(item.get("externalIds"), dict) else {}
        year = item.get("year")
        published = optional_date(item.get("publicationDate")) or (
            optional_date(str(year)) if isinstance(year, int) else None
        )
        arxiv_id = optional_text(ids, "ArXiv")
        yield PaperRecord(
            title=required_text(item, "title", path, label, line),
            abstract=optional_text(item, "abstract") or "",
            path=path,
            line=position,
            published=published,
            arxiv_id=arxiv_id,
            doi=optional_text(ids, "DOI"),
            url=optional_text(item, "url"),
            authors=tuple(
                a["name"]
                for a in object_list(item.get("authors"))
                if isinstance(a, dict) and isinstance(a.get("name"), str)
            ),
            s2_id=optional_text(item, "paperId"),
            references=work_refs(item.get("references")),
            cited_by=work_refs(item.get("citations")),
            citation_source=SOURCE,
        )
