"""The VOSviewer JSON export: valid against a schema written from VOSviewer's documentation
(tests/data/vosviewer.schema.json), plus what a schema cannot say (unique ids, link ends
among the items, a label per cluster number), hostile text made inert, and the overwrite
rule and error lines of the other exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import networkx as nx
import pytest

from conftest import DATA, EXAMPLES, run
from paperkg.api import open_snapshot
from paperkg.errors import ExportError
from paperkg.graph import read_snapshot
from paperkg.graph.export import vosviewer
from paperkg.graph.export.vosviewer import export_vosviewer, paper_layout, vosviewer_map
from paperkg.graph.model import papers_of
from paperkg.pipeline import build

SCHEMA = json.loads((DATA / "vosviewer.schema.json").read_text(encoding="utf-8"))
HOSTILE_TITLE = "<script>alert('t')</script> & \"Quotes\" {label} Ünïcödé 数据"
HOSTILE_ABSTRACT = (
    "We show <script>alert(1)</script><img src=x onerror=alert(2)> that $\\mathcal{O}(n)$ "
    "and {x} hold, with <b>bold</b> & ampersands. Code: https://github.com/hostile/net."
)
#: A text node holding a whole ``{...}``: VOSviewer Online would fill it as a placeholder.
PLACEHOLDER = re.compile(r">[^<]*\{[^<]*\}[^<]*<")


def _validate(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def _check_network(document: dict[str, Any]) -> None:
    """What the schema cannot say, as VOSviewer Online checks it (src/utils/errors.js)."""
    network = document["network"]
    ids = [item["id"] for item in network["items"]]
    assert len(ids) == len(set(ids)) >= 3
    known = set(ids)
    pairs = [(link["source_id"], link["target_id"]) for link in network["links"]]
    assert all(u in known and v in known and u < v for u, v in pairs)
    assert len(pairs) == len(set(pairs))
    numbers = {c["cluster"] for c in network["clusters"]}
    assert len(numbers) == len(network["clusters"])
    assert numbers == set(range(1, len(numbers) + 1))
    assert {item["cluster"] for item in network["items"] if "cluster" in item} == numbers
    assert all(c["label"].strip() for c in network["clusters"])
    placed = {(item["x"], item["y"]) for item in network["items"] if "x" in item}
    assert len(placed) > 1
    for items in (network["items"],):  # every item has every weight and score
        assert len({tuple(sorted(i["weights"])) for i in items}) == 1
        assert len({tuple(sorted(i["scores"])) for i in items}) == 1


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The examples plus one paper whose title and abstract are hostile HTML."""
    work = tmp_path_factory.mktemp("vosviewer")
    hostile = work / "hostile.json"
    entry = {
        "paper": {
            "id": "2611.99998",
            "title": HOSTILE_TITLE,
            "summary": HOSTILE_ABSTRACT,
            "authors": [{"name": "Eve <evil@example.org>"}],
            "publishedAt": "2026-11-20T09:00:00.000Z",
        }
    }
    hostile.write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    out = work / "kg"
    build([EXAMPLES, hostile], out, embedder=embedder)
    return out


