"""One linked offline site for a snapshot: an overview, a page per topic (both levels), per
paper, per method, dataset and repo, and the bridges, joined by relative links.

The overview, topic, bridges and around pages are the interactive views (``render_html``)
with lists under the map; a node's panel links to its page. They share one copy of the
vis-network script and stylesheet in ``assets/`` (allowed by their content security
policy as ``'self'``, which a ``file://`` page's own folder is). Paper and entity pages are plain
HTML lists, no script at all. Everything opens from ``file://``: no server, no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx

from paperkg.errors import SnapshotError
from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.analytics.timeline import TERM, TimedBurst, Timeline, analyse_time
from paperkg.graph.extract.urls import is_web_url
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.report.around import AroundReport, around
from paperkg.graph.report.topics import bridge_report, cluster_rows
from paperkg.graph.report.works import (
    PaperLinks,
    neighbourhood_of,
    paper_links,
    prior_and_derivative,
)
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Manifest
from paperkg.graph.tags import Tag
from paperkg.viz.around_view import around_sections, around_view
from paperkg.viz.html import SEARCH_INDEX, environment, render_html, write_assets
from paperkg.viz.timeline import timeline_page
from paperkg.viz.views import (
    bridges_view,
    cluster_view,
    isolation_note,
    mark_tagged,
    overview,
)

__all__ = [
    "AROUND_FOLDER",
    "AROUND_PAGES",
    "INDEX",
    "SITE_FOLDER",
    "TIMELINE_PAGE",
    "Item",
    "Section",
    "SiteReport",
    "check_site_folder",
    "page_of",
    "write_site",
]

INDEX = "index.html"
#: The timeline page, written for a dated snapshot only.
TIMELINE_PAGE = "timeline.html"
#: Where ``build --html`` writes the site inside the snapshot folder.
SITE_FOLDER = "site"
_FOLDERS = {
    Label.PAPER: "papers",
    Label.METHOD: "methods",
    Label.DATASET: "datasets",
    Label.REPO: "repos",
    Label.CLUSTER: "topics",
}
#: Papers listed on a topic page, most central first.
_TOP_PAPERS = 60
#: Where the around maps go: ``around/<the paper page's name>``.
AROUND_FOLDER = "around"
#: Papers given an around map (and a related list on their page), the most central first
#: by PageRank; every paper when the corpus has no more. Each costs ~13 ms of ``around`` and
#: a ~100 KiB map at 10,000 papers, so a map per paper would add minutes and ~1 GiB; the
#: other papers' pages say how to draw theirs (``paperkg view around ID``).
AROUND_PAGES = 500
#: Related papers listed on a paper page (its around map lists them all).
_TOP_RELATED = 10
_ENTITY_LINKS = (RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON, RelType.HAS_CODE)


@dataclass(frozen=True)
class Item:
    """One line of a list: its text, the page it links to (relative to the site root; None:
    no link; a web URL for outside links) and a note after it."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A heading and its list."""

    heading: str
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class SiteReport:
    """Where the site was written, how many pages of each kind, and its size in bytes."""

    folder: str
    pages: dict[str, int]
    bytes: int


def _slug(text: str, key: str) -> str:
    """A file name safe everywhere: the readable part of ``text`` and a hash of ``key``."""
    readable = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:50].strip("-")
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{readable}-{digest}" if readable else digest


def page_of(node: str, data: dict[str, Any]) -> str | None:
    """The page of a node, relative to the site root; None for nodes without one (stubs)."""
    kind = data.get("type")
    if kind == Label.CLUSTER:
        cluster = int(data["id"])
        return f"topics/{'unclustered' if cluster == UNCLUSTERED else cluster}.html"
    if kind == Label.PAPER:
        return (
            None if data.get("stub") else f"papers/{_slug(str(data.get('title', '')), node)}.html"
        )
    if kind in _FOLDERS:
        name = str(data.get("name") or data.get("url") or node)
        return f"{_FOLDERS[kind]}/{_slug(name, node)}.html"
    return None


