"""Turning a ``ViewGraph`` into one self-contained HTML page.

pyvis builds the vis-network node and edge records; paperkg's own template inlines the
vis-network script and stylesheet that pyvis ships (no CDN, no ``../node_modules``), and
adds the legend, a search box and a side panel. All input text reaches the page either as
JSON through Jinja's ``tojson`` (``<``, ``>``, ``&`` and quotes escaped, so nothing can end
the ``<script>``) or through autoescaped HTML; the page's script writes it with
``textContent`` only, and links are kept only when they are http(s).
"""

from __future__ import annotations

import functools
import math
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import pyvis
from pyvis.network import Network

from paperkg.graph.export.files import write_atomically
from paperkg.graph.extract.urls import is_web_url
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search.filters import paper_date
from paperkg.viz.layout import positions as layout_positions
from paperkg.viz.views import ViewGraph

__all__ = [
    "ASSETS",
    "PHYSICS_LIMIT",
    "SEARCH_INDEX",
    "environment",
    "is_view_page",
    "render_html",
    "write_assets",
    "write_page",
]

#: Every page this module writes holds it; a file that does is a view paperkg wrote.
PAGE_MARKER = b'<script type="application/json" id="paperkg-nodes">'
#: Characters of an abstract a site map's side panel shows (its paper page has it all).
PANEL_ABSTRACT = 300
#: The site's search index (every page's kind, name and path), a script in ``assets/``.
SEARCH_INDEX = "search-index.js"
#: The vis-network files a site keeps once in its ``assets/`` folder.
ASSETS = ("vis-network.min.js", "vis-network.css")
#: Views with more nodes get positions from networkx and physics off (vis.js would take
#: minutes to settle around 1,500 nodes).
PHYSICS_LIMIT = 300
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
    "#d37295",
    "#8cd17d",
]
UNCLUSTERED_COLOR = "#b0b0b0"
#: A paper the user tagged (``paperkg tag add``): its border, and the mark before its title.
TAG_BORDER = "#d4a000"
TAG_MARK = "★ "
#: A link between a site's pages: a relative path of plain file names, nothing else.
_SITE_LINK = re.compile(r"(\.\./)?([a-z]+/)?[A-Za-z0-9._-]+\.html")
SHAPES = {
    Label.PAPER: "dot",
    Label.METHOD: "diamond",
    Label.DATASET: "square",
    Label.REPO: "triangle",
    Label.CLUSTER: "hexagon",
}
ENTITY_COLORS = {Label.METHOD: "#6f4e7c", Label.DATASET: "#2f6f5e", Label.REPO: "#555555"}
#: Per relationship type, and for the two links only the bridges view draws (a paper JOINS
#: the clusters its edges reach, an entity SPANS its clusters).
EDGE_STYLE = {
    RelType.SIMILAR_TO: {"color": "#9aa5b1", "arrows": ""},
    RelType.CITES: {"color": "#d1495b", "arrows": "to"},
    RelType.USES: {"color": "#8e7cc3", "arrows": "to"},
    RelType.INTRODUCES: {"color": "#6a3d9a", "arrows": "to"},
    RelType.EVALUATES_ON: {"color": "#2f8f6e", "arrows": "to"},
    RelType.HAS_CODE: {"color": "#555555", "arrows": "to"},
    RelType.IN_CLUSTER: {"color": "#cccccc", "arrows": ""},
    RelType.LINKS_TO: {"color": "#7f8c8d", "arrows": ""},
    "JOINS": {"color": "#f28e2b", "arrows": "to"},
    "SPANS": {"color": "#8e7cc3", "arrows": "to"},
    "RELATED": {"color": "#c9d1da", "arrows": ""},
}


def _color(data: dict[str, Any]) -> str:
    kind = data.get("type")
    if kind in ENTITY_COLORS:
        return ENTITY_COLORS[kind]
    cluster = data.get("id") if kind == Label.CLUSTER else data.get("cluster", -1)
    if not isinstance(cluster, int) or cluster < 0:
        return UNCLUSTERED_COLOR
    return PALETTE[cluster % len(PALETTE)]


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    return url.strip() if is_web_url(url.strip()) else None


