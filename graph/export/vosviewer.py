"""A VOSviewer JSON map file of a snapshot's papers, for VOSviewer Online and VOSviewer.

The file follows VOSviewer's JSON format, ``{"info", "config", "network": {"items", "links",
"clusters"}}``:

- **items**: the papers of the corpus (stubs of outside works are left out), each with
  ``id`` (the paper id), ``label`` (its title), ``x``/``y`` (a seeded spring layout of the
  paper network, :func:`paper_layout`; left out above :data:`LAYOUT_LIMIT` papers, where
  VOSviewer lays the map out itself), ``cluster``, ``url`` (arXiv, else DOI, else the
  paper's own http(s) URL), ``description`` (HTML: title, date, cluster and topic labels,
  the start of the abstract), ``weights`` (``Citations``: the works in the snapshot citing
  it; ``PageRank``) and ``scores`` (``PageRank``; ``Year`` of ``published`` or ``listed``,
  null where unknown, left out when no paper has one). Every item has every weight and
  score, as VOSviewer requires.
- **clusters**: VOSviewer numbers clusters 1 to 1000. Level-2 clusters are numbered by size,
  largest first (ties by id); the paper's number is its ``cluster``, and ``network.clusters``
  gives each number its label. Unclustered papers (cluster ``-1``) and the clusters past
  the 1000th get no ``cluster`` (VOSviewer draws them uncoloured).
- **links**: one per pair of papers, undirected (``source_id`` below ``target_id``), of
  ``strength`` = the pair's cosine similarity (the larger of the two ``SIMILAR_TO``
  directions, 0 if none) plus 1 per direction in which one cites the other.

VOSviewer shows ``description`` as HTML (VOSviewer Online runs it through DOMPurify, then
fills ``{name}`` placeholders in every text node with the item's attribute of that name,
emptying the node when there is none). So every text is HTML-escaped and each brace is put
in a ``<span>`` of its own, so that an abstract's ``{x}`` (LaTeX) is shown as written. Labels
are drawn as plain text; control characters are dropped and white space collapsed.

VOSviewer refuses maps of fewer than three items, weights that are not non-negative numbers,
scores that are neither numbers nor null, and clusters outside 1..1000; the export keeps to
these. Like the other exports the file is written atomically, and an existing file is
replaced only with ``force``.

Sources for the format:

- VOSviewer Online documentation, "VOSviewer JSON files",
  https://app.vosviewer.com/docs/file-types/json-file-type/ (top level ``network``, ``config``,
  ``info``; Item, Link and Cluster objects; clusters are integers from 1 to 1000; weights are
  non-negative numbers, scores numbers; a description may include HTML).
- VOSviewer Online source, https://github.com/neesjanvaneck/VOSviewer-Online (release 1.2.3):
  ``src/utils/errors.js`` (the checks a JSON file must pass: at least three items, unique
  non-empty ids, link ends among the items, scores may be null), ``src/store/data/index.js``
  (``network.clusters`` read as ``{cluster, label}``; ``info.title``/``info.description``;
  ``config.terminology``), ``src/utils/helpers2.js`` (descriptions sanitised, ``{...}``
  placeholders), ``src/utils/variables.js`` (default terminology; ``Links`` and ``Total link
  strength`` are weights VOSviewer computes itself, so they are not written here) and the
  example maps in ``data/``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx

from paperkg.errors import ExportError
from paperkg.graph.analytics.similarity_graph import paper_network
from paperkg.graph.export.files import FileExport, write_atomically
from paperkg.graph.extract.urls import is_web_url
from paperkg.graph.model import papers_of, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "LAYOUT_LIMIT",
    "MAX_CLUSTERS",
    "export_vosviewer",
    "paper_layout",
    "vosviewer_map",
]

#: Papers up to which the export computes the layout (a spring layout is quadratic: about
#: 10 s at 2,000 papers); above it ``x`` and ``y`` are left out and VOSviewer lays out the map.
LAYOUT_LIMIT = 2000
#: The largest cluster number VOSviewer accepts.
MAX_CLUSTERS = 1000
#: Characters of the abstract shown in an item's description.
ABSTRACT_CHARS = 400
#: Fewest items VOSviewer opens.
MIN_ITEMS = 3

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_TERMINOLOGY = {
    "item": str(Label.PAPER),
    "items": "Papers",
    "link": "Link",
    "links": "Links",
    "link_strength": "Similarity + citations",
    "total_link_strength": "Total similarity + citations",
}


def paper_layout(graph: nx.MultiDiGraph[str], *, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² of the corpus papers: a spring layout of the paper network
    (similarity and citations, :func:`paper_network`), seeded, so one graph always gives
    the same map. Quadratic in the number of papers."""
    network = paper_network(graph)
    if network.number_of_nodes() == 0:
        return {}
    positions = nx.spring_layout(network, seed=seed, weight="weight", iterations=50)
    return {str(n): (float(x), float(y)) for n, (x, y) in positions.items()}