def _relative(page: str, target: str | None) -> str | None:
    """``target`` (site-relative, or a web URL) as a link from ``page``; by the names alone,
    as ``posixpath.relpath`` would give it without its file-system calls (once per link)."""
    if target is None or is_web_url(target):
        return target
    here, there = page.split("/")[:-1], target.split("/")
    same = 0
    while same < min(len(here), len(there) - 1) and here[same] == there[same]:
        same += 1
    return "/".join([".."] * (len(here) - same) + there[same:])


class _Site:
    """The graph, every node's page, and the pages written so far."""

    def __init__(
        self,
        graph: nx.MultiDiGraph[str],
        folder: Path,
        seed: int,
        manifest: Manifest | None,
        tags: Sequence[Tag] = (),
    ) -> None:
        self.graph = graph
        self.tags = tags
        self.folder = folder
        self.seed = seed
        self.manifest = manifest
        self.pages = {n: p for n, d in graph.nodes(data=True) if (p := page_of(n, d))}
        self.counts: dict[str, int] = {}
        self.mapped = _most_central(graph, AROUND_PAGES)
        self.labels = {
            int(d["id"]): str(d.get("label") or "")
            for _n, d in graph.nodes(data=True)
            if d.get("type") == Label.CLUSTER
        }

    def link(self, node: str, note: str = "") -> Item:
        data = self.graph.nodes[node]
        if data.get("type") == Label.CLUSTER:
            text = f"{data['id']}: {data.get('label') or '(unlabelled)'}"
        elif data.get("type") == Label.REPO:
            text = str(data.get("url"))
        else:
            text = str(data.get("title") or data.get("name") or node)
        return Item(text, self.pages.get(node), note)

    def topic_link(self, cluster: object) -> Item | None:
        if not isinstance(cluster, int) or cluster == UNCLUSTERED:
            return None
        node = f"cluster:{cluster}"
        return self.link(node) if node in self.graph else None

    def around_page(self, node: str) -> str:
        """The around map's page of a paper: its page's name in ``AROUND_FOLDER``."""
        return f"{AROUND_FOLDER}/{self.pages[node].split('/', 1)[1]}"

    def write(self, page: str, html: str, kind: str) -> None:
        path = self.folder / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def sections(self, page: str, sections: Iterable[Section]) -> list[dict[str, Any]]:
        """Sections with every link made relative to ``page`` (for the templates)."""
        return [
            {
                "heading": s.heading,
                "items": [
                    {"text": i.text, "href": _relative(page, i.href), "note": i.note}
                    for i in s.items
                ],
            }
            for s in sections
            if s.items
        ]

    def node_pages(self, page: str, nodes: Iterable[str]) -> dict[str, str]:
        return {n: href for n in nodes if (href := _relative(page, self.pages.get(n)))}

    @cached_property
    def paper_links(self) -> PaperLinks:
        """Citations and similarity of every paper, indexed once for all paper pages."""
        return paper_links(self.graph)

    @cached_property
    def list_template(self) -> jinja2.Template:
        """The paper and entity pages' template, compiled once (not once per page)."""
        return environment().get_template("page.html")

    @cached_property
    def topic_members(self) -> dict[object, list[str]]:
        """Each cluster's and topic's papers, most central first: one pass over the nodes,
        not one per topic page."""
        members: dict[object, list[str]] = {}
        for node, data in self.graph.nodes(data=True):
            if is_paper(data):
                for group in {data.get("cluster"), data.get("topic")}:
                    members.setdefault(group, []).append(node)
        for papers in members.values():
            papers.sort(key=lambda n: (-self.graph.nodes[n].get("pagerank", 0.0), n))
        return members

    @cached_property
    def named(self) -> dict[object, dict[object, str]]:
        """Node of each kind and name (the last one of a name, as a dict built per call had)."""
        found: dict[object, dict[object, str]] = {}
        for node, data in self.graph.nodes(data=True):
            found.setdefault(data.get("type"), {})[data.get("name")] = node
        return found