def _shorten(text: str, size: int = 48) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _topic_fact(topic: object, labels: dict[int, str]) -> str:
    """A paper's broad topic, as ``id: label`` (``-`` in none, or a snapshot without topics)."""
    if not isinstance(topic, int) or topic < 0:
        return "-"
    return f"{topic}: {labels.get(topic, '-')}"


def _node_text(node: str, data: dict[str, Any], cluster_labels: dict[int, str]) -> dict[str, Any]:
    """Label, hover text and side-panel record of one node."""
    kind = data.get("type", "")
    if kind == Label.PAPER:
        links = (
            [{"text": "arXiv", "url": f"https://arxiv.org/abs/{data['arxiv_id']}"}]
            if data.get("arxiv_id")
            else []
        )
        links += [{"text": f"code: {url}", "url": url} for url in data.get("code") or []]
        links += [{"text": url, "url": url} for url in data.get("links") or []]
        cluster = data.get("cluster")
        facts = [
            *_tag_facts(data),
            ("Date", data.get("published") or data.get("listed") or "-"),
            (
                Label.CLUSTER,  # the fact names the node the paper is IN_CLUSTER of
                f"{cluster}: {cluster_labels.get(cluster, '-')}" if cluster is not None else "-",
            ),
            ("Topic", _topic_fact(data.get("topic"), cluster_labels)),
            ("Entities", ", ".join((data.get("entities") or [])[:6]) or "-"),
            ("PageRank", f"{data.get('pagerank', 0.0):.4f}"),
            *_time_facts(data),
            ("Bridge score", f"{data.get('bridge_score', 0.0):.3f}"),
            *data.get("view_facts", []),
        ]
        return {
            "label": _shorten(data["title"]),
            "heading": data["title"],
            "kind": kind,
            "facts": facts,
            "abstract": data.get("abstract", ""),
            "links": links,
        }
    if kind == Label.CLUSTER:
        facts = [
            ("Papers", str(data.get("size"))),
            ("Keywords", ", ".join(data["keywords"])),
            ("Methods", ", ".join(data.get("methods", []))),
            ("Datasets", ", ".join(data.get("datasets", []))),
        ]
        return {
            "label": f"{data['id']}: {data['label']}",
            "heading": f"Cluster {data['id']}",
            "kind": kind,
            "facts": facts,
            "abstract": "",
            "links": [],
        }
    name = data.get("name") or data.get("url") or node
    links = [{"text": data["url"], "url": data["url"]}] if kind == Label.REPO else []
    facts = [("Kind", kind), ("Clusters", ", ".join(map(str, data.get("clusters", []))))]
    if data.get("aliases"):
        facts.append(("Also written", ", ".join(data["aliases"])))
    return {
        "label": _shorten(name, 30),
        "heading": name,
        "kind": kind,
        "facts": facts,
        "abstract": "",
        "links": links,
    }


def _edge_title(kind: str, props: dict[str, Any]) -> str:
    """An edge's hover text: its type, with its score or the basis and confidence of a link
    to a method or dataset."""
    if "hop" in props:  # a hop of a connect view, with its evidence
        return f"{kind} {props['hop']}"
    if "why" in props:  # an around view's origin and a paper no drawn edge joins
        return f"{kind} {props['score']:.3f} {props['why']}"
    if "score" in props:
        return f"{kind} {props['score']:.3f}"
    if isinstance(props.get("confidence"), int | float):
        return f"{kind} ({props.get('basis', '?')}, confidence {props['confidence']:.2f})"
    return kind