def _plain(text: object) -> str:
    """One line of text without control characters."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def _html(text: object) -> str:
    """``text`` as inert HTML: escaped, and each brace alone in a span (no placeholder)."""
    escaped = html.escape(_plain(text), quote=True)
    return escaped.replace("{", "<span>{</span>").replace("}", "<span>}</span>")


def _shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _url(data: dict[str, Any]) -> str | None:
    """The paper's page: arXiv abstract, else doi.org, else its own http(s) URL."""
    candidates = []
    if data.get("arxiv_id"):
        candidates.append(f"https://arxiv.org/abs/{quote(str(data['arxiv_id']), safe='/.')}")
    if data.get("doi"):
        candidates.append(f"https://doi.org/{quote(str(data['doi']), safe='/.:;()_-')}")
    if data.get("url"):
        candidates.append(str(data["url"]).strip())
    return next((url for url in candidates if is_web_url(url)), None)


def _year(data: dict[str, Any]) -> int | None:
    for name in ("published", "listed"):
        found = _YEAR.search(str(data.get(name) or ""))
        if found:
            return int(found.group(1))
    return None


def _number(value: object) -> float:
    """A finite non-negative number (0 for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) if math.isfinite(value) and value > 0 else 0.0


def _cluster_numbers(papers: dict[str, dict[str, Any]]) -> dict[int, int]:
    """Level-2 cluster id -> VOSviewer number (1 the largest), for the first 1000 clusters."""
    groups = (_group(d.get("cluster")) for d in papers.values())
    sizes: Counter[int] = Counter(group for group in groups if group is not None)
    ordered = sorted(sizes, key=lambda c: (-sizes[c], c))[:MAX_CLUSTERS]
    return {cluster: number for number, cluster in enumerate(ordered, start=1)}


def _cluster_labels(graph: nx.MultiDiGraph[str]) -> dict[int, str]:
    """Label of every cluster and topic, by id (both levels share one space of ids)."""
    labels = {}
    for _n, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and isinstance(data.get("id"), int):
            labels[data["id"]] = _plain(data.get("label") or "")
    return labels


def _group(value: object) -> int | None:
    """A cluster or topic id, None for unclustered (-1) or none."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


@dataclass
class _Pair:
    """What links two papers: their similarity (0 if none) and the citation directions."""

    similarity: float = 0.0
    similar: bool = False
    cites: set[tuple[str, str]] = field(default_factory=set)

    @property
    def strength(self) -> float:
        return round(self.similarity + len(self.cites), 6)