def check_site_folder(folder: Path) -> None:
    """Refuse a folder a site may not replace: one holding files but no site (``INDEX``)."""
    if folder.is_file() or (
        folder.is_dir() and any(folder.iterdir()) and not (folder / INDEX).is_file()
    ):
        raise SnapshotError(
            f"{folder} holds files and no {INDEX}: give a new or empty folder for the site"
        )


def write_site(
    graph: nx.MultiDiGraph[str],
    folder: str | Path,
    *,
    seed: int = 42,
    manifest: Manifest | None = None,
    timeline: Timeline | None = None,
    tags: Sequence[Tag] = (),
) -> SiteReport:
    """Write the whole site into ``folder`` (new or empty, or a site paperkg wrote, which is
    replaced whole); returns what was written. The snapshot's ``manifest``, when given,
    lets a paper without neighbours say which build setting left it alone; its
    ``timeline`` (``timeline.json``; None: computed here) gives the timeline page when
    papers are dated. The papers of ``tags`` are marked on the maps (a star, a gold border,
    their tags in the panel)."""
    target = Path(folder)
    check_site_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        site = _Site(graph, scratch, seed, manifest, tags)
        write_assets(scratch / "assets")
        _search_index(site)
        if timeline is None:  # computed on a copy: the caller's graph is left as it is
            timeline = analyse_time(graph.copy())
        _index(site, _timeline_note(timeline))
        if timeline.periods:
            _timeline(site, timeline)
        _topics(site)
        _bridges(site)
        for node, data in graph.nodes(data=True):
            if node not in site.pages:
                continue
            if is_paper(data):
                report = around(graph, [node]) if node in site.mapped else None
                _paper(site, node, report)
                if report is not None:
                    _around(site, node, report)
            elif data.get("type") in (Label.METHOD, Label.DATASET, Label.REPO):
                _entity(site, node)
        size = sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())
        mask = os.umask(0)
        os.umask(mask)
        scratch.chmod(0o777 & ~mask)  # mkdtemp makes it private; a site is for sharing
        if target.exists():
            shutil.rmtree(target)
        scratch.rename(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return SiteReport(str(target), dict(sorted(site.counts.items())), size)


def _graph_page(site: _Site, page: str, view: Any, sections: list[Section], kind: str) -> None:
    html = render_html(
        mark_tagged(view, site.tags),
        seed=site.seed,
        pages=site.node_pages(page, view.nodes),
        sections=site.sections(page, sections),
        home=_relative(page, INDEX),
        assets="../assets/" if "/" in page else "assets/",
        site_root="../" if "/" in page else "",
    )
    site.write(page, html, kind)


def _most_central(graph: nx.MultiDiGraph[str], most: int) -> set[str]:
    """The ``most`` corpus papers of highest PageRank (ties by id): those with a page."""
    papers = [n for n, d in graph.nodes(data=True) if is_paper(d) and not d.get("stub")]
    if len(papers) <= most:
        return set(papers)
    papers.sort(key=lambda n: (-graph.nodes[n].get("pagerank", 0.0), n))
    return set(papers[:most])


def _search_index(site: _Site) -> None:
    """Every page's kind, name and path in one script the map pages load, so their search
    lists what they do not draw (a method on the overview) and links to its page."""
    entries = []
    for node, page in site.pages.items():
        data = site.graph.nodes[node]
        kind = str(data.get("type", ""))
        if kind == Label.CLUSTER and data.get("level", 2) == 1:
            kind = "Topic"
        entries.append([kind, site.link(node).text, page])
    entries.sort(key=lambda e: (e[0], e[1]))
    script = f"window.paperkgSiteIndex = {json.dumps(entries, ensure_ascii=True)};\n"
    (site.folder / "assets" / SEARCH_INDEX).write_text(script, encoding="utf-8")


def _timeline_note(timeline: Timeline) -> Item:
    """The index's line for the timeline: a link when there is one, else why not."""
    if not timeline.periods:
        return Item(
            "No timeline: no paper has a date (build with --year for listing pages "
            "without a year, or from sources that carry dates)"
        )
    return Item(
        "Papers per period and topic, and what burst",
        TIMELINE_PAGE,
        f"{len(timeline.periods)} {timeline.unit}s, {timeline.periods[0]} to "
        f"{timeline.period_ends[-1]}",
    )


def _timeline(site: _Site, timeline: Timeline) -> None:
    """The timeline page: the chart, the topics' rows and the bursts, linked to their pages."""
    topic_hrefs: dict[int, str] = {}
    parents: dict[int, int] = {}
    for node, data in site.graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and node in site.pages:
            topic_hrefs[int(data["id"])] = site.pages[node]
            if isinstance(data.get("topic"), int):
                parents[int(data["id"])] = int(data["topic"])

    def burst_href(burst: TimedBurst) -> str | None:
        return None if burst.kind == TERM else site.pages.get(burst.key)

    html = timeline_page(
        timeline, parents=parents, topic_hrefs=topic_hrefs, burst_href=burst_href, home=INDEX
    )
    site.write(TIMELINE_PAGE, html, "timeline")


def _index(site: _Site, timeline: Item) -> None:
    graph = site.graph
    topics = []
    for row in cluster_rows(graph, 1):
        topics.append(site.link(f"cluster:{row.id}", f"{row.size} papers"))
        for sub in row.subtopics:
            item = site.link(f"cluster:{sub}", f"{graph.nodes[f'cluster:{sub}']['size']} papers")
            topics.append(Item(f"  ↳ {item.text}", item.href, item.note))
    if not topics:  # a snapshot from before topics had levels
        topics = [site.link(f"cluster:{r.id}", f"{r.size} papers") for r in cluster_rows(graph)]
    papers = sorted(
        (n for n, d in graph.nodes(data=True) if is_paper(d)),
        key=lambda n: (-graph.nodes[n].get("pagerank", 0.0), n),
    )
    sections = [
        Section("Topics", topics),
        Section("Bridges", [Item("Papers and entities that connect the clusters", "bridges.html")]),
        Section("Timeline", [timeline]),
        Section("Most central papers", [site.link(p) for p in papers[:30]]),
    ]
    _graph_page(site, INDEX, overview(graph), sections, "index")


def _topics(site: _Site) -> None:
    graph = site.graph
    for row in cluster_rows(graph):
        node = f"cluster:{row.id}"
        page = site.pages[node]
        about = [
            Item(f"{term}", None, f"in {share:.0%} of its papers")
            for term, share in zip(
                row.keywords, row.coverage or [0.0] * len(row.keywords), strict=False
            )
        ]
        members = site.topic_members.get(row.id, [])
        parent = site.topic_link(row.topic)
        sections = [
            Section("Label terms", about),
            Section("Broad topic", [parent] if parent else []),
            Section("Clusters inside", [site.link(f"cluster:{c}") for c in row.subtopics]),
            Section(
                f"Papers ({len(members)}, most central first)",
                [site.link(p) for p in members[:_TOP_PAPERS]],
            ),
            Section("Top methods", _named(site, Label.METHOD, row.methods)),
            Section("Top datasets", _named(site, Label.DATASET, row.datasets)),
            Section(
                "Linked clusters",
                [site.link(f"cluster:{c}", f"{n} links") for c, n in row.linked.items()],
            ),
        ]
        _graph_page(site, page, cluster_view(graph, row.id), sections, "topic")


def _named(site: _Site, kind: str, names: list[str]) -> list[Item]:
    by_name = site.named.get(kind, {})
    return [site.link(by_name[name]) if name in by_name else Item(name) for name in names]


def _bridges(site: _Site) -> None:
    report = bridge_report(site.graph, top=25)
    papers = [
        site.link(p.id, " | ".join(f"{j.label} [{j.share:.0%}]" for j in p.joins))
        for p in report.papers
    ]
    by_name = {
        (d.get("name") or d.get("url")): n
        for n, d in site.graph.nodes(data=True)
        if d.get("type") in (Label.METHOD, Label.DATASET, Label.REPO)
    }
    entities = [
        Item(
            e.name,
            site.pages.get(by_name.get(e.name, "")),
            " | ".join(f"{j.label} [{j.share:.0%}]" for j in e.joins),
        )
        for e in report.entities
    ]
    sections = [Section("Bridge papers", papers), Section("Bridging entities", entities)]
    _graph_page(site, "bridges.html", bridges_view(site.graph), sections, "bridges")


def _paper(site: _Site, node: str, report: AroundReport | None) -> None:
    graph = site.graph
    data = graph.nodes[node]
    page = site.pages[node]
    facts = [
        Item(f"Date: {data.get('published') or data.get('listed') or '-'}"),
        Item(f"Authors: {', '.join(data.get('authors') or []) or '-'}"),
    ]
    for key in ("cluster", "topic"):
        found = site.topic_link(data.get(key))
        if found is not None:
            facts.append(
                Item(f"{Label.CLUSTER if key == 'cluster' else 'Topic'}: {found.text}", found.href)
            )
    links = []
    if data.get("arxiv_id"):
        links.append(Item(f"arXiv {data['arxiv_id']}", f"https://arxiv.org/abs/{data['arxiv_id']}"))
    if data.get("doi"):
        links.append(Item(f"DOI {data['doi']}", f"https://doi.org/{data['doi']}"))
    links += [Item(url, url) for url in [*(data.get("code") or []), *(data.get("links") or [])]]
    similar, cites, cited_by = [], [], []
    entities: dict[str, list[Item]] = {str(r): [] for r in _ENTITY_LINKS}
    for _u, target, key, edge in graph.out_edges(node, keys=True, data=True):
        kind = relationship_type(key)
        if kind == RelType.SIMILAR_TO:
            similar.append(
                (edge.get("rank", 0), site.link(target, f"cosine {edge.get('score', 0):.2f}"))
            )
        elif kind == RelType.CITES:
            cites.append(site.link(target, f"source: {edge.get('source', '-')}"))
        elif kind in entities:
            entities[kind].append(site.link(target))
    for source, _v, key, edge in graph.in_edges(node, keys=True, data=True):
        if relationship_type(key) == RelType.CITES:
            cited_by.append(site.link(source, f"source: {edge.get('source', '-')}"))
    sections = [
        Section("About", facts),
        Section("Links", [i for i in links if i.href and is_web_url(i.href)]),
        Section("Introduces", entities[RelType.INTRODUCES]),
        Section("Uses", entities[RelType.USES]),
        Section("Evaluates on", entities[RelType.EVALUATES_ON]),
        Section("Code", entities[RelType.HAS_CODE]),
        *_related(site, node, report),
        Section("Similar papers", [item for _rank, item in sorted(similar, key=lambda s: s[0])]),
        Section("Cites", cites),
        Section("Cited by", cited_by),
        *_works(site, node),
    ]
    if not (similar or cites or cited_by or any(entities.values())):
        sections.insert(
            1, Section("No neighbours", [Item(isolation_note(graph, node, 0.0, site.manifest))])
        )
    _list_page(
        site,
        page,
        str(data.get("title") or node),
        str(Label.PAPER),
        str(data.get("abstract") or ""),
        sections,
    )


def _related(site: _Site, node: str, report: AroundReport | None) -> list[Section]:
    """The paper's most related papers (``paperkg around``) with why, and the link to its
    around map; a paper without a map (not among the ``AROUND_PAGES`` most central) gets
    the command that draws it instead."""
    if report is None:
        command = f"paperkg view around {shlex.quote(node)}"
        return [
            Section(
                "Around this paper",
                [
                    Item(
                        f"This site maps the {AROUND_PAGES:,} most central papers, not this "
                        "one: to see its related papers and their map, run",
                        note=command,
                    )
                ],
            )
        ]
    related = [site.link(r.id, f"{r.score:.2f} · {r.why}") for r in report.related[:_TOP_RELATED]]
    return [
        Section(
            "Around this paper",
            [
                Item(
                    "Map of the papers around this one",
                    site.around_page(node),
                    f"{len(report.related)} related papers, prior and derivative works",
                )
            ],
        ),
        Section("Related papers", related),
    ]


def _around(site: _Site, node: str, report: AroundReport) -> None:
    """The paper's around map (``paperkg view around``) with its lists linked to the
    papers' pages, and the paper itself first."""
    lists = around_sections(report, site.pages.get)
    sections = [
        Section("This paper", [site.link(node, "its page")]),
        *(
            Section(s["heading"], [Item(i["text"], i["href"], i["note"]) for i in s["items"]])
            for s in lists
        ),
    ]
    _graph_page(site, site.around_page(node), around_view(site.graph, report), sections, "around")


def _works(site: _Site, node: str) -> list[Section]:
    """Prior and derivative works of the paper and its neighbourhood (its similar papers,
    what it cites and what cites it), as ``paperkg around`` lists them."""
    links = site.paper_links
    works = prior_and_derivative(
        site.graph, [node], neighbourhood_of(site.graph, links, node), links
    )
    return [
        Section("Prior works", [site.link(w.id, w.note) for w in works.prior]),
        Section("Derivative works", [site.link(w.id, w.note) for w in works.derivative]),
    ]


def _entity(site: _Site, node: str) -> None:
    graph = site.graph
    data = graph.nodes[node]
    page = site.pages[node]
    kind = str(data["type"])
    by_relation: dict[str, list[str]] = {}
    for source, _v, key in graph.in_edges(node, keys=True):
        by_relation.setdefault(relationship_type(key), []).append(source)
    linked_papers = {paper for linked in by_relation.values() for paper in linked}

    def papers(relation: str) -> list[Item]:
        found = sorted(
            set(by_relation.get(relation, [])),
            key=lambda p: (-graph.nodes[p].get("pagerank", 0.0), p),
        )
        return [site.link(p) for p in found]

    about = (
        [Item(f"Also written: {', '.join(data.get('aliases') or [])}")]
        if data.get("aliases")
        else []
    )
    if data.get("url") and is_web_url(str(data["url"])):
        about.append(Item(str(data["url"]), str(data["url"])))
    sections = [
        Section("About", about),
        Section("Introduced by", papers(RelType.INTRODUCES)),
        Section("Used by", papers(RelType.USES)),
        Section("Evaluated on by", papers(RelType.EVALUATES_ON)),
        Section("Code of", papers(RelType.HAS_CODE)),
        Section("Broad topics", _groups_of(site, linked_papers, "topic")),
        Section("Clusters", _groups_of(site, linked_papers, "cluster")),
    ]
    name = str(data.get("name") or data.get("url") or node)
    _list_page(site, page, name, kind, str(data.get("description") or ""), sections)


def _groups_of(site: _Site, papers: Iterable[str], level: str) -> list[Item]:
    """The clusters (``level`` "cluster") or broad topics ("topic") of ``papers``, the
    most papers first, each with its count."""
    counts: dict[int, int] = {}
    for paper in papers:
        group = site.graph.nodes[paper].get(level, UNCLUSTERED)
        counts[group] = counts.get(group, 0) + 1
    return [
        Item(found.text, found.href, f"{n} papers")
        for group, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if (found := site.topic_link(group)) is not None
    ]


def _list_page(
    site: _Site, page: str, title: str, kind: str, text: str, sections: list[Section]
) -> None:
    html = site.list_template.render(
        title=title,
        kind=kind,
        text=text,
        sections=site.sections(page, sections),
        home=_relative(page, INDEX),
    )
    site.write(page, html, kind.lower())