@pytest.fixture(scope="module")
def exported(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("vos-out") / "map.json"
    report = open_snapshot(snapshot_dir).export("vosviewer", path)
    assert report.format == "vosviewer" and report.path == path
    assert report.bytes == path.stat().st_size
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert report.nodes == {
        "Paper": len(document["network"]["items"]),
        "Cluster": len(document["network"]["clusters"]),
    }
    return document


def test_the_examples_map_is_valid_and_whole(snapshot_dir: Path, exported: dict[str, Any]):
    _validate(exported)
    _check_network(exported)
    graph = read_snapshot(snapshot_dir).graph
    papers = dict(papers_of(graph))
    items = {item["id"]: item for item in exported["network"]["items"]}
    assert set(items) == set(papers)  # every corpus paper, no stub, nothing else
    assert all("x" in item and "y" in item for item in items.values())
    for paper, data in papers.items():
        if isinstance(data.get("cluster"), int) and data["cluster"] >= 0:
            assert "cluster" in items[paper]
        else:
            assert "cluster" not in items[paper]
    with_arxiv = next(p for p, d in papers.items() if d.get("arxiv_id"))
    assert items[with_arxiv]["url"] == f"https://arxiv.org/abs/{papers[with_arxiv]['arxiv_id']}"
    assert exported["config"]["terminology"]["item"] == "Paper"
    labels = {d["id"]: d["label"] for _n, d in graph.nodes(data=True) if d["type"] == "Cluster"}
    topical = next(p for p, d in papers.items() if d.get("topic", -1) >= 0)
    assert f"Topic: {labels[papers[topical]['topic']]}" in items[topical]["description"]
    for paper, data in papers.items():  # every examples paper is dated now (listing dates)
        assert items[paper]["scores"].get("Year") == int(data["published"][:4])


def test_cluster_numbers_follow_size_and_carry_the_cluster_labels(
    snapshot_dir: Path, exported: dict[str, Any]
):
    graph = read_snapshot(snapshot_dir).graph
    labels = {
        d["id"]: d["label"]
        for _n, d in graph.nodes(data=True)
        if d.get("type") == "Cluster" and d.get("level") == 2
    }
    items = exported["network"]["items"]
    sizes = [
        sum(1 for i in items if i.get("cluster") == c["cluster"])
        for c in exported["network"]["clusters"]
    ]
    assert sizes == sorted(sizes, reverse=True) and all(sizes)
    ours = {d["cluster"] for _p, d in papers_of(graph) if d.get("cluster", -1) >= 0}
    assert {c["label"] for c in exported["network"]["clusters"]} == {labels[c] for c in ours}


def test_links_merge_similarity_and_citations_per_pair(
    snapshot_dir: Path, exported: dict[str, Any]
):
    graph = read_snapshot(snapshot_dir).graph
    strength = {
        (k["source_id"], k["target_id"]): k["strength"] for k in exported["network"]["links"]
    }
    papers = dict(papers_of(graph))
    expected: dict[tuple[str, str], float] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in papers and v in papers and u != v and key == "SIMILAR_TO":
            pair = (min(u, v), max(u, v))
            expected[pair] = max(expected.get(pair, 0.0), data["score"])
    cites = {
        (u, v)
        for u, v, key in graph.edges(keys=True)
        if key.startswith("CITES") and u in papers and v in papers
    }
    for u, v in cites:
        pair = (min(u, v), max(u, v))
        expected[pair] = expected.get(pair, 0.0) + 1
    assert set(strength) == set(expected)
    assert all(strength[p] == pytest.approx(expected[p], abs=1e-6) for p in expected)


def test_hostile_text_is_inert_html(exported: dict[str, Any]):
    item = next(i for i in exported["network"]["items"] if i["label"] == HOSTILE_TITLE)
    description = item["description"]
    assert "<script" not in description and "<img" not in description and "<b>" not in description
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in description
    assert "&lt;img src=x onerror=alert(2)&gt;" in description
    assert not PLACEHOLDER.search(description)
    text = re.sub(r"<[^>]+>", "", description)  # what a reader sees
    assert "{label}" in text and "\\mathcal{O}(n)" in text and "{x}" in text
    assert item["label"] == HOSTILE_TITLE  # labels are drawn as plain text
    info = json.dumps(exported["info"])
    assert "<script" not in info


def test_refuses_to_replace_a_file_unless_forced(snapshot_dir: Path, tmp_path: Path):
    graph = read_snapshot(snapshot_dir).graph
    target = tmp_path / "map.json"
    target.write_text("mine")
    with pytest.raises(ExportError, match=r"already exists; .* --force"):
        export_vosviewer(graph, target)
    assert target.read_text() == "mine"
    result = run("export", "vosviewer", target, "--out", snapshot_dir)
    assert result.exit_code == 1 and "already exists" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert target.read_text() == "mine"
    result = run("export", "vosviewer", target, "--out", snapshot_dir, "--force", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["format"] == "vosviewer"
    _validate(json.loads(target.read_text(encoding="utf-8")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json"]  # no temp file left


def test_cli_table_and_bad_paths(snapshot_dir: Path, tmp_path: Path):
    result = run("export", "vosviewer", tmp_path / "map.json", "--out", snapshot_dir)
    assert result.exit_code == 0 and "Paper nodes" in result.output, result.output
    result = run("export", "vosviewer", tmp_path, "--out", snapshot_dir)  # a folder
    assert result.exit_code == 2
    (tmp_path / "plain.txt").write_text("a file, not a folder")
    result = run("export", "vosviewer", tmp_path / "plain.txt" / "map.json", "--out", snapshot_dir)
    assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
    assert len(result.output.strip().splitlines()) == 1
    (tmp_path / "link").symlink_to(tmp_path / "map.json")
    result = run("export", "vosviewer", tmp_path / "link", "--out", snapshot_dir, "--force")
    assert result.exit_code == 1 and "regular file" in result.output
    result = run("export", "vosviewer", tmp_path / "x.json", "--out", tmp_path / "nothing")
    assert result.exit_code == 1 and not (tmp_path / "x.json").exists()


# Small hand-made graphs: no model needed.


def _paper(graph: nx.MultiDiGraph, pid: str, cluster: int, **extra: Any) -> None:
    graph.add_node(pid, type="Paper", title=f"Paper {pid}", abstract="", cluster=cluster, **extra)


def _toy() -> nx.MultiDiGraph:
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for pid, cluster in (("a", 0), ("b", 0), ("c", 1), ("d", -1), ("e", 1), ("f", 1)):
        _paper(graph, pid, cluster)
    graph.add_node("stub", type="Paper", stub=True, title="Outside")
    graph.add_node("cluster:0", type="Cluster", id=0, level=2, label="small one", size=2)
    graph.add_node("cluster:1", type="Cluster", id=1, level=2, label="big one", size=3)
    graph.add_node("cluster:5", type="Cluster", id=5, level=1, label="a topic", size=5)
    graph.add_edge("a", "b", key="SIMILAR_TO", score=0.5, rank=1)
    graph.add_edge("b", "a", key="SIMILAR_TO", score=0.6, rank=1)
    graph.add_edge("a", "b", key="CITES:mention", source="text")
    graph.add_edge("a", "b", key="CITES:openalex", source="openalex")  # same citation
    graph.add_edge("c", "a", key="CITES:openalex", source="openalex")
    graph.add_edge("a", "stub", key="CITES:openalex", source="openalex")
    graph.add_edge("stub", "c", key="CITES:openalex", source="openalex")
    graph.add_edge("e", "f", key="SIMILAR_TO", score=-0.2, rank=1)
    return graph


def test_toy_graph_links_clusters_and_weights():
    document = vosviewer_map(_toy())
    _validate(document)
    _check_network(document)
    network = document["network"]
    assert [i["id"] for i in network["items"]] == ["a", "b", "c", "d", "e", "f"]
    links = {(k["source_id"], k["target_id"]): k["strength"] for k in network["links"]}
    assert links == {("a", "b"): 1.6, ("a", "c"): 1.0, ("e", "f"): 0.0}
    assert network["clusters"] == [
        {"cluster": 1, "label": "big one"},
        {"cluster": 2, "label": "small one"},
    ]
    items = {i["id"]: i for i in network["items"]}
    assert items["c"]["cluster"] == 1 and items["a"]["cluster"] == 2 and "cluster" not in items["d"]
    assert items["a"]["weights"]["Citations"] == 1 and items["c"]["weights"]["Citations"] == 1
    assert items["b"]["weights"]["Citations"] == 1 and items["d"]["weights"]["Citations"] == 0
    assert items["a"]["scores"] == {"PageRank": 0.0}  # no paper has a year: no Year score
    assert "Cluster: small one" in items["a"]["description"]
    assert "Cluster" not in items["d"]["description"]


def test_toy_graph_urls_years_and_pagerank():
    graph = _toy()
    graph.nodes["a"].update(arxiv_id="2401.00001", published="2024-01-02", pagerank=0.25)
    graph.nodes["b"].update(doi="10.1000/x<y>", listed="Mon, 3 Mar 2025")
    graph.nodes["c"].update(url="javascript:alert(1)")
    graph.nodes["d"].update(url="https://example.org/paper", pagerank=float("nan"))
    items = {i["id"]: i for i in vosviewer_map(graph)["network"]["items"]}
    assert items["a"]["url"] == "https://arxiv.org/abs/2401.00001"
    assert items["b"]["url"] == "https://doi.org/10.1000/x%3Cy%3E"
    assert "url" not in items["c"]
    assert items["d"]["url"] == "https://example.org/paper"
    assert items["a"]["scores"] == {"PageRank": 0.25, "Year": 2024}
    assert items["b"]["scores"]["Year"] == 2025 and items["c"]["scores"]["Year"] is None
    assert "Published 2024-01-02" in items["a"]["description"]
    assert "Listed Mon, 3 Mar 2025" in items["b"]["description"]
    assert items["d"]["weights"]["PageRank"] == 0.0  # not NaN: VOSviewer wants numbers


def test_layout_is_seeded_and_dropped_above_the_limit(monkeypatch: pytest.MonkeyPatch):
    assert paper_layout(_toy()) == paper_layout(_toy())
    monkeypatch.setattr(vosviewer, "LAYOUT_LIMIT", 3)
    document = vosviewer_map(_toy())
    assert all("x" not in i and "y" not in i for i in document["network"]["items"])
    _validate(document)


def test_clusters_past_the_thousandth_are_left_uncoloured(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(vosviewer, "MAX_CLUSTERS", 1)
    network = vosviewer_map(_toy())["network"]
    assert network["clusters"] == [{"cluster": 1, "label": "big one"}]
    assert {i["id"] for i in network["items"] if "cluster" in i} == {"c", "e", "f"}


def test_fewer_than_three_papers_is_refused(tmp_path: Path):
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    _paper(graph, "a", 0)
    _paper(graph, "b", 0)
    with pytest.raises(ExportError, match="at least 3 papers"):
        export_vosviewer(graph, tmp_path / "map.json")
    assert not (tmp_path / "map.json").exists()