def _links(
    graph: nx.MultiDiGraph[str], papers: dict[str, dict[str, Any]]
) -> tuple[dict[tuple[str, str], _Pair], Counter[str]]:
    """The links of each unordered pair of papers, and each paper's number of citing works
    (papers and stubs) in the snapshot."""
    pairs: dict[tuple[str, str], _Pair] = {}
    cited_by: dict[str, set[str]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = relationship_type(key)
        if kind not in (RelType.SIMILAR_TO, RelType.CITES) or u == v:
            continue
        if kind == RelType.CITES and v in papers:
            cited_by.setdefault(v, set()).add(u)
        if u not in papers or v not in papers:
            continue
        pair = pairs.setdefault((u, v) if u < v else (v, u), _Pair())
        if kind == RelType.SIMILAR_TO:
            pair.similar = True
            pair.similarity = max(pair.similarity, _number(data.get("score")))
        else:
            pair.cites.add((u, v))  # CITES:openalex beside CITES:mention counts once
    return pairs, Counter({paper: len(citing) for paper, citing in cited_by.items()})


def _description(data: dict[str, Any], labels: dict[int, str]) -> str:
    """Title, date, cluster and topic, and the start of the abstract, as inert HTML."""
    facts = []
    if data.get("published"):
        facts.append(f"Published {_html(data['published'])}")
    elif data.get("listed"):
        facts.append(f"Listed {_html(data['listed'])}")
    for name in ("cluster", "topic"):
        group = _group(data.get(name))
        if group is not None and labels.get(group):
            facts.append(f"{name.capitalize()}: {_html(labels[group])}")
    parts = [
        "<div class='description_heading'>Paper</div>",
        f"<div class='description_label'>{_html(data.get('title') or '')}</div>",
    ]
    if facts:
        parts.append(f"<div class='description_text'>{' · '.join(facts)}</div>")
    abstract = _plain(data.get("abstract") or "")
    if abstract:
        parts.append(
            f"<div class='description_text'>{_html(_shorten(abstract, ABSTRACT_CHARS))}</div>"
        )
    return "".join(parts)


def _items(
    graph: nx.MultiDiGraph[str],
    papers: dict[str, dict[str, Any]],
    numbers: dict[int, int],
    labels: dict[int, str],
    cited_by: Counter[str],
) -> Iterator[dict[str, Any]]:
    layout = paper_layout(graph) if len(papers) <= LAYOUT_LIMIT else {}
    years = {paper: _year(data) for paper, data in papers.items()}
    dated = any(year is not None for year in years.values())  # else no Year score at all
    for paper in sorted(papers):
        data = papers[paper]
        cluster = _group(data.get("cluster"))
        number = numbers.get(cluster) if cluster is not None else None
        pagerank = round(_number(data.get("pagerank")), 8)
        item: dict[str, Any] = {
            "id": paper,
            "label": _plain(data.get("title") or paper),
            "description": _description(data, labels),
        }
        url = _url(data)
        if url:
            item["url"] = url
        if paper in layout:
            x, y = layout[paper]
            item["x"], item["y"] = round(x, 6), round(y, 6)
        if number is not None:
            item["cluster"] = number
        item["weights"] = {"Citations": cited_by.get(paper, 0), "PageRank": pagerank}
        item["scores"] = (
            {"PageRank": pagerank, "Year": years[paper]} if dated else {"PageRank": pagerank}
        )
        yield item


def _document(graph: nx.MultiDiGraph[str]) -> tuple[dict[str, Any], dict[str, int]]:
    papers = dict(papers_of(graph))
    if len(papers) < MIN_ITEMS:
        raise ExportError(
            f"VOSviewer needs at least {MIN_ITEMS} papers; this snapshot has {len(papers)}"
        )
    numbers = _cluster_numbers(papers)
    labels = _cluster_labels(graph)
    pairs, cited_by = _links(graph, papers)
    items = list(_items(graph, papers, numbers, labels, cited_by))
    links = [
        {"source_id": u, "target_id": v, "strength": pair.strength}
        for (u, v), pair in sorted(pairs.items())
    ]
    clusters = [
        {"cluster": number, "label": labels.get(cluster) or f"Cluster {cluster}"}
        for cluster, number in sorted(numbers.items(), key=lambda kv: kv[1])
    ]
    document: dict[str, Any] = {
        "info": {
            "title": f"paperkg: {len(items)} papers",
            "description": (
                f"<p>{len(items)} papers in {len(clusters)} clusters, linked by similarity"
                " and citations (paperkg).</p>"
            ),
        },
        "config": {"terminology": dict(_TERMINOLOGY)},
        "network": {"items": items, "links": links, "clusters": clusters},
    }
    counts: dict[str, int] = {
        RelType.CITES: sum(1 for pair in pairs.values() if pair.cites),
        RelType.SIMILAR_TO: sum(1 for pair in pairs.values() if pair.similar),
    }
    return document, counts


def vosviewer_map(graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """The VOSviewer JSON document of ``graph``'s corpus papers (see the module docstring);
    ``ExportError`` when it has fewer than three, which VOSviewer does not open."""
    return _document(graph)[0]


def export_vosviewer(
    graph: nx.MultiDiGraph[str], path: str | Path, *, force: bool = False
) -> FileExport:
    """Write ``graph``'s papers as a VOSviewer JSON map file to ``path``, atomically; an
    existing file only with ``force``. The report counts items (``Paper``), clusters
    (``Cluster``), and links holding a citation (``CITES``) or a similarity
    (``SIMILAR_TO``); one link may hold both."""
    document, counts = _document(graph)
    text = json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n"
    size = write_atomically(
        Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"), force=force
    )
    network = document["network"]
    nodes: dict[str, int] = {
        Label.PAPER: len(network["items"]),
        Label.CLUSTER: len(network["clusters"]),
    }
    return FileExport(Path(path), "vosviewer", nodes, counts, size)
