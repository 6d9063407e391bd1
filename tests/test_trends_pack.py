"""The trends pack (issue 20 part 4) in a real Neo4j: what bursts in a window, topic sizes
over time, new topics and papers by recent PageRank, each checked against the pushed
snapshot's graph computed in Python; empty answers named in one line.

Two dated snapshots: the this-week story built with the real model (``--year 2026``: five
days, a legged-robots topic from Wednesday, no method burst), and a hand-made one of twelve
weeks whose method HotNet bursts in the last two, dataset OldBench in weeks 3-5, a quantum
topic appears in the last week and a consistency-models cluster the week before, beside
undated, unclustered and stub papers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner, Result
from pack_answers import rows_of, why
from test_cypher_parameters import (
    test_cypher_fstrings_interpolate_only_schema_names as fstrings_check,
)
from test_cypher_parameters import (
    test_statements_sent_to_the_server_are_never_built_from_expressions as statements_check,
)

from conftest import ROOT
from paperkg.cli import main
from paperkg.errors import QueryError
from paperkg.graph import Embeddings, build_index, read_snapshot, write_snapshot
from paperkg.graph.analytics import analyse_time, read_timeline
from paperkg.graph.analytics.recency import paper_dates
from paperkg.graph.analytics.timeline import BURST_ATTRIBUTES, TIMELINE, Timeline
from paperkg.graph.model import relationship_type
from paperkg.graph.neo4j.store import push_snapshot
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model
from paperkg.pipeline import BuildOptions, build
from paperkg.queries import find_query, load_catalog, typed_params
from paperkg.queries.catalog import parse_query
from paperkg.queries.runner import read_session

STORY = ROOT / "stories" / "this-week" / "feed"
WEEKS, PER_WEEK = 12, 10
MONDAY = date(2026, 1, 5)
LAST_MONDAY = MONDAY + timedelta(weeks=WEEKS - 1)  # 2026-03-23
NEWEST = LAST_MONDAY + timedelta(days=4)  # the Friday: the newest paper's date
#: The dimension of the default model: the server's vector index, made by other tests'
#: pushes, takes no other.
DIM = 384
#: id -> (level, label, topic) of the hand-made clusters.
CLUSTERS: dict[int, tuple[int, str, int | None]] = {
    1: (1, "diffusion", None),
    2: (1, "proteins", None),
    3: (1, "quantum", None),
    11: (2, "samplers", 1),
    12: (2, "guidance", 1),
    13: (2, "consistency models", 1),
    21: (2, "folding", 2),
    31: (2, "annealing", 3),
    -1: (2, "unclustered", None),
}
#: Rounded figures: three decimals of the pack against the snapshot's floats.
THREE = 0.0005 + 1e-9
TRENDS = ("bursting", "topic-sizes", "new-topics", "recent-papers")


def _paper(graph: nx.MultiDiGraph, pid: str, cluster: int, day: date | None, title: str) -> None:
    topic = CLUSTERS[cluster][2] if cluster >= 0 else -1
    graph.add_node(
        pid,
        type=Label.PAPER,
        id=pid,
        title=title,
        abstract=f"About {title.lower()}.",
        published=None if day is None else day.isoformat(),
        cluster=cluster,
        topic=-1 if topic is None else topic,
    )
    graph.add_edge(pid, f"cluster:{cluster}", key=RelType.IN_CLUSTER)


def hot_graph(*, dated: bool = True) -> tuple[nx.MultiDiGraph, Timeline]:
    """Twelve weeks of ten papers (Monday to Friday), six quantum-annealing papers on the
    last Wednesday to Friday, three undated papers using HotNet, two unclustered papers,
    and a stub every week's first paper cites; the time analytics run on it, and their
    record."""
    graph = nx.MultiDiGraph()
    for key, name in (("steady", "Steady"), ("hot", "HotNet")):
        graph.add_node(f"method:{key}", type=Label.METHOD, key=key, name=name)
    graph.add_node("dataset:old-bench", type=Label.DATASET, key="old-bench", name="OldBench")
    for cid, (level, label, topic) in CLUSTERS.items():
        graph.add_node(f"cluster:{cid}", type=Label.CLUSTER, id=cid, level=level, label=label)
        if topic is not None:
            graph.nodes[f"cluster:{cid}"]["topic"] = topic
            graph.add_edge(f"cluster:{cid}", f"cluster:{topic}", key=RelType.SUBTOPIC_OF)
    graph.add_node("stub:outside", type=Label.PAPER, id="stub:outside", title="Outside", stub=True)
    for week in range(WEEKS):
        for i in range(PER_WEEK):
            pid = f"w{week:02d}-{i}"
            late = week >= WEEKS - 2
            cluster = 11 if i < 4 else 12 if i < 6 else 13 if late and i >= 8 else 21
            day = MONDAY + timedelta(weeks=week, days=i % 5)
            _paper(graph, pid, cluster, day, f"Paper {i} of week {week}")
            if i < 2:
                graph.add_edge(pid, "method:steady", key=RelType.USES)
            if late and i < 8:
                graph.add_edge(pid, "method:hot", key=RelType.INTRODUCES if i else RelType.USES)
            if 2 <= week <= 4 and i < 8:
                graph.add_edge(pid, "dataset:old-bench", key=RelType.EVALUATES_ON)
            if week and i < 3:
                graph.add_edge(pid, f"w{week - 1:02d}-{i}", key=RelType.CITES, source="test")
            if i == 0:
                graph.add_edge(pid, "stub:outside", key=RelType.CITES, source="test")
            neighbour = f"w{week:02d}-{(i + 1) % PER_WEEK}"
            graph.add_edge(pid, neighbour, key=RelType.SIMILAR_TO, score=0.8, rank=1)
    for j in range(6):
        day = LAST_MONDAY + timedelta(days=2 + j % 3)
        _paper(graph, f"q{j}", 31, day, f"Quantum annealing {j}")
    for j in range(3):
        _paper(graph, f"u{j}", 11, None, f"Undated sampler {j}")
        graph.add_edge(f"u{j}", "method:hot", key=RelType.USES)
    for j in range(2):
        _paper(graph, f"x{j}", -1, LAST_MONDAY + timedelta(days=j), f"Unclustered {j}")
    links = [
        (u, v) for u, v, k in graph.edges(keys=True) if k in (RelType.CITES, RelType.SIMILAR_TO)
    ]
    ranks = nx.pagerank(nx.DiGraph(links))
    for node, data in graph.nodes(data=True):
        if data["type"] == Label.PAPER:
            data["pagerank"] = round(ranks.get(node, 0.0), 6)
            if not dated:
                data["published"] = None
    return graph, analyse_time(graph)


def write(out: Path, made: tuple[nx.MultiDiGraph, Timeline]) -> Path:
    graph, timeline = made
    papers = sorted(n for n, d in graph.nodes(data=True) if is_paper(d))
    vectors = np.random.default_rng(5).normal(size=(len(papers), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    write_snapshot(
        out,
        graph=graph,
        index=build_index(vectors),
        embeddings=Embeddings(papers, ["h"] * len(papers), vectors),
        manifest=Manifest(
            model=Model("test", DIM),
            knn=Knn(k=1, metric="cosine"),
            counts=Counts(nodes={Label.PAPER: len(papers)}, relationships={}),
            inputs=(),
        ),
        extra_files={TIMELINE: timeline.to_json()},
    )
    return out


@pytest.fixture(scope="module")
def hot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("trends") / "hot", hot_graph())


@pytest.fixture(scope="module")
def undated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("trends") / "undated", hot_graph(dated=False))


@pytest.fixture(scope="module")
def calm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made graph as an older build leaves it: dated, but with no burst stored."""
    graph, timeline = hot_graph()
    for _node, data in graph.nodes(data=True):
        for name in BURST_ATTRIBUTES:
            data.pop(name, None)
    return write(tmp_path_factory.mktemp("trends") / "calm", (graph, timeline))


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("trends") / "story"
    build([STORY], out, BuildOptions(year=2026), embedder=embedder)
    return out


