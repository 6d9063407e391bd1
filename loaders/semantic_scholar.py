"""Semantic Scholar Graph API paper JSON (single objects, lists, ``{"data": [...]}`` pages or
JSON lines): ``paperId``, ``externalIds`` (ArXiv, DOI), ``title``, ``abstract``, ``year`` /
``publicationDate``, ``authors``, and ``references`` / ``citations`` lists of papers.

:func:`fetch_s2` asks the Graph API's batch endpoint for papers by id and saves the list."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.errors import FetchError
from paperkg.loaders.http import (
    FetchConfig,
    Pacer,
    Rejected,
    Session,
    base_url,
    chunks,
    digest,
    dump_json,
    need_ids,
    parse_json_list,
    run_fetch,
    unique,
)
from paperkg.loaders.ids import is_arxiv_id, is_doi
from paperkg.loaders.json_fields import object_list, optional_date, optional_text, required_text
from paperkg.loaders.json_records import json_objects
from paperkg.loaders.records import PaperRecord, WorkRef

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FORMAT",
    "S2_BATCH",
    "S2_FIELDS",
    "S2_LINK_FIELDS",
    "SOURCE",
    "fetch_s2",
    "paper_keys",
    "parse",
    "s2_request_id",
    "sniff",
    "work_refs",
]

FORMAT = "semantic-scholar"
SOURCE = "semantic_scholar"
#: Ids per batch request (the endpoint takes up to 500).
S2_BATCH = 500
#: The fields fetched of each paper, and of its references and citations with --with-references.
S2_FIELDS = ("paperId", "externalIds", "title", "abstract", "year", "publicationDate", "authors")
S2_LINK_FIELDS = tuple(
    f"{kind}.{name}" for kind in ("references", "citations") for name in S2_FIELDS[:3]
)
_S2_PREFIXES = ("arxiv", "doi", "corpusid", "mag", "acl", "pmid", "pmcid", "url")
_S2_PAPER_ID = re.compile(r"[0-9a-f]{40}")


def sniff(head: str) -> bool:
    return head.lstrip()[:1] in ("[", "{") and '"paperId"' in head


def _external_ids(paper: dict[str, Any]) -> dict[str, Any]:
    """A paper's ``externalIds`` object (ArXiv, DOI, ...), empty when it has none."""
    ids = paper.get("externalIds")
    return ids if isinstance(ids, dict) else {}


def paper_keys(paper: Any) -> list[str]:
    """Identity keys of a referenced S2 paper: its S2 id, arXiv id and DOI when given."""
    if not isinstance(paper, dict):
        return []
    keys = []
    if isinstance(paper.get("paperId"), str) and paper["paperId"]:
        keys.append(f"s2:{paper['paperId'].lower()}")
    ids = _external_ids(paper)
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
        ids = _external_ids(item)
        year = item.get("year")
        published = optional_date(item.get("publicationDate"))
        year_only = published is None and isinstance(year, int)
        if year_only:
            published = optional_date(str(year))
        arxiv_id = optional_text(ids, "ArXiv")
        yield PaperRecord(
            title=required_text(item, "title", path, label, line),
            abstract=optional_text(item, "abstract") or "",
            path=path,
            line=position,
            published=published,
            year_only=year_only,
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


# --------------------------------------------------------------------------- fetching


def _s2_id(raw: str) -> str:
    """``arXiv:…``, ``DOI:…``, ``CorpusId:…`` and friends pass through; a bare arXiv id or DOI
    gets its prefix; a 40-hex S2 paper id passes as is."""
    text = raw.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in _S2_PREFIXES and rest.strip():
        return text
    if _S2_PAPER_ID.fullmatch(text.lower()):
        return text.lower()
    if is_doi(text):
        return f"DOI:{text}"
    if is_arxiv_id(text):
        return f"arXiv:{text}"
    raise FetchError(
        f"not a Semantic Scholar id: {raw!r}; use arXiv:2401.01234, DOI:10.1234/x, "
        "CorpusId:123 or a 40-hex paper id"
    )


def s2_request_id(keys: Sequence[str]) -> str | None:
    """The batch-endpoint id for a work with identity ``keys`` (``arxiv:…``, ``doi:…``,
    ``s2:…``): its arXiv id, else DOI, else S2 paper id; None when it has none of these."""
    schemes = {key.partition(":")[0]: key.partition(":")[2] for key in reversed(keys)}
    if schemes.get("arxiv"):
        return f"arXiv:{schemes['arxiv']}"
    if schemes.get("doi"):
        return f"DOI:{schemes['doi']}"
    return schemes.get("s2") or None


def fetch_s2(
    ids: Sequence[str],
    out_dir: Path | str,
    config: FetchConfig,
    client: httpx.Client,
    with_references: bool = False,
    *,
    pacer: Pacer | None = None,
) -> Path:
    """Fetch Semantic Scholar papers (optionally with their references and citations) through
    the batch endpoint and save the list, unknown ids dropped: ``s2-<digest>.json``."""
    wanted = unique(_s2_id(i) for i in ids)
    need_ids(wanted, "Semantic Scholar")
    fields = S2_FIELDS + (S2_LINK_FIELDS if with_references else ())
    url = f"{base_url(config.s2_base)}/graph/v1/paper/batch"
    credentials = {"x-api-key": config.s2_api_key} if config.s2_api_key else {}
    hint = (
        "check the ids and the S2 API key (env S2_API_KEY)"
        if config.s2_api_key
        else "check the ids; an S2 API key (env S2_API_KEY) raises the rate limit"
    )
    name = digest([*wanted, "with-references" if with_references else "papers"])

    def work(session: Session) -> tuple[str, bytes]:
        papers: list[dict[str, Any]] = []
        for chunk in chunks(wanted, S2_BATCH):
            found = session.request(
                "POST",
                url,
                params={"fields": ",".join(fields)},
                body={"ids": list(chunk)},
                credentials=credentials,
                parse=parse_json_list,
                hint=hint,
            )
            papers.extend(p for p in found if isinstance(p, dict))
        if not papers:
            raise Rejected(
                f"POST {url}: Semantic Scholar knows none of the {len(wanted)} ids; check --ids"
            )
        return f"s2-{name}.json", dump_json(papers)

    return run_fetch(client, config, pacer, out_dir, work)
