"""Recent PageRank and citation velocity on small hand-made dated graphs."""

from __future__ import annotations

import math
import random
from datetime import date

import networkx as nx
import pytest

from paperkg.errors import ParameterError
from paperkg.graph.analytics.analyse import _directed_papers
from paperkg.graph.analytics.recency import (
    HALF_LIFE_DAYS,
    VELOCITY_DAYS,
    citation_velocity,
    recent_pagerank,
)
from paperkg.graph.analytics.timeline import analyse_time
from paperkg.graph.schema import Label, RelType


def twins() -> nx.MultiDiGraph:
    """Two papers in the same position (each cited by one reader), one old and one new;
    the readers are dated the newest day too."""
    graph = nx.MultiDiGraph()
    dates = {"old": "2024-01-01", "new": "2024-12-31", "r1": "2024-12-31", "r2": "2024-12-31"}
    for node, day in dates.items():
        graph.add_node(node, type=Label.PAPER, title=node, abstract="", published=day)
    graph.add_edge("r1", "old", key=f"{RelType.CITES}:openalex")
    graph.add_edge("r2", "new", key=f"{RelType.CITES}:openalex")
    return graph


def test_a_recent_paper_outranks_an_equal_old_one():
    graph = twins()
    plain = nx.pagerank(nx.DiGraph([("r1", "old"), ("r2", "new")]))
    assert plain["old"] == pytest.approx(plain["new"])  # the same without time
    scores = recent_pagerank(graph)
    assert scores["new"] > scores["old"]
    assert sum(scores.values()) == pytest.approx(1.0)
    slower = recent_pagerank(graph, half_life_days=10 * HALF_LIFE_DAYS)
    assert scores["new"] / scores["old"] > slower["new"] / slower["old"] > 1


def test_undated_papers_are_reached_but_never_jumped_to():
    graph = twins()
    graph.add_node("undated", type=Label.PAPER, title="u", abstract="")
    graph.add_node("lonely", type=Label.PAPER, title="l", abstract="")
    graph.add_edge("new", "undated", key=RelType.SIMILAR_TO, score=0.9)
    scores = recent_pagerank(graph)
    assert scores["undated"] > 0
    assert scores["lonely"] == pytest.approx(0.0, abs=1e-9)


def test_velocity_counts_citing_papers_per_30_days():
    graph = twins()
    graph.add_edge("r2", "old", key=f"{RelType.CITES}:mention")  # a second citing paper
    graph.add_edge("r1", "old", key=f"{RelType.CITES}:mention")  # r1 again: counted once
    graph.add_edge("r1", "old", key=RelType.SIMILAR_TO, score=0.5)  # not a citation
    velocity = citation_velocity(graph)
    age = 365  # 2024 is a leap year: Jan 1 to Dec 31
    assert velocity["old"] == pytest.approx(2 * VELOCITY_DAYS / age, abs=1e-6)
    assert velocity["new"] == pytest.approx(1.0)  # younger than a window: one window
    assert "r1" not in velocity  # never cited


def test_velocity_is_absent_for_undated_papers_and_on_undated_graphs():
    graph = twins()
    graph.nodes["old"]["published"] = None
    assert "old" not in citation_velocity(graph)
    for _node, data in graph.nodes(data=True):
        data["published"] = None
    assert citation_velocity(graph) == {}
    assert recent_pagerank(graph) == {}


def test_analyse_time_sets_both_on_the_papers():
    graph = twins()
    analyse_time(graph)
    assert graph.nodes["new"]["recent_pagerank"] > graph.nodes["old"]["recent_pagerank"]
    assert graph.nodes["new"]["citation_velocity"] == pytest.approx(1.0)
    assert "citation_velocity" not in graph.nodes["r1"]


def test_a_half_life_must_be_positive():
    with pytest.raises(ParameterError, match="half_life_days must be above 0"):
        recent_pagerank(twins(), half_life_days=0)


def test_recent_pagerank_is_networkx_pagerank_with_the_decayed_teleport():

    rng = random.Random(7)
    graph = nx.MultiDiGraph()
    for i in range(40):
        day = None if i % 9 == 0 else f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        graph.add_node(f"p{i}", type=Label.PAPER, title="t", abstract="", published=day)
    graph.add_node("stub", type=Label.PAPER, title="s", stub=True)
    for _ in range(120):
        u, v = f"p{rng.randrange(40)}", f"p{rng.randrange(40)}"
        if rng.random() < 0.5:
            graph.add_edge(u, v, key=f"{RelType.CITES}:openalex")
        else:
            graph.add_edge(u, v, key=RelType.SIMILAR_TO, score=rng.random())
    graph.add_edge("p1", "stub", key=f"{RelType.CITES}:openalex")
    dated = {n: d["published"] for n, d in graph.nodes(data=True) if d.get("published")}
    newest = max(dated.values())
    teleport = {
        n: math.pow(2, -(date.fromisoformat(newest) - date.fromisoformat(d)).days / 90)
        for n, d in dated.items()
    }
    expected = nx.pagerank(_directed_papers(graph), weight="weight", personalization=teleport)
    found = recent_pagerank(graph)
    assert set(found) == set(expected)
    for node, value in expected.items():
        assert found[node] == pytest.approx(value, abs=1e-5), node
