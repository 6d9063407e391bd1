"""Time analytics on small hand-made dated graphs: periods, streams, bursts stored on nodes,
topic timelines with per-period labels, the timeline.json record and its reader."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import faiss
import networkx as nx
import numpy as np
import pytest

from paperkg.errors import ParameterError, SnapshotError
from paperkg.graph.analytics.bursts import detect_bursts
from paperkg.graph.analytics.periods import DAY, WEEK, Periods, choose_periods
from paperkg.graph.analytics.timeline import (
    BURST_ATTRIBUTES,
    TERM,
    TIMELINE,
    BurstOptions,
    Timeline,
    analyse_time,
    find_bursts,
    paper_terms,
    read_timeline,
    streams_of,
)
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model
from paperkg.graph.snapshot.read import Embeddings
from paperkg.graph.snapshot.store import write_snapshot

MONDAY = date(2025, 1, 6)
WEEKS = 20
PER_WEEK = 10
HOT_WEEKS = (10, 11, 12)


def dated_graph() -> nx.MultiDiGraph:
    """20 weeks of 10 papers each. Method ``steady`` is used by 2 papers every week;
    ``hot`` by 8 papers in weeks 10-12 only; topic 1 (cluster 11) holds 5 "diffusion
    sampler" papers a week, topic 2 (cluster 21) the 5 others, about proteins."""
    graph = nx.MultiDiGraph()
    for name in ("steady", "hot"):
        graph.add_node(f"method:{name}", type=Label.METHOD, key=name, name=name.title())
    graph.add_node("dataset:imagenet", type=Label.DATASET, key="imagenet", name="ImageNet")
    for cluster, level, label in (
        (1, 1, "diffusion"),
        (2, 1, "protein"),
        (11, 2, "d"),
        (21, 2, "p"),
    ):
        graph.add_node(
            f"cluster:{cluster}", type=Label.CLUSTER, id=cluster, level=level, label=label
        )
    for week in range(WEEKS):
        for i in range(PER_WEEK):
            paper = f"p{week}-{i}"
            day = MONDAY + timedelta(weeks=week, days=i % 7)
            first = i < PER_WEEK // 2
            title = (
                f"Diffusion sampler number {week} {i}"
                if first
                else f"Protein folding study {week} {i}"
            )
            graph.add_node(
                paper,
                type=Label.PAPER,
                title=title,
                abstract=f"We study item {i} of week {week} with care.",
                published=day.isoformat(),
                topic=1 if first else 2,
                cluster=11 if first else 21,
            )
            if i < 2:
                graph.add_edge(paper, "method:steady", key=RelType.USES)
            if week in HOT_WEEKS and i < 8:
                graph.add_edge(paper, "method:hot", key=RelType.INTRODUCES)
            if i == 9:
                graph.add_edge(paper, "dataset:imagenet", key=RelType.EVALUATES_ON)
    return graph


def test_the_unit_follows_the_span():
    six_weeks = [MONDAY, MONDAY + timedelta(days=41)]
    assert choose_periods(six_weeks) == Periods(DAY, MONDAY, 42)
    longer = choose_periods([MONDAY + timedelta(days=2), MONDAY + timedelta(days=44)])
    assert longer == Periods(WEEK, MONDAY, 7)  # weeks start on the Monday before
    assert choose_periods([]) is None
    assert choose_periods(six_weeks, WEEK) == Periods(WEEK, MONDAY, 6)


def test_periods_map_days_to_indexes_and_iso_bounds():
    weeks = Periods(WEEK, MONDAY, 3)
    assert weeks.index(MONDAY + timedelta(days=6)) == 0
    assert weeks.index(MONDAY + timedelta(days=7)) == 1
    assert (weeks.start(1).isoformat(), weeks.end(1).isoformat()) == ("2025-01-13", "2025-01-19")
    assert weeks.starts() == ["2025-01-06", "2025-01-13", "2025-01-20"]
    days = Periods(DAY, date(2025, 1, 8), 2)
    assert days.end(1) == days.start(1) == date(2025, 1, 9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Periods("month", MONDAY, 3), "unit must be one of day, week"),
        (lambda: Periods(WEEK, MONDAY + timedelta(days=1), 3), "weeks start on a Monday"),
        (lambda: Periods(DAY, MONDAY, 0), "count must be at least 1"),
        (lambda: Periods(WEEK, MONDAY, 3).index(MONDAY - timedelta(days=1)), "outside"),
        (lambda: Periods(WEEK, MONDAY, 3).start(3), "period must be 0 to 2"),
        (lambda: choose_periods([MONDAY], "year"), "unit must be one of"),
        (lambda: BurstOptions(alpha=0), "alpha must be in"),
        (lambda: BurstOptions(min_support=0), "min_support must be at least 1"),
        (lambda: find_bursts([1, 2], [1, 1]), "need 0 <= relevant <= total"),
        (lambda: analyse_time(dated_graph(), unit="month"), "unit must be one of"),
    ],
)
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_streams_count_papers_per_period():
    streams = streams_of(dated_graph())
    assert streams is not None
    assert streams.periods == Periods(WEEK, MONDAY, WEEKS)
    assert streams.totals == [PER_WEEK] * WEEKS
    assert streams.entities["method:steady"] == [2] * WEEKS
    assert streams.entities["method:hot"] == [8 if w in HOT_WEEKS else 0 for w in range(WEEKS)]
    assert streams.entities["dataset:imagenet"] == [1] * WEEKS
    assert streams.clusters[1] == streams.clusters[11] == [5] * WEEKS
    assert streams.terms["diffusion sampler"] == [5] * WEEKS
    assert "we" not in streams.terms  # stop words are no terms
    assert streams.undated == 0


