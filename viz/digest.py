"""The digest as a file: Markdown (for notes and chat) or one offline HTML page that links each
paper, method, dataset and topic into the snapshot's site (``KG/site``) where it has a page,
else to the paper's arXiv, DOI or web page. The format follows the file's suffix.

Links into the site are relative when the digest is written beside it (the site folder is
inside the digest's folder, or the digest inside the site), so the two move together; else
they are absolute ``file://`` URLs. Only http(s) URLs reach a page from the data; the HTML is
autoescaped and asks the network for nothing (its content security policy allows no fetch).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.analytics.timeline import TERM, TimedBurst
from paperkg.graph.export.files import write_atomically
from paperkg.graph.extract.urls import is_web_url
from paperkg.graph.report.digest import Digest, DigestPaper, EarlierPaper
from paperkg.graph.schema import RelType
from paperkg.viz.html import environment
from paperkg.viz.site import INDEX, page_of
from paperkg.viz.timeline import burst_kind

__all__ = [
    "FORMATS",
    "DigestFile",
    "DigestLinks",
    "digest_format",
    "digest_html",
    "digest_markdown",
    "heading_text",
    "ranked_text",
    "web_link",
    "write_digest",
]

#: File suffix -> format of the digest.
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_MARKDOWN_SPECIAL = set("\\`*_[]<>&|#!~")
_RELATION: dict[str, str] = {
    RelType.INTRODUCES: "introduces",
    RelType.USES: "uses",
    RelType.EVALUATES_ON: "evaluates on",
}


@dataclass(frozen=True)
class DigestFile:
    """What was written: the file, its format, its size in bytes, its window (ISO days), how
    many papers it lists and the site it links into (None: no site, links go to the web)."""

    path: str
    format: str
    bytes: int
    since: str
    until: str
    papers: int
    site: str | None


def web_link(paper: dict[str, Any]) -> str | None:
    """A paper's page on the web: arXiv, else its DOI, else its own URL (http(s) only)."""
    if paper.get("arxiv_id"):
        return f"https://arxiv.org/abs/{paper['arxiv_id']}"
    if paper.get("doi"):
        return f"https://doi.org/{paper['doi']}"
    url = str(paper.get("url") or "").strip()
    return url if url and is_web_url(url) else None


class DigestLinks:
    """Where each paper, entity and topic of a digest links: its page in ``site`` (when the
    site holds it) as seen from ``output``, else (papers) the web."""

    def __init__(self, graph: nx.MultiDiGraph[str], site: Path | None, output: Path) -> None:
        self.graph = graph
        self.site = site if site is not None and (site / INDEX).is_file() else None
        self.output = output

    def _href(self, target: Path) -> str:
        folder = self.output.resolve().parent
        site = self.site.resolve() if self.site is not None else folder
        if site.is_relative_to(folder) or folder.is_relative_to(site):
            return Path(os.path.relpath(target.resolve(), folder)).as_posix()
        return target.resolve().as_uri()

    def node(self, node: str) -> str | None:
        """The site page of ``node`` as a link, None when there is no site or no page."""
        if self.site is None or node not in self.graph:
            return None
        page = page_of(node, self.graph.nodes[node])
        if page is None or not (self.site / page).is_file():
            return None
        return self._href(self.site / page)

    def paper(self, paper: DigestPaper | EarlierPaper) -> str | None:
        data = self.graph.nodes[paper.id] if paper.id in self.graph else {}
        return self.node(paper.id) or web_link(data)

    def topic(self, cluster: int) -> str | None:
        return None if cluster < 0 else self.node(f"cluster:{cluster}")

    def burst(self, burst: TimedBurst) -> str | None:
        return None if burst.kind == TERM else self.node(burst.key)

    def home(self) -> str | None:
        return None if self.site is None else self._href(self.site / INDEX)


def window_text(found: Digest) -> str:
    """'2026-04-08' or '2026-04-06 to 2026-04-12'."""
    return found.since if found.since == found.until else f"{found.since} to {found.until}"


def heading_text(found: Digest) -> str:
    """The page's title: 'New papers, WINDOW', or 'New papers for TAG, WINDOW'."""
    for_tag = f" for {found.tag.tag}" if found.tag is not None else ""
    return f"New papers{for_tag}, {window_text(found)}"


def ranked_text(paper: DigestPaper) -> str:
    """'#2, score 0.84: why', or '' for a paper of a digest without a tag."""
    if paper.ranked is None:
        return ""
    return f"#{paper.ranked.rank}, score {paper.ranked.score:.2f}: {paper.ranked.why}"


def group_name(cluster: int, label: str, noun: str) -> str:
    """'6: legged, quadruped' or 'in no topic'."""
    if cluster < 0:
        return f"in no {noun}"
    return f"{cluster}: {label}" if label else f"{noun} {cluster}"


