"""Issue 16, parts 3 and 4, downstream of extraction: every link from a paper to a method or
dataset carries its confidence, basis and spelling through the graph, the snapshot, Neo4j,
the admin-import CSV files, the reports, the views and the command line; nodes keep the
other spellings as ``aliases``; builds keep a floor (``min_confidence``) and readers can ask
for a higher one.

Most tests here write a small snapshot from an extraction made by hand (so they hold
whatever extraction itself finds, and need no model); the build tests run the real one.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import faiss
import networkx as nx
import numpy as np
import pytest

from conftest import LISTING, run
from paperkg.errors import ParameterError
from paperkg.graph.analytics.analyse import analyse
from paperkg.graph.embed.knn import Neighbour
from paperkg.graph.extract.confidence import CONFIDENCE, Basis
from paperkg.graph.extract.entities import EntityMention, PaperEntities
from paperkg.graph.extract.extraction import CodeSource, Extraction
from paperkg.graph.extract.urls import classify_url
from paperkg.graph.model import add_extraction, count_labels, count_types, paper_graph
from paperkg.graph.papers import Paper
from paperkg.graph.report.topics import bridge_report
from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model
from paperkg.graph.snapshot.read import Embeddings, read_manifest, read_snapshot
from paperkg.graph.snapshot.store import write_snapshot
from paperkg.viz import bridges_view, cluster_view, paper_view

REPO = "https://github.com/example-lab/vit-tools"
#: The default model's width (all-MiniLM-L6-v2).
DIMENSIONS = 384


def mention(
    key: str,
    name: str,
    kind: str,
    relation: str,
    sentence: str,
    basis: Basis,
    confidence: float,
    spelling: str = "",
    source: str = "text",
) -> EntityMention:
    return EntityMention(
        key=key,
        name=name,
        kind=kind,
        relation=relation,
        sentence=sentence,
        source=source,
        spelling=spelling,
        basis=basis,
        confidence=confidence,
    )


PAPERS = [
    Paper(f"arxiv:2401.0000{n}", title, f"Abstract of paper {n}.", sources=[f"feed.txt:{n}"])
    for n, title in enumerate(
        [
            "Large vision transformers for segmentation",
            "Small vision transformers on phones",
            "FooNet: a network for everything",
            "Transformers for remote sensing",
            "Remote sensing benchmarks revisited",
            "FooNet in the wild",
        ],
        start=1,
    )
]
P1, P2, P3, P4, P5, P6 = (paper.id for paper in PAPERS)
#: What the hand-made extraction found, per paper; confidences chosen apart from the shipped
#: ``CONFIDENCE`` values, so the thresholds below hold whatever those become.
FOUND = {
    P1: [
        mention(
            "vit",
            "ViT",
            "method",
            "USES",
            "We fine-tune ViT-L/16.",
            Basis.GAZETTEER,
            0.9,
            "ViT-L/16",
        ),
        # the same relation again, less sure and without a sentence: the first one wins
        mention("vit", "ViT", "method", "USES", "", Basis.SHAPE, 0.5, "ViT-L"),
        mention(
            "imagenet",
            "ImageNet",
            "dataset",
            "EVALUATES_ON",
            "Results on ImageNet-1k.",
            Basis.GAZETTEER,
            0.9,
            "ImageNet-1k",
        ),
    ],
    P2: [
        mention(
            "vit", "ViT", "method", "USES", "Small ViTs run on phones.", Basis.SHAPE, 0.5, "ViTs"
        ),
        mention(
            "barset", "BarSet", "dataset", "EVALUATES_ON", "We test on BarSet.", Basis.SHAPE, 0.5
        ),
    ],
    P3: [
        mention(
            "foonet",
            "FooNet",
            "method",
            "INTRODUCES",
            "We propose FooNet.",
            Basis.DEFINED,
            0.85,
            "FooNet",
        ),
    ],
    P4: [
        # curated and first without a sentence: the text's later sentence fills the gap
        mention("vit", "ViT", "method", "USES", "", Basis.CURATED, 0.95, source="pwc"),
        mention(
            "vit", "ViT", "method", "USES", "A ViT reads the tiles.", Basis.PATTERN, 0.6, "ViT"
        ),
    ],
    P5: [
        mention(
            "imagenet",
            "ImageNet",
            "dataset",
            "EVALUATES_ON",
            "Pretrained on ImageNet.",
            Basis.PATTERN,
            0.6,
        ),
    ],
    P6: [
        mention(
            "foonet",
            "FooNet",
            "method",
            "USES",
            "FooNet, as introduced before.",
            Basis.CORPUS,
            0.75,
            "FOONet",
        ),
    ],
}


def extraction() -> Extraction:
    repo = classify_url(REPO)
    return Extraction(
        entities={paper: PaperEntities(list(found)) for paper, found in FOUND.items()},
        links={P1: [repo]},
        citations=[],
        metadata_citations=[],
        code={P1: {repo.url: CodeSource("text")}},
    )


def make_graph() -> nx.MultiDiGraph[str]:
    """Two clusters of three papers (1-3 and 4-6), joined by one weak similarity edge."""
    pairs = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    neighbours = [Neighbour(a, b, 0.9, 1) for a, b in pairs]
    neighbours += [Neighbour(b, a, 0.9, 1) for a, b in pairs]
    neighbours.append(Neighbour(2, 3, 0.2, 2))
    graph = paper_graph(PAPERS, neighbours)
    add_extraction(graph, extraction())
    return graph


def write(out: Path, graph: nx.MultiDiGraph[str], min_confidence: float | None = 0.3) -> Path:
    """``graph`` written as a snapshot at ``out``, with random vectors for its papers."""
    ids = [paper.id for paper in PAPERS]
    # the default model's width: the Neo4j tests share one database and its vector index
    vectors = np.random.default_rng(7).random((len(ids), DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(DIMENSIONS)
    index.add(vectors)
    manifest = Manifest(
        created="2024-01-01T00:00:00+00:00",
        model=Model("paperkg-tests/no-model", DIMENSIONS),
        knn=Knn(k=2, min_score=None),
        inputs=(),
        counts=Counts(count_labels(graph), count_types(graph), records=len(ids)),
        min_confidence=min_confidence,
    )
    write_snapshot(
        out,
        graph=graph,
        embeddings=Embeddings(ids, ["h"] * len(ids), vectors),
        index=index,
        manifest=manifest,
    )
    return out


@pytest.fixture(scope="module")
def analysed() -> nx.MultiDiGraph[str]:
    graph = make_graph()
    analyse(graph)
    return graph


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory, analysed: nx.MultiDiGraph[str]) -> Path:
    return write(tmp_path_factory.mktemp("confidence") / "kg", analysed)


def edge(graph: nx.MultiDiGraph[str], paper: str, node: str, relation: str) -> dict[str, Any]:
    data: dict[str, Any] = graph.edges[paper, node, relation]
    return data


# Part 3: on the edge, on the node.


def test_every_entity_edge_carries_confidence_basis_and_a_differing_spelling():
    graph = make_graph()
    assert edge(graph, P1, "method:vit", "USES") == {
        "source": "text",
        "confidence": 0.9,
        "basis": "gazetteer",
        "evidence": "We fine-tune ViT-L/16.",
        "spelling": "ViT-L/16",
    }
    # a spelling equal to the node's name is not repeated on the edge
    assert "spelling" not in edge(graph, P3, "method:foonet", "INTRODUCES")
    assert edge(graph, P2, "dataset:barset", "EVALUATES_ON")["basis"] == "shape"
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key in ("INTRODUCES", "USES", "EVALUATES_ON"):
            assert type(data["confidence"]) is float and 0 <= data["confidence"] <= 1
            assert type(data["basis"]) is str and data["basis"] in set(Basis), (u, v)
    assert "confidence" not in edge(graph, P1, f"repo:{REPO}", "HAS_CODE")


def test_the_node_collects_the_other_spellings_as_aliases():
    graph = make_graph()
    assert graph.nodes["method:vit"]["aliases"] == ["ViT-L", "ViT-L/16", "ViTs"]
    assert graph.nodes["method:foonet"]["aliases"] == ["FOONet"]
    assert graph.nodes["dataset:imagenet"]["aliases"] == ["ImageNet-1k"]
    assert graph.nodes["dataset:barset"]["aliases"] == []
    assert graph.nodes[P1]["entities"] == ["ViT", "ImageNet"]  # once each


def test_one_relation_found_twice_keeps_the_more_confident_mention():
    graph = make_graph()
    assert graph.number_of_edges(P1, "method:vit") == 1
    assert edge(graph, P1, "method:vit", "USES")["confidence"] == 0.9  # first, more sure
    curated = edge(graph, P4, "method:vit", "USES")
    assert (curated["source"], curated["basis"], curated["confidence"]) == ("pwc", "curated", 0.95)
    assert curated["evidence"] == "A ViT reads the tiles."  # the text's sentence kept
    assert "spelling" not in curated  # "ViT" is the node's name


def test_names_of_other_kinds_make_no_node():
    found = extraction()
    metric = mention("auc", "AUC", "metric", "USES", "AUC rises.", Basis.GAZETTEER, 0.9)
    found.entities[P5].mentions.append(metric)
    graph = paper_graph(PAPERS, [])
    add_extraction(graph, found)
    assert "metric:auc" not in graph and graph.nodes[P5]["entities"] == ["ImageNet"]


def test_snapshots_keep_the_edge_and_node_properties(snap: Path, analysed: nx.MultiDiGraph[str]):
    read = read_snapshot(snap).graph
    for u, v, key, data in analysed.edges(keys=True, data=True):
        assert read.edges[u, v, key] == data
    assert read.nodes["method:vit"]["aliases"] == ["ViT-L", "ViT-L/16", "ViTs"]
    assert type(read.edges[P1, "method:vit", "USES"]["confidence"]) is float
    assert read_manifest(snap).min_confidence == 0.3


# Part 4 and the read side: entities, paper, views.


def rows_by_name(rows: list[Any]) -> dict[str, Any]:
    return {row.name: row for row in rows}


def test_entities_count_the_papers_linked_at_or_above_min_confidence(snap: Path):
    import paperkg

    snapshot = paperkg.open_snapshot(snap)
    every = rows_by_name(snapshot.entities())
    assert (every["ViT"].papers, every["ImageNet"].papers, every["BarSet"].papers) == (3, 2, 1)
    assert every["ViT"].aliases == ["ViT-L", "ViT-L/16", "ViTs"]
    assert every[REPO].aliases == [] and every[REPO].papers == 1
    sure = rows_by_name(snapshot.entities(min_confidence=0.85))
    assert (sure["ViT"].papers, sure["ImageNet"].papers, sure["FooNet"].papers) == (2, 1, 1)
    assert "BarSet" not in sure  # no link that sure: left out
    assert sure[REPO].papers == 1  # code links carry no confidence and always count
    assert sure["FooNet"].introduced_by == ["FooNet: a network for everything"]
    assert [r.name for r in snapshot.entities("method", min_confidence=0.95)] == ["ViT"]
    assert snapshot.entities(min_confidence=0.0) == snapshot.entities()
    with pytest.raises(ParameterError, match=r"^min_confidence must be between 0 and 1") as err:
        snapshot.entities(min_confidence=1.5)
    assert err.value.param == "min_confidence"


def test_the_entities_command_shows_aliases_and_takes_min_confidence(snap: Path):
    import paperkg

    snapshot = paperkg.open_snapshot(snap)
    result = run("entities", "--out", snap, "--min-confidence", "0.85", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows == [asdict(row) for row in snapshot.entities(min_confidence=0.85)]
    assert rows[0]["name"] == "ViT" and rows[0]["aliases"] == ["ViT-L", "ViT-L/16", "ViTs"]
    table = run("entities", "--out", snap, "--kind", "method")
    assert table.exit_code == 0, table.output
    assert "aliases" in table.stdout and "ViT-L/16" in table.stdout and "FOONet" in table.stdout
    wrong = run("entities", "--out", snap, "--min-confidence", "2")
    assert wrong.exit_code == 1
    assert wrong.stderr.strip() == "Error: --min-confidence must be between 0 and 1, got 2.0"


def test_paper_gives_each_entity_with_its_evidence_basis_and_confidence(snap: Path):
    import paperkg

    profile = paperkg.open_snapshot(snap).paper(P1)
    assert profile.uses == ["ViT"] and profile.evaluates_on == ["ImageNet"]
    assert [(e.relation, e.name, e.basis, e.confidence) for e in profile.entities] == [
        ("USES", "ViT", "gazetteer", 0.9),
        ("EVALUATES_ON", "ImageNet", "gazetteer", 0.9),
        ("HAS_CODE", REPO, None, None),
    ]
    first = profile.entities[0]
    assert (first.evidence, first.spelling, first.source) == (
        "We fine-tune ViT-L/16.",
        "ViT-L/16",
        "text",
    )
    shown = run("paper", P1, "--out", snap, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["entities"][0] == {
        "relation": "USES",
        "kind": "method",
        "name": "ViT",
        "key": "vit",
        "evidence": "We fine-tune ViT-L/16.",
        "basis": "gazetteer",
        "confidence": 0.9,
        "source": "text",
        "spelling": "ViT-L/16",
    }
    table = run("paper", P1, "--out", snap)
    assert table.exit_code == 0, table.output
    for text in ("Evidence", "fine-tune", "gazetteer", "0.90", "basis", "confidence"):
        assert text in table.stdout, text  # (a table cell may wrap)


def entity_edges(view: Any) -> set[tuple[str, str, str]]:
    return {(u, v, kind) for u, v, kind, _props in view.edges if kind in ("USES", "EVALUATES_ON")}


def test_views_hide_entity_links_below_min_confidence(snap: Path, analysed: nx.MultiDiGraph):
    cluster = analysed.nodes[P1]["cluster"]
    every = cluster_view(analysed, cluster)
    sure = cluster_view(analysed, cluster, min_confidence=0.85)
    assert (P2, "method:vit", "USES") in entity_edges(every)
    assert (P2, "method:vit", "USES") not in entity_edges(sure)
    assert "dataset:barset" in every.nodes and "dataset:barset" not in sure.nodes
    assert (P1, "method:vit", "USES") in entity_edges(sure)
    assert f"repo:{REPO}" in sure.nodes  # code links carry no confidence
    assert any("confidence below 0.85" in note for note in sure.notes)
    assert not any("confidence" in note for note in every.notes)
    ego = paper_view(analysed, P2, min_confidence=0.6)
    assert "method:vit" not in ego.nodes and "dataset:barset" not in ego.nodes
    assert "method:vit" in paper_view(analysed, P2).nodes
    wide = paper_view(analysed, P2, 2, min_confidence=0.85)
    assert (P1, "method:vit", "USES") in entity_edges(wide)  # a neighbour's sure link


def test_bridging_entities_follow_min_confidence(analysed: nx.MultiDiGraph):
    build = {
        (data["type"].lower(), data["name"], tuple(data["clusters"]), analysed.in_degree(node))
        for node, data in analysed.nodes(data=True)
        if data.get("bridging")
    }
    every = bridge_report(analysed, top=10)
    assert {(e.kind, e.name, tuple(e.clusters), e.papers) for e in every.entities} == build
    assert {e.name for e in every.entities} == {"ViT", "ImageNet", "FooNet"}
    # ViT: P1 (0.9) in one cluster, P4 (0.95) in the other; ImageNet's P5 link is 0.6 and
    # FooNet's P6 link 0.75
    assert {e.name for e in bridge_report(analysed, 10, 0.85).entities} == {"ViT"}
    assert bridge_report(analysed, 10, 0.96).entities == []
    view = bridges_view(analysed, min_confidence=0.85)
    assert "method:vit" in view.nodes and "dataset:imagenet" not in view.nodes


def test_view_commands_take_min_confidence_like_the_api(snap: Path, tmp_path: Path):
    import paperkg

    snapshot = paperkg.open_snapshot(snap)
    cluster = snapshot.graph.nodes[P1]["cluster"]
    views = [
        (["cluster", cluster], snapshot.view("cluster", cluster, min_confidence=0.85)),
        (["paper", P2, "--depth", "2"], snapshot.view("paper", P2, depth=2, min_confidence=0.85)),
        (["bridges"], snapshot.view("bridges", min_confidence=0.85)),
    ]
    for number, (args, html) in enumerate(views):
        page = tmp_path / f"{number}.html"
        result = run("view", *args, "--min-confidence", "0.85", "--out", snap, "-o", page)
        assert result.exit_code == 0, result.output
        assert page.read_text(encoding="utf-8") == html, args
        assert "confidence below 0.85" in html
    assert "Also written" in snapshot.view("cluster", cluster)  # the aliases, in the panel
    with pytest.raises(ParameterError) as raised:
        snapshot.view("overview", min_confidence=0.5)
    assert raised.value.param == "min_confidence"
    with pytest.raises(ParameterError, match=r"^min_confidence must be between 0 and 1"):
        snapshot.view("paper", P1, min_confidence=-0.1)
    wrong = run("view", "bridges", "--min-confidence", "1.5", "--out", snap, "-o", tmp_path / "x")
    assert wrong.stderr.strip() == "Error: --min-confidence must be between 0 and 1, got 1.5"


# The admin-import files hold what a push writes.


def test_neo4j_csv_files_carry_the_edge_properties_and_aliases(snap: Path, tmp_path: Path):
    import paperkg

    export = paperkg.open_snapshot(snap).export("neo4j-csv", tmp_path / "csv")
    folder = export.folder
    with (folder / "relationships-USES.csv").open(newline="", encoding="utf-8") as handle:
        uses = list(csv.reader(handle))
    header = uses[0]
    assert {"confidence:double", "basis:string", "spelling:string"} <= set(header)
    rows = [dict(zip(header, row, strict=True)) for row in uses[1:]]
    first = next(r for r in rows if r[":START_ID"] == P1)
    assert (first["confidence:double"], first["basis:string"], first["spelling:string"]) == (
        "0.9",
        "gazetteer",
        "ViT-L/16",
    )
    with (folder / "nodes-Method.csv").open(newline="", encoding="utf-8") as handle:
        methods = list(csv.reader(handle))
    assert "aliases:string[]" in methods[0]
    vit = dict(zip(methods[0], next(r for r in methods[1:] if "vit" in r), strict=True))
    assert vit["aliases:string[]"].split(export.array_delimiter) == ["ViT-L", "ViT-L/16", "ViTs"]


# Neo4j.


def neo4j_edges(driver: Any) -> dict[tuple[str, str, str], dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Paper)-[r:USES|INTRODUCES|EVALUATES_ON]->(e) "
        "RETURN p.id AS paper, e.key AS entity, type(r) AS type, properties(r) AS props"
    )
    return {(r["paper"], r["entity"], r["type"]): r["props"] for r in records}


def test_push_writes_confidence_basis_spelling_and_aliases(
    neo4j_driver: Any, snap: Path, tmp_path: Path, analysed: nx.MultiDiGraph
):
    import paperkg

    paperkg.open_snapshot(snap).push(neo4j_driver)
    edges = neo4j_edges(neo4j_driver)
    first = edges[(P1, "vit", "USES")]
    assert (first["confidence"], first["basis"], first["spelling"]) == (
        0.9,
        "gazetteer",
        "ViT-L/16",
    )
    assert "spelling" not in edges[(P3, "foonet", "INTRODUCES")]
    assert len(edges) == sum(
        1 for _u, _v, k in analysed.edges(keys=True) if k in ("USES", "INTRODUCES", "EVALUATES_ON")
    )
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:Method {key: 'vit'}) RETURN m.aliases AS a"
    )
    assert records[0]["a"] == ["ViT-L", "ViT-L/16", "ViTs"]
    # Extraction changes its mind: the spelling P1 wrote is the node's name now. The next
    # push leaves no stale spelling on the relationship it MERGEs again.
    changed = analysed.copy()
    del changed.edges[P1, "method:vit", "USES"]["spelling"]
    changed.edges[P1, "method:vit", "USES"]["confidence"] = 0.6
    paperkg.open_snapshot(write(tmp_path / "changed", changed)).push(neo4j_driver)
    again = neo4j_edges(neo4j_driver)[(P1, "vit", "USES")]
    assert "spelling" not in again and again["confidence"] == 0.6
    assert neo4j_edges(neo4j_driver)[(P2, "vit", "USES")]["spelling"] == "ViTs"


def test_query_packs_take_min_confidence(neo4j_driver: Any, snap: Path, analysed: nx.MultiDiGraph):
    import paperkg
    from paperkg.queries import find_query, run_query, typed_params

    paperkg.open_snapshot(snap).push(neo4j_driver)
    taking = [
        "methods-per-cluster",
        "datasets-per-cluster",
        "cluster-members",
        "introduced-and-used",
        "co-citation",
    ]
    for name in taking:
        spec = find_query(name)
        assert dict((p.name, p.default) for p in spec.params)["min_confidence"] == 0.0, name

    def methods(min_confidence: float) -> dict[int, list[str]]:
        spec = find_query("methods-per-cluster")
        params = typed_params(spec, {"min_confidence": str(min_confidence)})
        result = run_query(neo4j_driver, spec, params)
        return {row[0]: row[2] for row in result.rows}

    home, other = analysed.nodes[P1]["cluster"], analysed.nodes[P4]["cluster"]
    assert methods(0.0) == {home: ["ViT (2)", "FooNet (1)"], other: ["FooNet (1)", "ViT (1)"]}
    assert methods(0.8) == {home: ["FooNet (1)", "ViT (1)"], other: ["ViT (1)"]}
    assert methods(1.0) == {}
    spec = find_query("datasets-per-cluster")
    rows = run_query(neo4j_driver, spec, typed_params(spec, {"min_confidence": "0.7"})).rows
    assert [(row[0], row[2]) for row in rows] == [(home, ["ImageNet (1)"])]
    spec = find_query("introduced-and-used")
    used = run_query(neo4j_driver, spec, typed_params(spec, {"min_confidence": "0.8"})).rows
    assert [(row[0], row[3]) for row in used] == [("FooNet", 0)]  # P6's use is 0.75
    assert run_query(neo4j_driver, spec, spec.defaults()).rows[0][3] == 1


# The build: a floor it keeps, like the other settings.


@pytest.fixture(scope="module")
def floors(tmp_path_factory: pytest.TempPathFactory, embedder) -> dict[str, Any]:
    """The same input built with the default floor, with a floor above every confidence
    (1.0), then added to without one (it keeps 1.0), then with 0 given."""
    import paperkg

    assert max(CONFIDENCE.values()) < 1.0
    base = tmp_path_factory.mktemp("floors")
    found: dict[str, Any] = {}
    paperkg.build([LISTING / "basic.txt"], base / "default", embedder=embedder)
    found["default"] = read_snapshot(base / "default")
    out = base / "kg"
    paperkg.build(
        [LISTING / "basic.txt"], out, paperkg.BuildOptions(min_confidence=1.0), embedder=embedder
    )
    found["strict"] = read_snapshot(out)
    paperkg.build([LISTING / "crlf_bom.txt"], out, embedder=embedder)
    found["kept"] = read_snapshot(out)
    paperkg.build(
        [LISTING / "basic.txt"], out, paperkg.BuildOptions(min_confidence=0.0), embedder=embedder
    )
    found["open"] = read_snapshot(out)
    return found


def entity_links(graph: nx.MultiDiGraph[str]) -> list[dict[str, Any]]:
    return [
        data
        for _u, _v, key, data in graph.edges(keys=True, data=True)
        if key in ("INTRODUCES", "USES", "EVALUATES_ON")
    ]


def test_a_build_keeps_links_at_or_above_its_floor_and_records_it(floors: dict[str, Any]):
    from paperkg.pipeline import DEFAULTS

    default = floors["default"]
    assert default.manifest.min_confidence == DEFAULTS.min_confidence
    assert entity_links(default.graph), "basic.txt names methods (TinyFold, BM25)"
    for data in entity_links(default.graph):
        assert data["confidence"] >= DEFAULTS.min_confidence
        assert data["basis"] in set(Basis)
    strict = floors["strict"]
    assert strict.manifest.min_confidence == 1.0
    assert entity_links(strict.graph) == []
    assert not any(d["type"] in ("Method", "Dataset") for _n, d in strict.graph.nodes(data=True))
    assert any(key == "HAS_CODE" for _u, _v, key in strict.graph.edges(keys=True))


def test_a_build_adding_to_a_snapshot_keeps_its_floor_unless_given_one(floors: dict[str, Any]):
    kept = floors["kept"]
    assert kept.manifest.min_confidence == 1.0 and entity_links(kept.graph) == []
    assert kept.manifest.counts.papers > floors["strict"].manifest.counts.papers
    opened = floors["open"]
    assert opened.manifest.min_confidence == 0.0
    assert len(entity_links(opened.graph)) >= len(entity_links(floors["default"].graph)) > 0


def test_the_build_option_is_checked_and_the_flag_named(tmp_path: Path):
    from paperkg.pipeline import BuildOptions

    for wrong in (-0.1, 1.01, float("nan")):
        with pytest.raises(ParameterError) as raised:
            BuildOptions(min_confidence=wrong)
        assert raised.value.param == "min_confidence"
    assert BuildOptions(min_confidence=0.7).settings().min_confidence == 0.7
    result = run("build", LISTING / "basic.txt", "--out", tmp_path / "kg", "--min-confidence", "7")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --min-confidence must be between 0 and 1, got 7.0"
    assert not (tmp_path / "kg").exists()


def test_a_snapshot_without_a_floor_builds_on_with_the_default(tmp_path: Path):
    """A snapshot written before builds kept a floor reads as None; the next build takes
    the default, and a floor out of range in a manifest is named."""
    from paperkg.graph.snapshot.manifest import ManifestError
    from paperkg.pipeline import DEFAULTS

    out = write(tmp_path / "kg", make_graph(), min_confidence=None)
    manifest = read_manifest(out)
    assert manifest.min_confidence is None and "min_confidence" not in manifest.to_json()
    assert manifest.settings(DEFAULTS).min_confidence == DEFAULTS.min_confidence
    data = manifest.to_json()
    with pytest.raises(ManifestError, match=r"^min_confidence must be a number between 0 and 1"):
        Manifest.from_json({**data, "min_confidence": 1.5})
    assert Manifest.from_json({**data, "min_confidence": 1}).min_confidence == 1
    assert replace(manifest, min_confidence=0.4).settings(DEFAULTS).min_confidence == 0.4
    shutil.rmtree(out)