def render_html(
    view: ViewGraph,
    *,
    seed: int = 42,
    pages: dict[str, str] | None = None,
    sections: list[dict[str, Any]] | None = None,
    home: str | None = None,
    assets: str | None = None,
    site_root: str | None = None,
) -> str:
    """The whole page for ``view``, as one string (write it anywhere, open it offline).

    For a page of a site (``paperkg site``): ``pages`` gives each node's page (relative
    links; a node's panel links to it, a double click opens it), ``sections`` lists shown
    under the map, ``home`` the overview's page, and ``assets`` the relative folder holding
    the vis-network files (``ASSETS``, written once by ``write_assets``) instead of inlining
    them in every page; ``site_root`` the relative way to the site's root folder, whose
    ``assets/search-index.js`` (``SEARCH_INDEX``) lets the search box list what this view
    does not show, linking to its page."""
    shown = {d.get("cluster") for d in view.nodes.values() if d.get("type") == Label.PAPER}
    shown |= {d["id"] for d in view.nodes.values() if d.get("type") == Label.CLUSTER}
    cluster_labels = {c: view.cluster_labels.get(c, "") for c in shown if isinstance(c, int)}
    topics = {d.get("topic") for d in view.nodes.values() if d.get("type") == Label.PAPER}
    topic_labels = {t: view.cluster_labels.get(t, "") for t in topics if isinstance(t, int)}
    placed = view.nodes.keys() <= view.positions.keys()  # the view placed every node
    physics = len(view.nodes) <= PHYSICS_LIMIT and not placed
    positions = {} if physics or placed else layout_positions(view, seed)
    positions.update(view.positions)
    top_rank = max((d.get("pagerank", 0.0) for d in view.nodes.values()), default=0.0) or 1.0
    net = Network(directed=True, height="100%", width="100%")
    meta: dict[str, dict[str, Any]] = {}
    for node, data in view.nodes.items():
        text = _node_text(node, data, {**topic_labels, **cluster_labels})
        text["links"] = [link for link in text["links"] if _safe_url(link["url"])]
        meta[node] = text
        kind = data.get("type", "")
        if kind == Label.PAPER:
            size = 8 + 22 * math.sqrt(data.get("pagerank", 0.0) / top_rank)
        elif kind == Label.CLUSTER:
            size = 18 + 4 * math.sqrt(data.get("size", 1))
        else:
            size = 10
        size = float(data.get("view_size", size))  # a view's own measure (around: relevance)
        # the hover text (heading and facts) is made by the page from ``meta``, not sent twice
        options: dict[str, Any] = {"size": round(size, 1), "shape": SHAPES.get(kind, "dot")}
        if data.get("focus"):
            options["borderWidth"] = 4
        color: str | dict[str, Any] = _color(data)
        if data.get("tags"):  # a paper the user tagged: a gold border (and a star label)
            options["borderWidth"] = max(options.get("borderWidth", 1), 3)
            color = _tagged_color(_color(data))
        if node in positions:
            x, y = positions[node]
            options.update(x=round(x, 1), y=round(y, 1), physics=False)
        # papers' titles are drawn by the page's script: the most central always, more as
        # you zoom in and there is room (level of detail), never one over another
        show_label = kind != Label.PAPER
        label = text.pop("label")
        net.add_node(node, label=label if show_label else " ", color=color, **options)
    for source, target, kind, props in view.edges:
        style = EDGE_STYLE.get(kind, {"color": "#999999", "arrows": ""})
        width = 1.0
        if kind == RelType.SIMILAR_TO:
            width = 0.5 + 4 * max(float(props.get("score", 0.0)) - 0.3, 0.0)
        elif kind == RelType.LINKS_TO:
            width = 1 + math.log1p(props.get("edges", 1))
        labelled: dict[str, Any] = {}
        if props.get("view_label"):  # a connect view's hop: its kind and evidence, small
            labelled = {"label": str(props["view_label"]), "font": {"size": 10}}
        net.add_edge(
            source,
            target,
            **labelled,
            color=style["color"],
            arrows=style["arrows"],
            width=round(width, 2),
            title=_edge_title(kind, props),
        )
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    for node, href in (pages or {}).items():
        if node in meta and _SITE_LINK.fullmatch(href):
            meta[node]["page"] = href
    for node, data in view.nodes.items():
        meta[node].update(_paint_facts(data))
        if meta[node].get("page") and len(meta[node]["abstract"]) > PANEL_ABSTRACT:
            # a site page's panel shows the start; the node's own page has the whole text
            meta[node]["abstract"] = _shorten(meta[node]["abstract"], PANEL_ABSTRACT)
    template = environment().get_template("view.html")
    return template.render(
        sections=sections or [],
        home=home,
        title=view.title,
        notes=view.notes,
        nodes=nodes,
        edges=edges,
        meta=meta,
        groups=_groups(view, cluster_labels, topic_labels),
        paint={
            "palette": PALETTE,
            "none": UNCLUSTERED_COLOR,
            "tagBorder": TAG_BORDER,
            "siteRoot": site_root or "",
            "groupLabels": not any(d.get("type") == Label.CLUSTER for d in view.nodes.values()),
            "mode": view.colour,
        },
        kinds=sorted({str(d.get("type", "")) for d in view.nodes.values()}),
        physics=physics,
        assets=assets,
        site_index=None if site_root is None else f"{site_root}assets/{SEARCH_INDEX}",
        vis_js="" if assets else _asset("vis-network.min.js"),
        vis_css="" if assets else _asset("vis-network.css"),
    )