def test_a_bursting_method_gets_its_interval_and_a_steady_one_none():
    graph = dated_graph()
    timeline = analyse_time(graph)
    hot = graph.nodes["method:hot"]
    assert hot["burst_starts"] == ["2025-03-17"]  # the Monday of week 10
    assert hot["burst_ends"] == ["2025-04-06"]  # the Sunday of week 12
    assert hot["burst_weight"] == max(hot["burst_weights"]) > 0
    for node in ("method:steady", "dataset:imagenet", "cluster:1", "cluster:11"):
        assert not set(BURST_ATTRIBUTES) & set(graph.nodes[node]), node
    (burst,) = [b for b in timeline.bursts if b.key == "method:hot"]
    assert (burst.kind, burst.name, burst.papers) == (Label.METHOD, "Hot", 24)
    assert (burst.start, burst.end) == ("2025-03-17", "2025-04-06")


def test_term_and_topic_bursts_go_into_the_record():
    graph = dated_graph()
    for week in (4, 5, 6):  # week 4-6: every paper's abstract says "quantum annealing"
        for i in range(PER_WEEK):
            graph.nodes[f"p{week}-{i}"]["abstract"] += " Quantum annealing helps."
    timeline = analyse_time(graph)
    terms = {b.key: b for b in timeline.bursts if b.kind == TERM}
    assert (terms["quantum annealing"].start, terms["quantum annealing"].end) == (
        "2025-02-03",
        "2025-02-23",
    )
    assert "diffusion sampler" not in terms  # in half the papers every week: steady


