"""Recommendations per tag (issue 22): the ranking on a small hand-made graph whose papers,
embeddings, methods and clusters are planted, then `paperkg recommend` on a real build."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from conftest import EXAMPLES, run
from paperkg import open_snapshot
from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph.analytics.analyse import cluster_node_id
from paperkg.graph.model import entity_node_id
from paperkg.graph.recommend import MIN_POSITIVES, recommend
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.read import Embeddings
from paperkg.graph.tags import Tag, TaggedPaper

# --- a planted graph: three topics of 12 papers, methods, a cluster label ---------------------

TOPIC_WORDS = {
    0: "protein folding structure residue",
    1: "speech audio phoneme acoustic",
    2: "robot grasp locomotion policy",
}
DIMENSION = 16


def planted() -> tuple[nx.MultiDiGraph, Embeddings]:
    """Papers ``t<topic>p<i>`` (i < 12), one a day from 2026-03-01 (papers of day i share
    it across topics); topic t's embeddings around its own direction; topic 0's papers
    2, 5, 8, 11 use LoRA, topic 1's paper 3 uses LoRA too; every paper is in the cluster of
    its topic, whose label is its words; ``t0p11`` has no embedding."""
    rng = np.random.default_rng(3)
    centres = np.eye(DIMENSION)[:3] * 3
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.add_node(entity_node_id("method", "lora"), type=Label.METHOD, key="lora", name="LoRA")
    ids, vectors = [], []
    for topic, words in TOPIC_WORDS.items():
        graph.add_node(cluster_node_id(topic), type=Label.CLUSTER, id=topic, label=words)
        for i in range(12):
            node = f"t{topic}p{i}"
            graph.add_node(
                node,
                type=Label.PAPER,
                title=f"{words.split()[0].title()} study {i}",
                abstract=f"We study {words} with {words.split()[i % 4]} number {i}.",
                published=f"2026-03-{1 + i:02d}",
                cluster=topic,
            )
            if node != "t0p11":
                ids.append(node)
                vectors.append(centres[topic] + rng.normal(scale=0.6, size=DIMENSION))
    for node in ("t0p2", "t0p5", "t0p8", "t0p11", "t1p3"):
        graph.add_edge(node, entity_node_id("method", "lora"), key=RelType.USES, confidence=0.9)
    graph.add_node("stub:outside", type=Label.PAPER, stub=True, title="An outside work")
    array = np.asarray(vectors, dtype=np.float32)
    array /= np.linalg.norm(array, axis=1, keepdims=True)
    return graph, Embeddings(ids, [""] * len(ids), array)


def tag(positive: list[str], negative: list[str] = (), name: str = "mine") -> Tag:
    return Tag(
        name,
        [TaggedPaper(n, n, "2026-03-20T00:00:00Z") for n in positive],
        [TaggedPaper(n, n, "2026-03-20T00:00:00Z") for n in negative],
    )


def topics_of(ids: list[str]) -> list[str]:
    return [n[:2] for n in ids]


# --- ranking ------------------------------------------------------------------------------------


def test_the_classifier_ranks_the_planted_topic_first():
    graph, embeddings = planted()
    found = recommend(graph, embeddings, tag(["t0p0", "t0p1", "t0p2", "t0p3"]), k=7)
    assert found.mode == "classifier"
    assert found.note == "1 paper without an embedding was skipped"
    assert (found.positives, found.negatives, found.skipped) == (4, 0, 1)
    # 36 corpus papers (the stub is none), 4 tagged, t0p11 has no embedding.
    assert found.candidates == 31
    ranked = [p.id for p in found.papers]
    assert topics_of(ranked) == ["t0"] * 7, ranked
    assert [p.rank for p in found.papers] == list(range(1, 8))
    scores = [p.score for p in found.papers]
    assert scores == sorted(scores, reverse=True)
    assert not {"t0p0", "t0p1", "t0p2", "t0p3", "stub:outside"} & set(ranked)


def test_fewer_than_three_positives_fall_back_to_similarity_and_say_so():
    graph, embeddings = planted()
    found = recommend(graph, embeddings, tag(["t1p0", "t1p1"]), k=5)
    assert MIN_POSITIVES == 3
    assert found.mode == "similarity"
    assert "fewer than 3" in found.note and "paperkg tag add mine" in found.note
    assert topics_of([p.id for p in found.papers]) == ["t1"] * 5
    # The score is the best cosine to a positive, and the reasons name that positive.
    best = found.papers[0]
    vectors = dict(zip(embeddings.ids, embeddings.vectors, strict=True))
    cosines = {p: float(vectors[best.id] @ vectors[p]) for p in ("t1p0", "t1p1")}
    assert best.score == pytest.approx(max(cosines.values()), abs=1e-4)
    assert best.nearest[0] == max(cosines, key=cosines.__getitem__)


@pytest.mark.parametrize("positives", [["t0p0", "t0p1", "t0p3", "t0p4"], ["t0p0", "t0p1"]])
def test_a_thumbs_down_pushes_papers_like_it_down(positives: list[str]):
    """t0p10 and its near twin t0p9: thumbs down on the twin ranks t0p10 lower, in both modes."""
    graph, embeddings = planted()
    vectors = embeddings.vectors.copy()
    row = {n: i for i, n in enumerate(embeddings.ids)}
    vectors[row["t0p9"]] = vectors[row["t0p10"]] * 0.99 + 0.01 * vectors[row["t1p0"]]
    twins = Embeddings(embeddings.ids, embeddings.hashes, vectors)
    ranks, scores = {}, {}
    for negative in ([], ["t0p9"]):
        found = recommend(graph, twins, tag(positives, negative), k=40)
        assert found.negatives == len(negative)
        # Ranked among the same papers (the twin is a candidate only when untagged).
        ranked = [p.id for p in found.papers if p.id != "t0p9"]
        ranks[bool(negative)] = ranked.index("t0p10")
        scores[bool(negative)] = {p.id: p.score for p in found.papers}
    assert ranks[True] > ranks[False]
    drops = {n: scores[False][n] - scores[True][n] for n in scores[True]}
    assert max(drops, key=drops.__getitem__) == "t0p10", drops


def test_the_window_keeps_the_papers_that_reached_the_feed_in_it():
    graph, embeddings = planted()
    # A listing date comes before the publication date: t2p0 reached the feed on 03-10.
    graph.nodes["t2p0"]["listed_dates"] = ["2026-03-10"]
    graph.nodes["t1p5"]["published"] = None  # undated: outside any window
    positives = tag(["t0p0", "t0p1", "t0p2"])
    found = recommend(
        graph, embeddings, positives, since=date(2026, 3, 6), until=date(2026, 3, 10), k=40
    )
    assert found.since == "2026-03-06" and found.until == "2026-03-10"
    days = {p.id: p.feed_date for p in found.papers}
    assert all("2026-03-06" <= d <= "2026-03-10" for d in days.values()), days
    assert days["t2p0"] == "2026-03-10"
    # Days 6-10 are i = 5..9 in each topic (15 papers), t2p0 joins, t1p5 is undated.
    assert found.candidates == len(days) == 15
    assert "t1p5" not in days
    only_since = recommend(graph, embeddings, positives, since=date(2026, 3, 12), k=40)
    assert {p.feed_date for p in only_since.papers} == {"2026-03-12"}


def test_the_reasons_name_the_nearest_positive_the_shared_method_and_the_topic():
    graph, embeddings = planted()
    found = recommend(graph, embeddings, tag(["t0p0", "t0p2", "t0p5"]), k=40)
    papers = {p.id: p for p in found.papers}
    vectors = dict(zip(embeddings.ids, embeddings.vectors, strict=True))
    for paper in found.papers:
        cosines = sorted(
            ((float(vectors[paper.id] @ vectors[p]), p) for p in ("t0p0", "t0p2", "t0p5")),
            reverse=True,
        )
        assert paper.nearest == [p for _c, p in cosines]
        title = graph.nodes[cosines[0][1]]["title"]
        assert paper.why.startswith(f"like {title} ({cosines[0][0]:.2f})")
    assert papers["t0p8"].shared == ["LoRA"] and "shares LoRA" in papers["t0p8"].why
    assert papers["t1p3"].shared == ["LoRA"]
    assert papers["t0p4"].shared == [] and "shares" not in papers["t0p4"].why
    assert papers["t0p4"].topic == TOPIC_WORDS[0]
    assert papers["t1p3"].why.endswith(f"topic: {TOPIC_WORDS[1]}")


def test_papers_without_an_embedding_are_skipped_and_counted():
    graph, embeddings = planted()
    found = recommend(graph, embeddings, tag(["t0p0", "t0p1", "t0p2"]), since=date(2026, 3, 12))
    assert found.skipped == 1 and "1 paper without an embedding was skipped" in found.note
    assert "t0p11" not in {p.id for p in found.papers}
    assert found.candidates == 2  # t1p11, t2p11


def test_tagged_papers_gone_from_the_snapshot_are_said_and_the_rest_used():
    graph, embeddings = planted()
    found = recommend(graph, embeddings, tag(["t0p0", "t0p1", "t0p2", "arxiv:gone"]))
    assert found.positives == 3 and found.mode == "classifier"
    assert "1 tagged paper is not in this snapshot" in found.note


# --- bad input ----------------------------------------------------------------------------------


def test_bad_input_is_refused_with_a_line_saying_what_to_do():
    graph, embeddings = planted()
    with pytest.raises(ParameterError, match="has no positive papers: add some with paperkg tag"):
        recommend(graph, embeddings, tag([], ["t0p1"]))
    with pytest.raises(ParameterError, match="none of the 2 positive papers of tag 'mine'"):
        recommend(graph, embeddings, tag(["arxiv:gone", "t0p11"]))
    with pytest.raises(ParameterError, match=r"from 2026-04-01 to the end \(this snapshot's "):
        recommend(graph, embeddings, tag(["t0p0"]), since=date(2026, 4, 1))
    with pytest.raises(ParameterError, match="2026-03-01 to 2026-03-12"):
        recommend(graph, embeddings, tag(["t0p0"]), until=date(2026, 2, 1))
    with pytest.raises(ParameterError, match="after until"):
        recommend(graph, embeddings, tag(["t0p0"]), since=date(2026, 3, 5), until=date(2026, 3, 1))
    with pytest.raises(ParameterError, match="k must be at least 1"):
        recommend(graph, embeddings, tag(["t0p0"]), k=0)
    with pytest.raises(ParameterError, match="no feature block colour"):
        recommend(graph, embeddings, tag(["t0p0", "t0p1", "t0p2"]), weights={"colour": 1.0})


# --- the command on a real build ----------------------------------------------------------------


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("recommend-cli") / "kg"
    result = run("build", EXAMPLES, "--out", out, "-k", "5", "-q")
    assert result.exit_code == 0, result.output
    return out


def _largest_cluster(out: Path) -> list[str]:
    graph = open_snapshot(out).graph
    members: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") == Label.PAPER and not data.get("stub") and "cluster" in data:
            members.setdefault(data["cluster"], []).append(node)
    return sorted(max(members.values(), key=len))


def test_the_command_prints_a_table_and_json(examples_out: Path):
    papers = _largest_cluster(examples_out)
    assert len(papers) >= 5
    result = run("tag", "add", "fold", *papers[:4], "--out", examples_out)
    assert result.exit_code == 0, result.output
    result = run("tag", "add", "fold", "--negative", papers[4], "--out", examples_out)
    assert result.exit_code == 0, result.output
    result = run("recommend", "--tag", "fold", "-k", "5", "--out", examples_out)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("fold: classifier over 4 positive and 1 thumbs-down papers;")
    for column in ("rank", "score", "title", "why"):
        assert column in result.output
    result = run("recommend", "--tag", "fold", "-k", "5", "--json", "--out", examples_out)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["mode"] == "classifier" and len(found["papers"]) == 5
    assert not set(papers[:5]) & {p["id"] for p in found["papers"]}
    assert all(p["why"].startswith("like ") for p in found["papers"])
    assert all(set(p["nearest"]) <= set(papers[:4]) for p in found["papers"])
    api = open_snapshot(examples_out).recommend("fold", k=5)
    assert [p.id for p in api.papers] == [p["id"] for p in found["papers"]]


def test_the_command_refuses_an_unknown_tag_and_a_bad_date(examples_out: Path):
    result = run("recommend", "--tag", "no-such-tag", "--out", examples_out)
    assert result.exit_code != 0 and "no-such-tag" in result.output
    result = run("recommend", "--tag", "fold", "--since", "yesterday", "--out", examples_out)
    assert result.exit_code != 0 and "--since" in result.output
    with pytest.raises(NotFoundError):
        open_snapshot(examples_out).recommend("no-such-tag")