def _time_facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The time-aware ranks of a dated paper, beside the plain PageRank."""
    facts = []
    if data.get("recent_pagerank") is not None:
        facts.append(("Recent PageRank", f"{data['recent_pagerank']:.4f}"))
    if data.get("citation_velocity") is not None:
        facts.append(("Citations / 30 days", f"{data['citation_velocity']:.2f}"))
    return facts


def _paint_facts(data: dict[str, Any]) -> dict[str, Any]:
    """What the page's script needs to colour, filter and label a node: its cluster and
    topic, its date (ISO, papers with a full date only), PageRank and time-decayed PageRank
    (``recent``, None when undated) and a short title."""
    kind = data.get("type")
    if kind == Label.CLUSTER:
        return {"cluster": data.get("id"), "level": data.get("level", 2)}
    if kind != Label.PAPER:
        return {}
    when = paper_date(data)
    return {
        "cluster": data.get("cluster", -1),
        "topic": data.get("topic", -1),
        "date": when.isoformat() if when else None,
        "rank": float(data.get("view_rank", data.get("pagerank", 0.0))),
        "recent": data.get("recent_pagerank"),
        "short": (TAG_MARK if data.get("tags") else "") + _shorten(str(data.get("title", "")), 40),
        "focus": bool(data.get("focus")),
        "tagged": bool(data.get("tags")),
    }


def _tag_facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A tagged paper's tags (thumbs up) and thumbs-down tags, for its panel."""
    facts = []
    if data.get("tags"):
        facts.append(("Tags", ", ".join(data["tags"])))
    if data.get("tags_negative"):
        facts.append(("Thumbs down", ", ".join(data["tags_negative"])))
    return facts


def _tagged_color(background: str) -> dict[str, Any]:
    """A tagged paper's colour: its own fill inside :data:`TAG_BORDER`."""
    both = {"background": background, "border": TAG_BORDER}
    return {**both, "highlight": both, "hover": both}


def _groups(
    view: ViewGraph, clusters: dict[int, str], topics: dict[int, str]
) -> dict[str, list[dict[str, Any]]]:
    """The legend's entries per colouring: clusters and broad topics present in the view,
    each with its id, text and colour (the same colour rule as the nodes)."""

    def entries(labels: dict[int, str], noun: str) -> list[dict[str, Any]]:
        return [
            {
                "id": c,
                "text": f"{c}: {label}" if label else (f"{noun} {c}" if c >= 0 else "none"),
                "color": PALETTE[c % len(PALETTE)] if c >= 0 else UNCLUSTERED_COLOR,
            }
            for c, label in sorted(labels.items())
        ]

    return {"cluster": entries(clusters, "cluster"), "topic": entries(topics, "topic")}


@functools.cache
def environment() -> jinja2.Environment:
    """The templates of the views and the site's pages (autoescaped), loaded and compiled
    once per process."""
    loader = jinja2.FileSystemLoader(str(files("paperkg.viz").joinpath("templates")))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def _asset(name: str) -> str:
    """A vis-network file from the copy pyvis ships, for inlining."""
    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def write_assets(folder: Path) -> list[Path]:
    """The vis-network script and stylesheet, once, for pages rendered with ``assets``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ASSETS:
        path = folder / name
        path.write_text(_asset(name), encoding="utf-8")
        written.append(path)
    return written


def is_view_page(path: Path) -> bool:
    """Whether ``path`` is an HTML view paperkg wrote (it holds the nodes' JSON script)."""
    tail = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if PAGE_MARKER in tail + chunk:
                    return True
                tail = chunk[-len(PAGE_MARKER) :]
    except OSError:
        return False
    return False


def write_page(html: str, path: Path, *, force: bool = False) -> int:
    """Write a page atomically; an existing file is replaced when it is a view paperkg wrote
    (running a view again refreshes it) or with ``force``. Returns the size written."""
    return write_atomically(
        Path(path),
        lambda tmp: tmp.write_text(html, encoding="utf-8"),
        force=force,
        ours=is_view_page,
    )
