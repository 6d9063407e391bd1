"""``paperkg trends``: bursts, topic trends and events, and new papers with their reasons, on a
small hand-made dated graph and on the "this week" story built one day at a time; the
undated answer, bad dates, the JSON shape and the CLI."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import faiss
import networkx as nx
import numpy as np
import pytest

from conftest import ROOT, run
from paperkg.api import open_snapshot
from paperkg.errors import ParameterError
from paperkg.graph.analytics.cluster_changes import ClusterChange
from paperkg.graph.analytics.timeline import TIMELINE, analyse_time
from paperkg.graph.report.trends import UNDATED, TrendsReport, trends
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import ClusterChanges, Counts, Knn, Manifest, Model, Update
from paperkg.graph.snapshot.read import Embeddings
from paperkg.graph.snapshot.store import write_snapshot

MONDAY = date(2025, 1, 6)
WEEKS = 12
LAST = WEEKS - 1
HOT_WEEKS = (10, 11)
REPO = "https://github.com/someone/sampler"
#: Per week: (cluster, topic, title) of each paper. Topic 1 holds clusters 11 and 12,
#: topic 2 only cluster 21, topic 3 (new in the last week) only cluster 31.
GROUPS = {
    11: (1, "Diffusion sampler"),
    12: (1, "Consistency distillation"),
    21: (2, "Protein folding"),
    31: (3, "Legged robot locomotion"),
}


def _week(week: int) -> list[int]:
    """The clusters of the week's papers: 4, 1 and 5 papers a week; in the last week
    cluster 12 grows to 6, cluster 21 shrinks to 1 and cluster 31 starts with 5."""
    if week == LAST:
        return [11] * 4 + [12] * 6 + [21] + [31] * 5
    return [11] * 4 + [12] + [21] * 5


def trend_graph() -> nx.MultiDiGraph:
    """12 weeks of dated papers. Method ``hot`` is used by 8 papers in weeks 10 and 11 only;
    paper ``p11-4`` (cluster 12) uses it, has code and is cited by two papers of its week;
    ``p11-0`` (cluster 11) is as similar to cluster 11 as to cluster 21: a bridge between
    topics; ``p11-1`` as similar to cluster 11 as to 12, inside one topic."""
    graph = nx.MultiDiGraph()
    graph.add_node("method:hot", type=Label.METHOD, key="hot", name="Hot")
    graph.add_node(REPO, type=Label.REPO, url=REPO, host="github.com")
    for cluster, (topic, title) in GROUPS.items():
        label = title.lower()
        graph.add_node(
            f"cluster:{cluster}", type=Label.CLUSTER, id=cluster, level=2, label=label, topic=topic
        )
    for topic, label in ((1, "diffusion"), (2, "protein folding"), (3, "legged robots")):
        graph.add_node(f"cluster:{topic}", type=Label.CLUSTER, id=topic, level=1, label=label)
    for week in range(WEEKS):
        for i, cluster in enumerate(_week(week)):
            paper = f"p{week}-{i}"
            topic, title = GROUPS[cluster]
            graph.add_node(
                paper,
                type=Label.PAPER,
                title=f"{title} study {week} {i}",
                abstract=f"We look at item {i} of week {week}.",
                published=(MONDAY + timedelta(weeks=week, days=i % 5)).isoformat(),
                sources=[f"feed/week{week}.txt:{i + 1}"],
                topic=topic,
                cluster=cluster,
            )
            if week in HOT_WEEKS and i < 8 and cluster != 31:
                graph.add_edge(paper, "method:hot", key=RelType.USES)
    graph.add_edge("p11-4", REPO, key=RelType.HAS_CODE)
    for citing in ("p11-6", "p11-7"):
        graph.add_edge(citing, "p11-4", key=f"{RelType.CITES}:mention", source="mention")
    for other in ("p10-0", "p10-9"):  # cluster 11 (topic 1) and cluster 21 (topic 2)
        graph.add_edge("p11-0", other, key=RelType.SIMILAR_TO, score=0.9)
    graph.nodes["p11-0"]["bridge_score"] = 0.4
    for other in ("p10-0", "p10-4"):  # clusters 11 and 12: both in topic 1
        graph.add_edge("p11-1", other, key=RelType.SIMILAR_TO, score=0.9)
    graph.nodes["p11-1"]["bridge_score"] = 0.3
    return graph


def _manifest(*updates: Update) -> Manifest:
    return Manifest(
        created="now",
        model=Model("test", 4),
        knn=Knn(k=2, min_score=None),
        inputs=(),
        counts=Counts(records=1, nodes={Label.PAPER: 1}, relationships={}),
        updates=updates,
    )


def _report(graph: nx.MultiDiGraph | None = None, **window: str) -> TrendsReport:
    graph = trend_graph() if graph is None else graph
    return trends(graph, analyse_time(graph), None, **window)


def test_the_window_is_the_newest_week_compared_with_the_one_before():
    window = _report().window
    assert window is not None
    assert (window.since, window.until, window.unit, window.days) == (
        "2025-03-24",
        "2025-03-30",
        "week",
        7,
    )
    assert (window.papers, window.before_since, window.before_until) == (
        16,
        "2025-03-15",  # seven days ending on the last paper before the window (a Friday)
        "2025-03-21",
    )
    assert window.before_papers == 10  # Monday 17 to Friday 21: all of week 10


def test_a_bursting_method_and_the_terms_of_a_new_topic_are_listed():
    report = _report()
    by_key = {b.key: b for b in report.bursts}
    hot = by_key["method:hot"]
    assert (hot.kind, hot.name, hot.papers) == ("method", "Hot", 16)
    assert (hot.start, hot.end) == ("2025-03-17", "2025-03-30")
    assert [b.weight for b in report.bursts] == sorted(
        (b.weight for b in report.bursts), reverse=True
    )
    (legged,) = [b for b in report.bursts if b.kind == "term" and "legged" in {b.name, *b.also}]
    assert "locomotion" in {legged.name, *legged.also}  # one row for terms of one burst
    assert "cluster:31" not in by_key  # topic 3's only cluster: its topic speaks for it


def test_topics_that_appeared_grew_and_shrank():
    topics = {t.cluster: t for t in _report().topics}
    robots = topics[3]
    assert (robots.kind, robots.level, robots.before, robots.now) == ("appeared", 1, 0, 5)
    assert (robots.same_as, robots.first) == (31, "2025-03-24")
    assert 31 not in topics  # the same papers as topic 3: shown once
    grew = topics[12]
    assert (grew.kind, grew.before, grew.now) == ("grew", 1, 6)
    assert grew.share_now == round(6 / 16, 4)
    shrank = topics[2]
    assert (shrank.kind, shrank.same_as, shrank.now) == ("shrank", 21, 1)
    assert 11 not in topics  # 4 papers a week all along: no change to report


def test_new_papers_are_ranked_by_their_signals_with_reasons():
    papers = {p.id: p for p in _report(limit=20).papers}
    assert len(papers) == 16
    assert all(p.published >= "2025-03-24" for p in papers.values())
    best = _report().papers[0]
    assert best.id == "p11-4"
    assert best.reasons[:3] == [
        "cited by 2 papers in the feed",
        "has code github.com/someone/sampler",
        "uses bursting method Hot",
    ]
    assert 'in growing cluster "consistency distillation" (10% -> 38% of the papers)' in (
        best.reasons
    )
    assert best.signals["citations"] == 1.5 and best.signals["code"] == 1.0
    assert best.score == pytest.approx(sum(best.signals.values()), abs=1e-3)
    bridge = papers["p11-0"]
    assert 'bridges topics "diffusion" and "protein folding"' in bridge.reasons
    assert bridge.signals["bridge"] == 1.0
    inside = papers["p11-1"]  # joins two clusters of one topic: no bridge between topics
    assert not any(r.startswith("bridges") for r in inside.reasons)
    assert inside.signals["bridge"] == 0.0
    robot = papers["p11-11"]
    assert 'in new topic "legged robots"' in robot.reasons
    assert robot.signals["bursting"] == 0.0  # the robots do not use the hot method


def test_a_window_given_by_dates():
    report = _report(since="2025-03-17", until="2025-03-23")
    assert report.window is not None
    assert (report.window.papers, report.window.before_papers) == (10, 10)
    assert [t.kind for t in report.topics] == []  # week 10 is like week 9 but for the method
    assert [b.key for b in report.bursts] == ["method:hot"]
    only_since = _report(since="2025-03-20").window
    assert only_since is not None and only_since.until == "2025-03-28"  # the newest paper
    only_until = _report(until="2025-03-19").window
    assert only_until is not None and only_until.since == "2025-03-17"  # its week's Monday


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"since": "2025-02-30"}, "since must be a date like"),
        ({"until": "next week"}, "until must be a date like"),
        ({"since": "2025-03-20", "until": "2025-03-10"}, r"since \(2025-03-20\) is after until"),
        ({"since": "2026-01-01"}, "no paper is dated between 2026-01-01"),
        ({"until": "2024-01-01"}, "the oldest 2025-01-06"),
        ({"limit": 0}, "limit must be at least 1"),
    ],
)
def test_bad_windows_are_one_clear_error(window, message):
    with pytest.raises(ParameterError, match=message):
        _report(**window)


def test_an_undated_graph_gets_an_answer_saying_how_to_date_it():
    graph = trend_graph()
    for _node, data in graph.nodes(data=True):
        data.pop("published", None)
    report = _report(graph)
    assert report.window is None
    assert (report.bursts, report.topics, report.papers, report.dated) == ([], [], [], 0)
    assert report.undated == WEEKS * 10 + 6
    assert report.notes == [UNDATED]
    assert "--year" in UNDATED
    with pytest.raises(ParameterError, match="since must be a date"):
        _report(graph, since="yesterday")


def test_a_quiet_stretch_inside_the_dates_is_an_empty_answer():
    report = _report(since="2025-03-22", until="2025-03-23")  # a weekend
    assert report.window is not None and report.window.papers == 0
    assert report.papers == [] and report.notes[0].startswith("no paper is dated from")


def test_events_come_from_the_builds_that_read_the_window_papers():
    graph = trend_graph()
    split = ClusterChange("split", 2, before=10, related=[2, 3], level=1)
    birth = ClusterChange("birth", 31, after=5, joined=5)
    growth = ClusterChange("growth", 12, before=5, after=11, joined=6)
    old = ClusterChange("birth", 21, after=5, joined=5)
    manifest = _manifest(
        Update(created="w0", inputs=("feed/week0.txt",), cluster_changes=ClusterChanges((old,))),
        Update(
            created="w11",
            inputs=("feed/week11.txt",),
            cluster_changes=ClusterChanges((split, birth, growth)),
        ),
    )
    report = trends(graph, analyse_time(graph), manifest)
    assert [(e.kind, e.cluster, e.build) for e in report.events] == [
        ("split", 2, "w11"),
        ("birth", 31, "w11"),
    ]
    assert report.events[0].related_labels == ["protein folding", "legged robots"]


def test_the_cluster_shared_by_a_topic_keeps_both_levels_in_the_timeline():
    graph = trend_graph()
    timeline = analyse_time(graph)
    levels = {(t.level, t.cluster) for t in timeline.topics}
    assert {(1, 3), (2, 31)} <= levels  # the record keeps both; trends shows one


def _write(out: Path, graph: nx.MultiDiGraph, *, timeline: bool = True) -> None:
    papers = sorted(n for n, d in graph.nodes(data=True) if d.get("type") == Label.PAPER)
    vectors = np.ones((len(papers), 4), dtype=np.float32)
    index = faiss.IndexFlatIP(4)
    index.add(vectors)
    extra = {TIMELINE: analyse_time(graph.copy()).to_json()} if timeline else {}
    write_snapshot(
        out,
        graph=graph,
        embeddings=Embeddings(papers, ["h"] * len(papers), vectors),
        index=index,
        manifest=_manifest(),
        extra_files=extra,
    )


def test_an_older_snapshot_without_a_timeline_gets_one_computed(tmp_path: Path):
    graph = trend_graph()
    _write(tmp_path / "old", graph, timeline=False)
    snapshot = open_snapshot(tmp_path / "old")
    report = snapshot.trends()
    assert report.notes[0].startswith("this snapshot has no timeline.json")
    assert "method:hot" in {b.key for b in report.bursts}
    assert "recent_pagerank" not in snapshot.graph.nodes["p11-4"]  # computed on a copy
    assert snapshot.timeline().unit == "week"


def test_the_cli_prints_the_window_and_the_sections(tmp_path: Path):
    _write(tmp_path / "kg", trend_graph())
    result = run("trends", "--out", tmp_path / "kg")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == (
        "Trends 2025-03-24 to 2025-03-30 (week periods): 16 new papers; compared with "
        "2025-03-15 to 2025-03-21 (10 papers)"
    )
    for title in ("Bursting", "Topics", "New papers by early signals"):
        assert title in result.output
    assert "appeared" in result.output and "Hot" in result.output


def test_the_cli_json_is_the_report(tmp_path: Path):
    _write(tmp_path / "kg", trend_graph())
    result = run("trends", "--out", tmp_path / "kg", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert set(found) == {
        "window",
        "bursts",
        "topics",
        "events",
        "papers",
        "dated",
        "undated",
        "notes",
    }
    assert found == json.loads(json.dumps(asdict(open_snapshot(tmp_path / "kg").trends(limit=3))))
    assert len(found["papers"]) == 3 and found["papers"][0]["id"] == "p11-4"
    assert set(found["papers"][0]["signals"]) == {
        "citations",
        "code",
        "bridge",
        "bursting",
        "topic",
        "recent_rank",
    }


def test_the_cli_names_the_bad_option(tmp_path: Path):
    _write(tmp_path / "kg", trend_graph())
    result = run("trends", "--out", tmp_path / "kg", "--since", "2025-13-01")
    assert result.exit_code == 1
    assert "Error: --since must be a date like 2024-03-01, got '2025-13-01'" in result.output
    result = run("trends", "--out", tmp_path / "kg", "--limit", "0")
    assert result.exit_code == 2  # click's range check


def test_the_cli_on_an_undated_snapshot_says_how_to_date_it(tmp_path: Path):
    graph = trend_graph()
    for _node, data in graph.nodes(data=True):
        data.pop("published", None)
    _write(tmp_path / "kg", graph)
    result = run("trends", "--out", tmp_path / "kg")
    assert result.exit_code == 0, result.output
    assert "no paper of this snapshot is dated" in result.output
    assert "--year" in result.output


# --- the "this week" story, built one day at a time as a daily job would ------------------


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    from paperkg.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("week") / "kg"
    for page in sorted((ROOT / "stories" / "this-week" / "feed").glob("*.txt")):
        build([page], out, BuildOptions(year=2026), embedder=embedder)
    return out


def test_the_story_week_shows_the_new_legged_robots_topic(week: Path):
    report = open_snapshot(week).trends(since="2026-04-08", until="2026-04-10")
    (robots,) = [t for t in report.topics if t.kind == "appeared" and t.level == 1]
    assert (robots.before, robots.first) == (0, "2026-04-08")
    assert robots.now >= 8 and robots.share_now > 0.3
    births = [e for e in report.events if e.kind == "birth" and e.level == 2]
    assert births and births[0].build  # Wednesday's build: the robots' first cluster
    pawprint = next(p for p in report.papers if p.title.startswith("PawPrint"))
    assert any(
        r.startswith("cited by ") and r.endswith(" papers in the feed") for r in pawprint.reasons
    )
    assert f'in new topic "{robots.label}"' in pawprint.reasons
    assert pawprint.signals["citations"] >= 1.5


def test_the_story_friday_lists_the_bursting_method_and_its_users(week: Path):
    report = open_snapshot(week).trends()
    assert report.window is not None
    assert (report.window.since, report.window.until, report.window.unit) == (
        "2026-04-10",
        "2026-04-10",
        "day",
    )
    methods = [b for b in report.bursts if b.kind == "method"]
    assert [b.name for b in methods] == ["PawPrint"]
    assert "pawprint" not in {b.name for b in report.bursts if b.kind == "term"}  # the method's
    best = report.papers[0]
    assert "uses bursting method PawPrint" in best.reasons
    result = run("trends", "--out", week)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Trends 2026-04-10 (day periods): ")
    assert "PawPrint" in result.output and "New papers by early signals" in result.output
