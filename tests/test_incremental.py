"""Adding to a snapshot: the daily-feed workflow. Old papers kept, only new ones embedded,
kNN and analytics recomputed, cluster ids following the previous ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, edge_set, run
from paperkg.errors import SnapshotError
from paperkg.graph import read_snapshot
from paperkg.graph.analytics.cluster_changes import ClusterChange, follow_clusters
from paperkg.pipeline import BuildOptions, build


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("examples") / "kg"
    build([EXAMPLES], out, embedder=embedder)
    return out


def partition(graph) -> set[frozenset[str]]:
    members: dict[int, set[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") == "Paper":
            members.setdefault(data["cluster"], set()).add(node)
    return {frozenset(m) for m in members.values()}


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory, seeds: Path, embedder):
    """Four seed files built, then the fifth added on its own, as a daily feed would."""
    files = sorted(seeds.glob("*.txt"))
    out = tmp_path_factory.mktemp("daily") / "kg"
    first = build(files[:4], out, embedder=embedder)
    before = read_snapshot(out)
    second = build(files[4:], out, embedder=embedder)
    return files, out, first, before, second


def test_adding_a_file_keeps_old_papers_and_embeds_only_new_ones(daily):
    files, out, first, _before, second = daily
    assert second.papers == 370 and second.files == 5
    assert second.added == 370 - first.papers > 0
    assert second.embedded == second.added and second.reused == first.papers
    manifest = read_snapshot(out).manifest
    assert [Path(i.path).name for i in manifest.inputs] == [f.name for f in files]
    assert [u.papers_after for u in manifest.updates or ()] == [first.papers, 370]


def test_an_incremental_build_equals_a_full_build(daily, seeds: Path, tmp_path: Path, embedder):
    _files, out, _first, _before, _second = daily
    full = tmp_path / "full"
    build([seeds], full, embedder=embedder)
    added, whole = read_snapshot(out).graph, read_snapshot(full).graph
    papers = {n for n, d in whole.nodes(data=True) if d["type"] == "Paper"}
    assert {n for n, d in added.nodes(data=True) if d["type"] == "Paper"} == papers
    kinds = ("SIMILAR_TO", "CITES", "USES", "EVALUATES_ON", "INTRODUCES", "HAS_CODE")
    assert {e for e in edge_set(added) if e[2].split(":")[0] in kinds} == {
        e for e in edge_set(whole) if e[2].split(":")[0] in kinds
    }
    assert partition(added) == partition(whole)  # same clusters, ids may differ


def test_cluster_ids_follow_the_clusters_they_continue(daily):
    _files, out, _first, before, _second = daily
    after = read_snapshot(out)
    old = {n: d["cluster"] for n, d in before.graph.nodes(data=True) if d["type"] == "Paper"}
    new = {n: d["cluster"] for n, d in after.graph.nodes(data=True) if d["type"] == "Paper"}
    assert after.manifest.analytics is not None and after.manifest.analytics.changes is not None
    events = after.manifest.analytics.changes.events
    continued = {e.cluster for e in events if e.kind == "growth"}
    assert continued, events
    for cluster in continued:  # a kept id holds a large share of its old members
        was = {p for p, c in old.items() if c == cluster}
        kept = {p for p in was if new[p] == cluster}
        assert len(kept) >= 0.3 * len(was)
    fresh = {e.cluster for e in events if e.kind in ("birth", "split", "merge")}
    assert all(c not in set(old.values()) for c in fresh - continued - {-1})


def test_broad_topic_ids_follow_too_in_the_one_id_space(daily):
    _files, out, _first, before, _second = daily
    after = read_snapshot(out)

    def ids(graph, level: int) -> set[int]:
        return {
            d["id"]
            for _n, d in graph.nodes(data=True)
            if d["type"] == "Cluster" and d["level"] == level and d["id"] >= 0
        }

    old_topics, new_topics = ids(before.graph, 1), ids(after.graph, 1)
    assert old_topics & new_topics  # topics continue under their ids
    assert not ids(after.graph, 1) & ids(after.graph, 2)
    assert after.manifest.analytics is not None and after.manifest.analytics.changes is not None
    levels = {e.level for e in after.manifest.analytics.changes.events}
    assert levels == {1, 2}
    old = {n: d["topic"] for n, d in before.graph.nodes(data=True) if d["type"] == "Paper"}
    new = {n: d["topic"] for n, d in after.graph.nodes(data=True) if d["type"] == "Paper"}
    for topic in old_topics & new_topics:
        was = {p for p, t in old.items() if t == topic}
        assert len({p for p in was if new[p] == topic}) >= 0.3 * len(was)


def test_clusters_changes_command_reports_the_last_update(daily):
    _files, out, *_ = daily
    result = run("clusters", "--changes", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["compared"] is True and report["papers_after"] == 370
    assert {c["kind"] for c in report["changes"]} <= {
        "growth",
        "split",
        "merge",
        "birth",
        "dissolved",
    }
    assert report["changes"] and all(c["cluster"] >= 0 for c in report["changes"])
    text = run("clusters", "--changes", "--out", out)
    assert "papers (+" in text.stdout and "growth" in text.stdout


def test_reading_an_input_again_replaces_its_records(tmp_path: Path, examples_out: Path, embedder):
    out = tmp_path / "kg"
    shutil.copytree(examples_out, out)
    before = read_snapshot(out).manifest
    source = Path(before.inputs[0].resolved or "")
    again = build([source], out, embedder=embedder)
    manifest = read_snapshot(out).manifest
    assert len(manifest.inputs) == len(before.inputs)
    assert again.papers == before.counts.nodes["Paper"]
    assert (again.embedded, again.added) == (0, 0)
    assert manifest.counts.records == before.counts.records


def test_fresh_starts_over(tmp_path: Path, seeds: Path, embedder):
    files = sorted(seeds.glob("*.txt"))
    out = tmp_path / "kg"
    build(files[:2], out, embedder=embedder)
    only = build(files[2:3], out, BuildOptions(fresh=True), embedder=embedder)
    manifest = read_snapshot(out).manifest
    assert [Path(i.path).name for i in manifest.inputs] == [files[2].name]
    assert manifest.analytics is not None and manifest.analytics.changes is None
    assert only.added == only.papers


@pytest.mark.model
def test_settings_not_given_are_the_snapshots(tmp_path: Path, seeds: Path):
    files = sorted(seeds.glob("*.txt"))
    out = tmp_path / "kg"
    assert run("build", files[0], "--out", out, "-k", "3", "--seed", "7", "-q").exit_code == 0
    assert run("build", files[1], "--out", out, "-q").exit_code == 0
    manifest = read_snapshot(out).manifest
    assert manifest.knn.k == 3 and manifest.analytics is not None
    assert manifest.analytics.seed == 7
    assert run("build", files[1], "--out", out, "-k", "4", "-q").exit_code == 0
    assert read_snapshot(out).manifest.knn.k == 4


def test_a_snapshot_without_records_asks_for_fresh(tmp_path: Path, examples_out: Path, embedder):
    out = tmp_path / "kg"
    shutil.copytree(examples_out, out)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["files"]["records.jsonl.gz"]
    (out / "records.jsonl.gz").unlink()
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match=r"keeps no records to add to.*--fresh"):
        build([Path(manifest["inputs"][0]["resolved"])], out, embedder=embedder)
    damaged = tmp_path / "damaged"
    shutil.copytree(examples_out, damaged)
    (damaged / "records.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(SnapshotError, match=r"records\.jsonl\.gz does not match its checksum"):
        build([Path(manifest["inputs"][0]["resolved"])], damaged, embedder=embedder)


# follow_clusters on hand-made assignments: each kind of change, exactly.


def test_a_renumbered_but_equal_partition_keeps_every_id():
    old = {"a": 0, "b": 0, "c": 1, "d": 1, "e": -1}
    following = follow_clusters(old, {"a": 1, "b": 1, "c": 0, "d": 0, "e": -1})
    assert following.assignment == old
    assert following.changes == [] and following.unchanged == 2


def test_growth_birth_split_merge_and_dissolution():
    old = {
        **dict.fromkeys("abcd", 0),  # grows by x
        **dict.fromkeys("efghij", 1),  # splits into two
        **dict.fromkeys("kl", 2),  # merges with 3
        **dict.fromkeys("mn", 3),
        **dict.fromkeys("op", 4),  # dissolves: its papers go unclustered
    }
    new = {
        **dict.fromkeys("abcdx", 10),
        **dict.fromkeys("efg", 11),
        **dict.fromkeys("hij", 12),
        **dict.fromkeys("klmn", 13),
        **dict.fromkeys("op", -1),
        **dict.fromkeys("uvw", 14),  # all new papers: a birth
    }
    following = follow_clusters(old, new, next_id=5)
    ids = following.assignment
    assert ids["a"] == 0 and ids["o"] == -1
    split_to = {ids["e"], ids["h"]}
    assert 1 in split_to and len(split_to) == 2
    assert ids["k"] in (2, 3)
    assert ids["u"] not in (0, 1, 2, 3, 4)
    kinds = {(c.kind, c.cluster) for c in following.changes}
    assert ("growth", 0) in kinds and ("dissolved", 4) in kinds
    assert ("split", 1) in kinds and ("merge", ids["k"]) in kinds
    assert ("birth", ids["u"]) in kinds
    assert ClusterChange("growth", 0, before=4, after=5, joined=1, left=0) in following.changes
    merged = next(c for c in following.changes if c.kind == "merge")
    assert merged.related == [2, 3]
    assert following.next_id == 1 + max(ids.values())
    assert len(set(ids.values()) - {-1}) == 5
