"""End to end on the five real seed pages: build, stats, similar, rebuild with the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import edge_set
from paperkg.graph import RelType, merge_records, read_snapshot, similar
from paperkg.loaders import load_sources
from paperkg.pipeline import build


def test_seeds_give_370_papers_each_with_a_similar_edge(seeds_snapshot: Path):
    snap = read_snapshot(seeds_snapshot)
    papers = [n for n, d in snap.graph.nodes(data=True) if d["type"] == "Paper"]
    assert len(papers) == 370
    assert snap.manifest.counts.records == 460
    assert len(snap.manifest.inputs) == 5
    for paper in papers:
        similar = [
            k for _u, _v, k in snap.graph.out_edges(paper, keys=True) if k == RelType.SIMILAR_TO
        ]
        assert len(similar) == 10
    assert not any(u == v for u, v in snap.graph.edges())
    ranks = [
        d["rank"]
        for _u, _v, k, d in snap.graph.out_edges(papers[0], keys=True, data=True)
        if k == RelType.SIMILAR_TO
    ]
    assert sorted(ranks) == list(range(1, 11))


def test_papers_in_several_pages_keep_every_source(seeds_snapshot: Path, seeds: Path):
    snap = read_snapshot(seeds_snapshot)
    multi = [
        d
        for _n, d in snap.graph.nodes(data=True)
        if d["type"] == "Paper" and len({s.rsplit(":", 1)[0] for s in d["sources"]}) > 1
    ]
    assert len(multi) == 62
    assert sum(len(d.get("sources", [])) for _n, d in snap.graph.nodes(data=True)) == 460


def test_similar_with_an_exact_title_returns_that_paper_first(seeds_snapshot: Path, embedder):
    snap = read_snapshot(seeds_snapshot)
    for pid in snap.embeddings.ids[::37]:
        title = snap.graph.nodes[pid]["title"]
        hits = similar(snap, title, k=5, load=lambda _name: embedder)
        assert hits[0].id == pid and hits[0].score > 0.999
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_similar_free_text_embeds_the_query(seeds_snapshot: Path, embedder):
    snap = read_snapshot(seeds_snapshot)
    hits = similar(snap, "continual learning without forgetting", k=5, load=lambda _n: embedder)
    assert len(hits) == 5 and all(0 < h.score < 1 for h in hits)
    assert any("ontinual" in h.title for h in hits)


def test_building_twice_gives_identical_nodes_and_edges(
    tmp_path: Path, seeds: Path, seeds_snapshot: Path, embedder
):
    again = tmp_path / "again"
    report = build([seeds], again, embedder=embedder)
    first, second = read_snapshot(seeds_snapshot), read_snapshot(again)
    assert dict(first.graph.nodes(data=True)) == dict(second.graph.nodes(data=True))
    assert edge_set(first.graph) == edge_set(second.graph)
    assert report.embedded == 370


def test_rebuild_with_one_more_file_embeds_only_the_new_papers(
    tmp_path: Path, seeds: Path, embedder
):
    files = sorted(seeds.glob("*.txt"))
    partial = tmp_path / "partial"
    partial.mkdir()
    for file in files[:4]:
        shutil.copy(file, partial)
    out = tmp_path / "kg"
    first = build([partial], out, embedder=embedder)
    known = {p.id for p in merge_records(load_sources([partial]).records)}
    expected_new = {p.id for p in merge_records(load_sources(files).records)} - known
    assert first.embedded == len(known)

    shutil.copy(files[4], partial)
    second = build([partial], out, embedder=embedder)
    assert second.papers == 370
    assert second.embedded == len(expected_new) > 0
    assert second.reused == 370 - len(expected_new)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["nodes"]["Paper"] == 370

    third = build([partial], out, embedder=embedder)
    assert (third.embedded, third.reused) == (0, 370)