def test_topic_timelines_and_per_period_labels():
    graph = dated_graph()
    for i in range(3, PER_WEEK // 2):  # week 0: only 3 papers left in topic 1
        graph.nodes[f"p0-{i}"].update(topic=2, cluster=21)
    timeline = analyse_time(graph)
    topics = {(t.level, t.cluster): t for t in timeline.topics}
    assert sorted(topics) == [(1, 1), (1, 2), (2, 11), (2, 21)]
    diffusion = topics[(1, 1)]
    assert diffusion.counts == [3] + [5] * (WEEKS - 1)
    assert diffusion.labels[0] == []  # fewer than LABEL_MIN_PAPERS that week
    assert diffusion.labels[1][0] == "diffusion sampler"
    assert topics[(1, 2)].labels[0][0] == "protein folding"
    assert topics[(2, 11)].labels[1] == diffusion.labels[1]


def test_late_words_label_only_their_periods():
    graph = dated_graph()
    for i in range(PER_WEEK // 2):
        graph.nodes[f"p15-{i}"]["title"] = f"Consistency distillation {i}"
    timeline = analyse_time(graph)
    (diffusion,) = [t for t in timeline.topics if t.cluster == 1]
    assert diffusion.labels[15][0] == "consistency distillation"
    assert all("consistency distillation" not in terms for terms in diffusion.labels[:15])


def test_a_rerun_takes_off_bursts_that_no_longer_hold():
    graph = dated_graph()
    analyse_time(graph)
    assert set(BURST_ATTRIBUTES) <= set(graph.nodes["method:hot"])  # it burst first
    for u, v, key in list(graph.in_edges("method:hot", keys=True)):
        graph.remove_edge(u, v, key)
    analyse_time(graph)
    assert not set(BURST_ATTRIBUTES) & set(graph.nodes["method:hot"])


def test_an_undated_graph_gives_an_empty_record_and_no_attributes():
    graph = dated_graph()
    for _node, data in graph.nodes(data=True):
        data.pop("published", None)
    timeline = analyse_time(graph)
    assert (timeline.unit, timeline.periods, timeline.totals) == (None, [], [])
    assert (timeline.bursts, timeline.topics, timeline.dated) == ([], [], 0)
    assert timeline.undated == WEEKS * PER_WEEK
    assert all(
        not {"recent_pagerank", "citation_velocity", *BURST_ATTRIBUTES} & set(data)
        for _node, data in graph.nodes(data=True)
    )
    assert analyse_time(nx.MultiDiGraph()).undated == 0


def test_a_day_span_counts_by_day():
    graph = dated_graph()
    keep = {f"p{w}-{i}" for w in range(3) for i in range(PER_WEEK)}
    graph.remove_nodes_from([n for n in list(graph) if n.startswith("p") and n not in keep])
    timeline = analyse_time(graph)
    assert timeline.unit == DAY
    assert timeline.periods[:2] == ["2025-01-06", "2025-01-07"]
    assert timeline.period_ends[:2] == timeline.periods[:2]
    assert timeline.dated == 3 * PER_WEEK


def test_the_record_round_trips_through_json():
    graph = dated_graph()
    graph.nodes["p0-0"]["published"] = None  # one undated paper
    timeline = analyse_time(graph)
    text = timeline.to_json()
    assert json.loads(text)["unit"] == WEEK
    again = Timeline.from_json(text)
    assert again == timeline
    assert again.undated == 1
    assert again.settings["burst"]["gamma"] == 1.0
    with pytest.raises(ValueError, match="not a timeline"):
        Timeline.from_json('{"unit": "week"}')


def _snapshot(out: Path, extra: dict[str, str | bytes]) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("p0", type=Label.PAPER, title="one")
    vectors = np.ones((1, 4), dtype=np.float32)
    index = faiss.IndexFlatIP(4)
    index.add(vectors)
    manifest = Manifest(
        created="now",
        model=Model("test", 4),
        knn=Knn(k=2, min_score=None),
        inputs=(),
        counts=Counts(records=1, nodes={Label.PAPER: 1}, relationships={}),
    )
    write_snapshot(
        out,
        graph=graph,
        embeddings=Embeddings(["p0"], ["h"], vectors),
        index=index,
        manifest=manifest,
        extra_files=extra,
    )


def test_read_timeline_reads_the_file_and_gives_none_for_older_snapshots(tmp_path: Path):
    timeline = analyse_time(dated_graph())
    _snapshot(tmp_path / "new", {TIMELINE: timeline.to_json()})
    assert read_timeline(tmp_path / "new") == timeline
    _snapshot(tmp_path / "old", {})
    assert read_timeline(tmp_path / "old") is None
    _snapshot(tmp_path / "bad", {TIMELINE: "[1, 2]"})
    with pytest.raises(SnapshotError, match=r"timeline\.json cannot be read"):
        read_timeline(tmp_path / "bad")


def test_paper_terms_are_the_label_terms_of_up_to_two_words():
    from paperkg.graph.analytics.labels import terms_of

    text = "Mixture-of-Experts models: we propose Sparse Attention (SA) for long videos."
    assert paper_terms(text) == {t for t in terms_of(text) if t.count(" ") <= 1}
    assert "sparse attention" in paper_terms(text)
    assert "video" in paper_terms(text)  # plurals folded as labels fold them


def test_significance_keeps_strong_bursts_and_drops_faint_ones():
    totals = [100] * 52
    strong = [2] * 52
    strong[20:24] = [12, 12, 12, 12]
    assert [(b.start, b.end) for b in find_bursts(strong, totals)] == [(20, 23)]
    faint = [2] * 52
    faint[20] = 9  # Kleinberg's candidate at gamma 1, but 9 of 100 at a 2% rate is chance
    assert find_bursts(faint, totals, BurstOptions(alpha=1.0, min_support=1)) != []
    assert find_bursts(faint, totals) == []
    tiny = [0] * 52
    tiny[30] = 2
    assert find_bursts(tiny, [3] * 52, BurstOptions(alpha=1.0)) == []  # under min_support


def test_a_burst_starts_and_ends_on_periods_holding_its_papers():
    """A feed read in March and again in August (the seeds): Viterbi's tie on the empty
    weeks between once stretched the August burst back to March."""
    gap = 19
    totals = [238, 65] + [0] * gap + [67]
    relevant = [26, 0] + [0] * gap + [26]
    assert [(b.start, b.end) for b in detect_bursts(relevant, totals)] == [(2, 21)]
    (burst,) = find_bursts(relevant, totals)
    assert (burst.start, burst.end) == (21, 21)
    assert burst.weight == detect_bursts(relevant, totals)[0].weight  # empty weeks weigh 0


def test_bursts_of_a_feed_with_a_gap_stay_off_the_empty_weeks():
    graph = dated_graph()
    for week in range(3, 17):  # weeks 3-16 were never read
        graph.remove_nodes_from([f"p{week}-{i}" for i in range(PER_WEEK)])
    for week in (17, 18, 19):
        for i in range(8):
            graph.add_edge(f"p{week}-{i}", "method:late", key=RelType.USES)
    graph.add_node("method:late", type=Label.METHOD, key="late", name="Late")
    timeline = analyse_time(graph)
    read = {p for p, total in zip(timeline.periods, timeline.totals, strict=True) if total}
    ends = {e for e, total in zip(timeline.period_ends, timeline.totals, strict=True) if total}
    assert timeline.bursts
    for burst in timeline.bursts:
        assert burst.start in read and burst.end in ends, burst
    late = graph.nodes["method:late"]
    assert (late["burst_starts"], late["burst_ends"]) == (["2025-05-05"], ["2025-05-25"])