@pytest.fixture(scope="module")
def driver(neo4j_server: tuple[str, str]) -> Iterator[neo4j.Driver]:
    uri, password = neo4j_server
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as made:
        yield made


_loaded: dict[str, Path] = {}


def load(driver: neo4j.Driver, out: Path) -> nx.MultiDiGraph:
    """The database holding the snapshot at ``out`` alone (pushed when another is in it);
    its graph."""
    if _loaded.get("out") != out:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        push_snapshot(driver, read_snapshot(out))
        _loaded["out"] = out
    return read_snapshot(out).graph


def cli(neo4j_server: tuple[str, str], *args: object) -> Result:
    uri, password = neo4j_server
    return CliRunner().invoke(
        main,
        ["query", "run", *[str(a) for a in args], "--neo4j", uri],
        env={"NEO4J_PASSWORD": password},
    )


# --- the snapshot's own answers, computed in Python --------------------------------------------


def is_paper(data: dict[str, Any]) -> bool:
    return data.get("type") == Label.PAPER and not data.get("stub")


def linked(graph: nx.MultiDiGraph, node: str, types: set[str]) -> set[str]:
    return {
        u
        for u, _v, key in graph.in_edges(node, keys=True)
        if relationship_type(key) in types and is_paper(graph.nodes[u])
    }