def digest_html(found: Digest, links: DigestLinks) -> str:
    """The digest as one self-contained HTML page (no script, no network)."""
    return (
        environment()
        .get_template("digest.html")
        .render(
            digest=found,
            window=window_text(found),
            heading=heading_text(found),
            summary=_summary(found),
            ranked_text=ranked_text,
            links=links,
            burst_kind=burst_kind,
            group_name=group_name,
            relation=_RELATION,
        )
    )


def _md(text: object) -> str:
    """Text made inert for Markdown: one line, its special characters backslash-escaped."""
    line = " ".join(str(text).split())
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in line)


def _md_link(text: object, url: str | None) -> str:
    if url is None or not is_web_url(url):
        return _md(text)
    safe = "".join(f"%{ord(c):02X}" if c in "<>() " else c for c in url)
    return f"[{_md(text)}](<{safe}>)"


def digest_markdown(found: Digest, graph: nx.MultiDiGraph[str]) -> str:
    """The digest as Markdown; papers link to arXiv, DOI or their web page."""

    def web(paper: DigestPaper | EarlierPaper) -> str | None:
        return web_link(graph.nodes[paper.id]) if paper.id in graph else None

    lines = [f"# {_md(heading_text(found))}", ""]
    lines.append(_summary(found))
    lines.append("")
    if found.bursts:
        lines += ["## Bursting", ""]
        lines += [
            f"- {_md(b.name)} ({burst_kind(b)}): {b.start} to {b.end}, {b.papers} papers, "
            f"weight {b.weight:.2f}"
            for b in found.bursts
        ]
        lines.append("")
    for topic in found.topics:
        lines += [f"## Topic {_md(group_name(topic.id, topic.label, 'topic'))}", ""]
        for cluster in topic.clusters:
            if len(topic.clusters) > 1:
                lines += [f"### Cluster {_md(group_name(cluster.id, cluster.label, 'cluster'))}"]
                lines.append("")
            for paper in cluster.papers:
                lines.append(f"- **{_md_link(paper.title, web(paper))}** ({paper.published})")
                if paper.ranked is not None:
                    lines.append(f"  - {_md(ranked_text(paper))}")
                for relation, names in _entities_by_relation(paper).items():
                    lines.append(f"  - {_RELATION[relation]}: {', '.join(map(_md, names))}")
                if paper.code:
                    code = ", ".join(_md_link(url, url) for url in paper.code)
                    lines.append(f"  - code: {code}")
                if paper.earlier:
                    lines.append(
                        "  - closest earlier"
                        + (" (nothing earlier is close: new ground)" if paper.new_ground else "")
                        + ": "
                        + "; ".join(
                            f"{_md_link(e.title, web(e))} ({e.published}, cosine {e.cosine:.2f}"
                            + (", also new)" if e.also_new else ")")
                            for e in paper.earlier
                        )
                    )
                elif paper.new_ground:
                    lines.append("  - no earlier paper among its nearest ones: new ground")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _summary(found: Digest) -> str:
    count = found.papers
    text = (
        f"{count} new paper{'' if count == 1 else 's'} in {len(found.topics)} "
        f"topic{'' if len(found.topics) == 1 else 's'}."
        if count
        else "No paper is dated in this window."
    )
    if found.tag is not None:
        ranking = found.tag
        text = (
            f"The {count} best of {ranking.candidates} new papers for {ranking.tag} "
            f"(ranked by {ranking.mode}), in {len(found.topics)} "
            f"topic{'' if len(found.topics) == 1 else 's'}, best first."
            if count
            else f"No new paper in this window to rank for {ranking.tag}."
        )
        text += f" {ranking.note}" if ranking.note else ""
    text += f" The snapshot's newest paper is dated {found.newest}."
    if found.undated:
        text += f" {found.undated} papers have no date and are in no digest."
    return text


def _entities_by_relation(paper: DigestPaper) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entity in paper.entities:
        found.setdefault(entity.relation, []).append(entity.name)
    return found


def digest_format(path: Path) -> str:
    """The format ``path``'s suffix asks for; any other suffix is a ``ParameterError``."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(
            f"output must end in .html or .md (the digest's format), got "
            f"{path.suffix or 'no suffix'!r} in {path.name}",
            param="output",
        )
    return fmt


def write_digest(
    found: Digest,
    graph: nx.MultiDiGraph[str],
    path: str | Path,
    *,
    site: Path | None = None,
    force: bool = False,
) -> DigestFile:
    """Write ``found`` to ``path`` as HTML or Markdown (by its suffix), atomically; an
    existing file is replaced only with ``force``. The HTML links into ``site`` (a folder
    ``paperkg site`` wrote) where it has the page."""
    target = Path(path)
    fmt = digest_format(target)
    links = DigestLinks(graph, site, target)
    text = digest_html(found, links) if fmt == "html" else digest_markdown(found, graph)
    size = write_atomically(target, lambda tmp: tmp.write_text(text, encoding="utf-8"), force=force)
    linked = links.site if fmt == "html" else None
    return DigestFile(
        str(target),
        fmt,
        size,
        found.since,
        found.until,
        found.papers,
        str(linked) if linked else None,
    )
