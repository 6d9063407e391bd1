"""Topics at two levels, their labels and the bridges between them: on the real seed pages
against our hand labelling (tests/data/quality/topic_labels.json), and on text we wrote."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from conftest import DATA, run
from paperkg.graph import read_snapshot
from paperkg.graph.analytics import describe, entity_spread, label_coverage
from paperkg.graph.analytics.hierarchy import group_clusters
from paperkg.graph.extract.normalize import title_key
from paperkg.graph.report.topics import bridge_report, cluster_rows
from paperkg.graph.snapshot import decode_clusters, encode_clusters

TOPICS = DATA / "quality" / "topic_labels.json"


def _labels() -> dict[str, tuple[str, str]]:
    data = json.loads(TOPICS.read_text(encoding="utf-8"))
    return {entry["key"]: (entry["broad"], entry["fine"]) for entry in data["papers"]}


def _papers(graph: nx.MultiDiGraph) -> list[dict]:
    return [d for _n, d in graph.nodes(data=True) if d.get("type") == "Paper" and not d.get("stub")]


def test_seed_clusters_agree_with_the_hand_labelled_topics(seeds_snapshot: Path):
    truth = _labels()
    papers = [
        d for d in _papers(read_snapshot(seeds_snapshot).graph) if title_key(d["title"]) in truth
    ]
    assert len(papers) == 370
    fine = [truth[title_key(d["title"])][1] for d in papers]
    broad = [truth[title_key(d["title"])][0] for d in papers]
    clusters = [d["cluster"] for d in papers]
    topics = [d["topic"] for d in papers]
    # Floors a little under the measured figures (docs/benchmarks.md: 0.52 / 0.29 and
    # 0.35 / 0.25): a change that loses them fails here.
    assert normalized_mutual_info_score(fine, clusters) >= 0.47
    assert adjusted_rand_score(fine, clusters) >= 0.25
    assert adjusted_rand_score(broad, topics) >= 0.2
    assert sum(1 for c in clusters if c == -1) <= 0.05 * len(papers)
    found, grouped = len(set(clusters) - {-1}), len(set(topics) - {-1})
    assert 9 <= found <= 18 and 3 <= grouped < found


def test_the_two_levels_nest_and_share_one_id_space(seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    clusters = {d["id"]: d for _n, d in graph.nodes(data=True) if d.get("type") == "Cluster"}
    parents: dict[int, list[int]] = {}
    for u, v, key in graph.edges(keys=True):
        if key == "SUBTOPIC_OF":
            parents.setdefault(graph.nodes[u]["id"], []).append(graph.nodes[v]["id"])
    for cid, data in clusters.items():
        if data["level"] == 2 and cid >= 0:
            assert len(parents[cid]) == 1 and clusters[parents[cid][0]]["level"] == 1
            assert data["topic"] == parents[cid][0]
        else:
            assert cid not in parents
    for paper in _papers(graph):
        if paper["cluster"] >= 0:
            assert paper["topic"] == clusters[paper["cluster"]]["topic"]
    topics = [r for r in cluster_rows(graph, 1)]
    assert sum(r.size for r in topics) == sum(1 for p in _papers(graph) if p["cluster"] >= 0)
    assert all(r.subtopics and r.level == 1 for r in topics)


def test_seed_labels_cover_their_clusters_and_no_two_share_a_term(seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    families = [
        {d["name"].casefold(), *(a.casefold() for a in d["aliases"])}
        for _n, d in graph.nodes(data=True)
        if d.get("type") in ("Method", "Dataset") and d.get("aliases")
    ]
    for level, key in ((2, "cluster"), (1, "topic")):
        shares, terms = [], []
        for row in cluster_rows(graph, level):
            if row.id < 0:
                continue
            texts = [f"{p['title']}. {p['abstract']}" for p in _papers(graph) if p[key] == row.id]
            label = row.keywords[:3]
            assert label, row
            assert row.label == ", ".join(label)
            shares += label_coverage(texts, label)
            terms += [t.casefold() for t in row.keywords]
        assert sum(shares) / len(shares) >= 0.30, (level, shares)
        for row in cluster_rows(graph, level):  # one spelling per entity in a label
            said = {t.casefold() for t in row.keywords}
            for spellings in families:
                assert len(said & spellings) <= 1, (row.keywords, spellings)
        assert min(shares) >= 0.10
        assert not [t for t, n in Counter(terms).items() if n > 1], level


def test_bridge_papers_join_two_or_three_named_clusters(seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    report = bridge_report(graph, top=10)
    assert len(report.papers) == 10
    for paper in report.papers:
        assert 2 <= len(paper.joins) <= 3
        assert all(j.label and j.share >= 0.2 for j in paper.joins)
        assert all(j.similar + j.cites > 0 for j in paper.joins)
    assert report.entities
    for entity in report.entities:
        assert 2 <= len(entity.joins) <= 3 and all(j.label for j in entity.joins)


def test_a_common_entity_is_not_a_bridge_and_a_rare_shared_one_is():
    corpus = 370
    everywhere = entity_spread([c for c in range(6) for _ in range(5)] + [0, 1, 2], corpus)
    pair = entity_spread([0, 0, 0, 1, 1, 1], corpus)
    assert pair.score > everywhere.score
    assert pair.joins == [0, 1]
    # A handful of papers is thin evidence: two in two clusters bridge less than six.
    assert 0 < entity_spread([0, 1], corpus).score < pair.score
    # One cluster only: joins one, no bridge.
    assert entity_spread([4, 4, 4, 4], corpus).joins == [4]


TEXTS = {
    0: [
        "Knowledge distillation trains a small student from a large teacher network.",
        "We study knowledge distillation for compact students in speech models.",
        "Distillation from an ensemble teacher: knowledge distillation at scale.",
        "Student networks learn dark knowledge via knowledge distillation and soft labels.",
    ],
    1: [
        "Protein structures predicted from sequences with attention over residues.",
        "Protein design: generating structures and sequences of proteins.",
        "A language of residues: protein folding with sequence models.",
        "Protein structure prediction from residue contacts.",
    ],
    2: [
        "Retrieval of passages for open question answering with dense retrievers.",
        "Dense passage retrieval improves question answering over documents.",
        "Passage rerankers for question answering with retrieval.",
        "Sparse and dense retrieval of passages compared on question answering.",
    ],
}


def test_labels_prefer_phrases_and_keep_each_term_to_one_cluster():
    labels = describe(TEXTS)
    assert labels[0].terms[0] == "knowledge distillation"
    assert "distillation" not in [t.casefold() for t in labels[0].terms]
    assert labels[1].terms[0].casefold() == "protein"
    assert any(t.casefold() == "question answering" for t in labels[2].terms)
    everything = [t.casefold() for label in labels.values() for t in label.terms]
    assert len(everything) == len(set(everything))
    for cluster, label in labels.items():
        assert all(c >= 0.10 for c in label.coverage)
        assert label_coverage(TEXTS[cluster], label.terms) == pytest.approx(label.coverage)


def test_one_entitys_spellings_and_one_words_forms_share_a_label_once():
    texts = {
        0: [f"Masked language modeling (MLM) pretraining, run {i}." for i in range(4)],
        1: [f"Selecting data: a selection of selected examples, study {i}." for i in range(4)],
    }
    labels = describe(texts, names=[["MLM", "masked language modeling"]])
    assert len({"mlm", "masked language modeling"} & {t.casefold() for t in labels[0].terms}) == 1
    forms = [t for t in labels[1].terms if t.casefold().startswith("select")]
    assert len(forms) == 1, labels[1].terms


def test_broad_topics_group_the_clusters_that_link_most():
    network: nx.Graph[str] = nx.Graph()
    assignment = {}
    for cluster in range(4):
        members = [f"p{cluster}-{i}" for i in range(5)]
        for i, a in enumerate(members):
            assignment[a] = cluster
            for b in members[i + 1 :]:
                network.add_edge(a, b, weight=1.0)
    for i in range(5):  # clusters 0 and 1 link a lot, 2 and 3 too
        network.add_edge(f"p0-{i}", f"p1-{i}", weight=1.0)
        network.add_edge(f"p2-{i}", f"p3-{i}", weight=1.0)
    network.add_edge("p1-0", "p2-0", weight=0.1)
    groups = group_clusters(network, assignment)
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_clusters_json_of_an_older_snapshot_still_reads():
    assert decode_clusters('{"a": 1, "b": -1}') == ({"a": 1, "b": -1}, {})
    written = encode_clusters({"a": 1}, {"a": 5})
    assert decode_clusters(written) == ({"a": 1}, {"a": 5})


def test_clusters_command_shows_each_level(seeds_snapshot: Path):
    both = run("clusters", "--out", seeds_snapshot, "--json")
    rows = json.loads(both.stdout)
    assert {r["level"] for r in rows} == {1, 2}
    topics = json.loads(run("clusters", "--out", seeds_snapshot, "--level", "1", "--json").stdout)
    assert topics and all(r["level"] == 1 and r["subtopics"] for r in topics)
    table = run("clusters", "--out", seeds_snapshot, "--level", "2")
    assert table.exit_code == 0 and "topic" not in table.stdout.split("\n", 4)[3]
    bad = run("clusters", "--out", seeds_snapshot, "--level", "3")
    assert bad.exit_code == 2 and "--level" in bad.output


def test_the_cluster_view_of_a_topic_draws_the_papers_of_all_its_clusters(seeds_snapshot: Path):
    from paperkg.viz import cluster_view

    graph = read_snapshot(seeds_snapshot).graph
    topic = max(cluster_rows(graph, 1), key=lambda r: len(r.subtopics))
    view = cluster_view(graph, topic.id)
    papers = [n for n, d in view.nodes.items() if d.get("type") == "Paper"]
    assert len(papers) == topic.size and len(topic.subtopics) >= 2
    assert view.title.startswith(f"Topic {topic.id}: ")