def members(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """The papers of a cluster node: its own, and for a topic those of its clusters."""
    found = linked(graph, node, {RelType.IN_CLUSTER})
    for sub in {u for u, _v, k in graph.in_edges(node, keys=True) if k == RelType.SUBTOPIC_OF}:
        found |= linked(graph, sub, {RelType.IN_CLUSTER})
    return found


def papers_of(graph: nx.MultiDiGraph, node: str) -> set[str]:
    if graph.nodes[node]["type"] == Label.CLUSTER:
        return members(graph, node)
    return linked(graph, node, {RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON})


def clusters(graph: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every cluster and topic node but the unclustered papers' (-1)."""
    for node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and data["id"] >= 0:
            yield node, data


def newest(graph: nx.MultiDiGraph) -> date:
    return max(paper_dates(graph).values())


def expected_bursts(
    graph: nx.MultiDiGraph, since: date, until: date, kind: str = "any"
) -> set[tuple[Any, ...]]:
    """(kind, name, level, start, end, weight, papers of the window) of every burst of a
    method, dataset or cluster that overlaps since..until."""
    dates = paper_dates(graph)
    found = set()
    for node, data in graph.nodes(data=True):
        if data.get("type") not in (Label.METHOD, Label.DATASET, Label.CLUSTER):
            continue
        if kind != "any" and data["type"].lower() != kind:
            continue
        starts, ends = data.get("burst_starts", []), data.get("burst_ends", [])
        for start, end, weight in zip(starts, ends, data.get("burst_weights", []), strict=True):
            if date.fromisoformat(start) <= until and date.fromisoformat(end) >= since:
                window = {p for p in papers_of(graph, node) if p in dates}
                window = {p for p in window if since <= dates[p] <= until}
                name = data.get("name") or data.get("label")
                found.add((data["type"], name, data.get("level"), start, end, weight, len(window)))
    return found


def as_bursts(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    keys = ("kind", "name", "level", "start", "end", "weight", "papers_in_window")
    return {tuple(row[k] for k in keys) for row in rows}


def truncate(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def expected_sizes(graph: nx.MultiDiGraph, level: int, unit: str) -> dict[tuple[str, int], int]:
    """Dated papers per (period, cluster) of one level, periods cut as date.truncate does."""
    dates = paper_dates(graph)
    counts: Counter[tuple[str, int]] = Counter()
    for node, data in clusters(graph):
        if data["level"] != level:
            continue
        for paper in members(graph, node) & dates.keys():
            counts[(truncate(dates[paper], unit).isoformat(), data["id"])] += 1
    return dict(counts)


def expected_new(graph: nx.MultiDiGraph, days: int, level: int = 0) -> set[tuple[Any, ...]]:
    """(level, id, label, first paper, papers) of the clusters and topics whose first dated
    paper is at most ``days - 1`` days before the newest paper."""
    dates = paper_dates(graph)
    border = newest(graph) - timedelta(days=days - 1)
    found = set()
    for node, data in clusters(graph):
        papers = members(graph, node)
        firsts = [dates[p] for p in papers if p in dates]
        if level in (0, data["level"]) and firsts and min(firsts) >= border:
            found.add(
                (data["level"], data["id"], data["label"], min(firsts).isoformat(), len(papers))
            )
    return found


# --- bursting -----------------------------------------------------------------------------------


def test_hand_made_snapshot_bursts_where_it_was_made_to(hot: Path):
    """The premise of the tests below, on the snapshot's own timeline."""
    timeline = read_timeline(hot)
    assert timeline is not None and timeline.unit == "week"
    bursts = {b.key: (b.start, b.end) for b in timeline.bursts if b.kind != "term"}
    assert bursts["method:hot"][1] >= NEWEST.isoformat()  # bursting in the last week
    assert bursts["dataset:old-bench"][1] < "2026-03-01"  # long over
    assert "cluster:31" in bursts and "method:steady" not in bursts


def test_bursting_is_every_burst_overlapping_the_window(driver, hot: Path):
    graph = load(driver, hot)
    assert newest(graph) == NEWEST
    week = (LAST_MONDAY, LAST_MONDAY + timedelta(days=6))  # the newest period: its week
    rows = rows_of(driver, "bursting")
    assert as_bursts(rows) == expected_bursts(graph, *week)
    assert {r["name"] for r in rows} == {"HotNet", "quantum", "annealing"}
    assert {(r["window_start"], r["window_end"]) for r in rows} == {
        (week[0].isoformat(), week[1].isoformat())
    }
    weights = [r["weight"] for r in rows]
    assert weights == sorted(weights, reverse=True)
    hotnet = next(r for r in rows if r["name"] == "HotNet")
    assert hotnet["papers_in_window"] == 8  # the undated papers using it are not counted
    # A window of one's choosing; until alone is the week ending then.
    old = (date(2026, 1, 20), date(2026, 2, 2))
    rows = rows_of(driver, "bursting", since=old[0], until=old[1])
    assert as_bursts(rows) == expected_bursts(graph, *old) and {r["name"] for r in rows} == {
        "OldBench"
    }
    until = date(2026, 2, 3)  # a Tuesday: its week from the Monday
    rows = rows_of(driver, "bursting", until=until)
    assert as_bursts(rows) == expected_bursts(graph, until - timedelta(days=1), until)
    assert {(r["window_start"], r["name"]) for r in rows} == {("2026-02-02", "OldBench")}
    since = date(2026, 3, 1)  # since alone: to the newest paper
    rows = rows_of(driver, "bursting", since=since)
    assert as_bursts(rows) == expected_bursts(graph, since, NEWEST)
    assert {r["window_end"] for r in rows} == {NEWEST.isoformat()}
    assert as_bursts(rows_of(driver, "bursting", kind="Method")) == expected_bursts(
        graph, *week, "method"
    )
    whole = rows_of(driver, "bursting", since="2026-01-01", kind="cluster")
    assert as_bursts(whole) == expected_bursts(graph, date(2026, 1, 1), NEWEST, "cluster")
    assert {r["level"] for r in whole} == {1, 2}


def test_dates_reach_browser_as_dates(driver, hot: Path):
    load(driver, hot)
    spec = find_query("bursting")
    with read_session(driver, None) as session:
        record = session.run(spec.cypher, spec.defaults()).peek()
    for column in ("start", "end", "window_start", "window_end"):
        assert isinstance(record[column], neo4j.time.Date), column


# --- topic sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "unit"), [(1, "week"), (2, "week"), (2, "month"), (1, "day")])
def test_topic_sizes_are_the_graphs_counts(driver, hot: Path, level: int, unit: str):
    graph = load(driver, hot)
    rows = rows_of(driver, "topic-sizes", level=level, unit=unit)
    found = {(r["period"], r["cluster"]): r["papers"] for r in rows}
    assert found == expected_sizes(graph, level, unit)
    labels = {data["id"]: data["label"] for _n, data in clusters(graph)}
    totals = Counter(truncate(d, unit).isoformat() for d in paper_dates(graph).values())
    for row in rows:
        assert row["label"] == labels[row["cluster"]]
        assert row["period_papers"] == totals[row["period"]]  # the unclustered counted too
        assert abs(row["share_pct"] - 100 * row["papers"] / row["period_papers"]) <= 0.05 + 1e-9
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)


def test_topic_sizes_by_week_are_the_timelines(driver, hot: Path):
    """The pack and the build's timeline.json count the same papers per topic and week."""
    load(driver, hot)
    timeline = read_timeline(hot)
    assert timeline is not None
    for level in (1, 2):
        expected = {
            (timeline.periods[i], topic.cluster): n
            for topic in timeline.topics
            if topic.level == level
            for i, n in enumerate(topic.counts)
            if n
        }
        rows = rows_of(driver, "topic-sizes", level=level)
        assert {(r["period"], r["cluster"]): r["papers"] for r in rows} == expected


def test_topic_sizes_of_one_cluster_or_topic(driver, hot: Path):
    graph = load(driver, hot)
    one = rows_of(driver, "topic-sizes", cluster=13)
    assert {r["period"]: r["papers"] for r in one} == {"2026-03-16": 2, "2026-03-23": 2}
    topic = rows_of(driver, "topic-sizes", cluster=1, level=2)  # an id decides its level
    sizes = expected_sizes(graph, 1, "week")
    assert {(r["period"], r["cluster"]): r["papers"] for r in topic} == {
        key: n for key, n in sizes.items() if key[1] == 1
    }


def test_topic_sizes_on_the_story_are_its_daily_timeline(driver, story: Path):
    load(driver, story)
    timeline = read_timeline(story)
    assert timeline is not None and timeline.unit == "day"
    expected = {
        (timeline.periods[i], t.cluster): n
        for t in timeline.topics
        if t.level == 1
        for i, n in enumerate(t.counts)
        if n
    }
    rows = rows_of(driver, "topic-sizes", unit="day")
    assert {(r["period"], r["cluster"]): r["papers"] for r in rows} == expected
    weekly = rows_of(driver, "topic-sizes")  # Monday to Friday: one week
    assert {r["period"] for r in weekly} == {timeline.periods[0]}
    assert sum(r["papers"] for r in weekly) == sum(timeline.totals)


# --- new topics ---------------------------------------------------------------------------------


def as_new(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    keys = ("level", "cluster", "label", "first_paper", "papers")
    return {tuple(row[k] for k in keys) for row in rows}


def test_new_topics_began_within_the_days(driver, hot: Path):
    graph = load(driver, hot)
    rows = rows_of(driver, "new-topics")
    assert as_new(rows) == expected_new(graph, 7)
    assert {r["cluster"] for r in rows} == {3, 31}  # the quantum topic and its cluster
    annealing = next(r for r in rows if r["cluster"] == 31)
    assert annealing["topic"] == "quantum" and len(annealing["central_papers"]) == 3
    ranks = {d["title"]: d["pagerank"] for _n, d in graph.nodes(data=True) if is_paper(d)}
    central = [ranks[t] for t in annealing["central_papers"]]
    assert central == sorted(central, reverse=True) and central[0] == max(
        ranks[graph.nodes[f"q{j}"]["title"]] for j in range(6)
    )
    fortnight = rows_of(driver, "new-topics", days=14)
    assert as_new(fortnight) == expected_new(graph, 14)
    assert {r["cluster"] for r in fortnight} == {3, 31, 13}
    firsts = [r["first_paper"] for r in fortnight]
    assert firsts == sorted(firsts, reverse=True)
    clusters_only = rows_of(driver, "new-topics", days=14, level=2)
    assert as_new(clusters_only) == expected_new(graph, 14, level=2)
    assert rows_of(driver, "new-topics", days=10_000) and as_new(
        rows_of(driver, "new-topics", days=10_000, limit=100)
    ) == expected_new(graph, 10_000)


def test_the_storys_new_topic_is_the_legged_robots(driver, story: Path):
    """Monday to Friday, the robots from Wednesday: three days show them alone, seven every
    topic (all began this week)."""
    graph = load(driver, story)
    rows = rows_of(driver, "new-topics", days=3)
    assert rows and as_new(rows) == expected_new(graph, 3)
    for row in rows:
        titles = " ".join(row["central_papers"]).lower()
        assert any(word in titles for word in ("legged", "quadruped", "locomotion")), row
    week = rows_of(driver, "new-topics", limit=100)
    assert as_new(week) == expected_new(graph, 7)
    assert len(week) == len(list(clusters(graph)))


def test_bursting_on_the_story_is_its_graphs(driver, story: Path):
    """Five days, counted by day: the newest day by default, the whole story from Monday."""
    graph = load(driver, story)
    rows = rows_of(driver, "bursting")
    assert as_bursts(rows) == expected_bursts(graph, newest(graph), newest(graph))
    timeline = read_timeline(story)
    assert timeline is not None and timeline.unit == "day"
    bursts = {(b.name, b.start, b.end) for b in timeline.bursts if b.kind != "term"}
    whole = rows_of(driver, "bursting", since=timeline.periods[0])
    assert {(r["name"], r["start"], r["end"]) for r in whole} == bursts


# --- recent papers ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 7, 30])
def test_recent_papers_rank_by_recent_pagerank(driver, hot: Path, days: int):
    graph = load(driver, hot)
    dates = paper_dates(graph)
    papers = {n: d for n, d in graph.nodes(data=True) if is_paper(d) and "recent_pagerank" in d}
    if days:
        border = NEWEST - timedelta(days=days - 1)
        papers = {n: d for n, d in papers.items() if n in dates and dates[n] >= border}
    order = sorted(papers, key=lambda n: (-papers[n]["recent_pagerank"], -papers[n]["pagerank"], n))
    rows = rows_of(driver, "recent-papers", days=days, limit=200)
    assert [r["id"] for r in rows] == order
    assert all(r["published"] is not None for r in rows)  # undated papers have no recent rank
    for row in rows:
        data = papers[row["id"]]
        assert abs(row["recent_pagerank_x1000"] - 1000 * data["recent_pagerank"]) <= THREE
        assert abs(row["pagerank_x1000"] - 1000 * data["pagerank"]) <= THREE
        velocity = data.get("citation_velocity")
        assert (row["citation_velocity"] is None) == (velocity is None), row
        assert velocity is None or abs(row["citation_velocity"] - velocity) <= 0.005 + 1e-9
        assert row["cited_by"] == len(linked(graph, row["id"], {RelType.CITES}))
        assert row["published"] == data["published"]
        assert row["cluster"] == CLUSTERS[data["cluster"]][1]
    assert days or any(r["citation_velocity"] for r in rows)  # the last week is not cited yet


# --- empty answers, named -----------------------------------------------------------------------


def test_an_undated_database_says_so_for_every_trends_query(driver, undated: Path, neo4j_server):
    load(driver, undated)
    for name in TRENDS:
        missing = why(driver, name)
        assert missing is not None, name
        assert missing.message.startswith("no paper in the database has a date"), name
    result = cli(neo4j_server, "bursting")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "Error: no paper in the database has a date: build from sources that carry dates (or "
        "listing pages with --year) and push the snapshot"
    ]


def test_a_window_or_days_with_nothing_in_them_are_named(driver, hot: Path, neo4j_server):
    load(driver, hot)
    missing = why(driver, "bursting", since="2026-02-16", until="2026-03-01")
    assert (missing.param, missing.value) == ("since", "2026-02-16")
    assert missing.message == (
        "no method, dataset or topic bursts between 2026-02-16 and 2026-03-01; the "
        "database's 4 bursts run from 2026-01-19 to 2026-03-29: give since and until there"
    )
    missing = why(driver, "bursting", kind="dataset")
    assert missing.message.startswith("no dataset bursts between 2026-03-23 and 2026-03-29")
    missing = why(driver, "new-topics", days=2)
    assert missing.param == "days" and missing.message == (
        "no topic or cluster began in the 2 days up to 2026-03-27 (the newest paper's date); "
        "the newest, topic 3 'quantum', began 2026-03-25: days 3 shows it"
    )
    assert rows_of(driver, "new-topics", days=3)  # as it says
    one = cli(neo4j_server, "new-topics", "--param", "days=2")
    assert one.exit_code == 1 and one.stderr.strip().splitlines() == [f"Error: {missing.message}"]


def test_a_database_without_bursts_says_so(driver, calm: Path):
    load(driver, calm)
    missing = why(driver, "bursting", since="2026-01-01")
    assert (missing.param, missing.value) == ("kind", "any")
    assert missing.message == (
        "no method, dataset or topic in the database has a burst (the build found none; a "
        "snapshot built before paperkg found bursts has none: rebuild it and push)"
    )
    assert why(driver, "bursting", kind="method").message.startswith("no method in the")
    assert rows_of(driver, "topic-sizes") and rows_of(driver, "new-topics")  # dated as before


@pytest.mark.parametrize(
    ("name", "given", "param", "message"),
    [
        ("bursting", {"kind": "paper"}, "kind", "kind must be any, method, dataset or cluster"),
        ("bursting", {"since": "2026-03-27", "until": "2026-03-01"}, "since", "is after until"),
        ("topic-sizes", {"unit": "decade"}, "unit", "unit must be day, week, month or year"),
        ("topic-sizes", {"level": 0}, "level", "level must be 1 (broad topics) or 2"),
        ("topic-sizes", {"cluster": 99}, "cluster", "no cluster 99; clusters: -1, 1, 2, 3"),
        ("new-topics", {"days": 0}, "days", "days must be 1 or more, got 0"),
        ("new-topics", {"level": 3}, "level", "level must be 0 (both), 1 (broad topics) or 2"),
    ],
)
def test_values_out_of_range_are_named(
    driver, hot: Path, name: str, given: dict[str, object], param: str, message: str
):
    load(driver, hot)
    missing = why(driver, name, **given)
    assert missing is not None and missing.param == param and message in missing.message


def test_dates_are_checked_before_they_are_sent():
    spec = find_query("bursting")
    assert typed_params(spec, {"since": " 2026-03-02 "})["since"] == "2026-03-02"
    assert typed_params(spec, {"until": ""})["until"] == ""
    for bad in ("2026-3-2", "last week", "2026-02-30"):
        with pytest.raises(QueryError, match="must be a date like 2026-04-06"):
            typed_params(spec, {"since": bad})


def test_date_defaults_and_the_empty_line_are_read_from_the_header():
    text = '// name: a\n// description: b\n// empty: when c\n// param: d date = ""\nRETURN $d'
    spec = parse_query(text, "p", "f.cypher")
    assert spec.empty == "when c" and spec.params[0].type == "date"
    with pytest.raises(QueryError, match=r'f\.cypher:3: a date default is "" or YYYY-MM-DD'):
        parse_query(
            '// name: a\n// description: b\n// param: d date = "soon"\nRETURN $d', "p", "f.cypher"
        )


def test_only_the_trends_queries_that_may_find_nothing_say_so():
    marked = {spec.name for spec in load_catalog("trends") if spec.empty}
    assert marked == {"bursting", "new-topics"}
    assert {spec.name for spec in load_catalog("trends")} == set(TRENDS)


def test_explain_time_sends_only_constant_cypher():
    statements_check("queries/explain_time.py")
    fstrings_check("queries/explain_time.py")


def test_query_run_json_of_the_trends(neo4j_server, driver, hot: Path):
    load(driver, hot)
    result = cli(neo4j_server, "bursting", "--param", "kind=method", "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["name"], row["start"], row["end"]) == ("HotNet", "2026-03-16", "2026-03-29")
