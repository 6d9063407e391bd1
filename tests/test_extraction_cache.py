"""The extraction cache: each paper's own reading kept in the snapshot, so an update reads
only new papers and gives what extracting everything from nothing gives."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from conftest import edge_set
from paperkg.graph import read_snapshot
from paperkg.graph.extract.cache import (
    ExtractionCache,
    cache_version,
    decode_cache,
    encode_cache,
    stale,
)
from paperkg.graph.extract.extraction import Extraction, extract_corpus
from paperkg.graph.extract.gazetteer import Gazetteer, GazetteerEntry, load_gazetteer
from paperkg.graph.papers import Paper, merge_records
from paperkg.graph.snapshot.read import EXTRACTION
from paperkg.loaders import PaperRecord, load_sources
from paperkg.pipeline import build


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def seed_papers(seeds: Path) -> list[Paper]:
    return merge_records(list(load_sources([seeds]).records))


def paper(number: int, title: str, abstract: str) -> Paper:
    record = PaperRecord(title=title, abstract=abstract, path="t.txt", line=number)
    return merge_records([record])[0]


def without_cache(extraction: Extraction) -> Extraction:
    return dataclasses.replace(extraction, cache=None)


def round_trip(cache: ExtractionCache | None, gazetteer: Gazetteer) -> ExtractionCache:
    assert cache is not None
    decoded = decode_cache(encode_cache(cache), cache_version(gazetteer))
    assert decoded == cache
    return decoded


def test_adding_papers_with_the_cache_equals_extracting_all(seed_papers, gazetteer):
    base = extract_corpus(seed_papers[:300], gazetteer)
    cache = round_trip(base.cache, gazetteer)
    updated = extract_corpus(seed_papers, gazetteer, cache=cache)
    fresh = extract_corpus(seed_papers, gazetteer)
    assert without_cache(updated) == without_cache(fresh)
    assert updated.cache == fresh.cache
    assert len(fresh.cache.papers) == len({p.title + p.abstract for p in seed_papers})


def test_removing_papers_with_the_cache_equals_extracting_the_rest(seed_papers, gazetteer):
    whole = extract_corpus(seed_papers, gazetteer)
    rest = extract_corpus(seed_papers[40:], gazetteer, cache=whole.cache)
    assert without_cache(rest) == without_cache(extract_corpus(seed_papers[40:], gazetteer))


def test_a_name_a_new_paper_defines_is_found_in_old_papers(gazetteer):
    """An ordinary word becomes a name once a paper introduces it: old papers naming it are
    read again (and now cite the new paper), others are not."""
    old = [
        paper(1, "Kernel tricks", "We compare our kernels with Whisk on three tasks."),
        paper(2, "Graph pruning", "Pruning graphs fast. Results improve on ImageNet."),
    ]
    new = paper(3, "Whisk: fast stirring", "We propose Whisk, a new method for mixing.")
    base = extract_corpus(old, gazetteer)
    assert base.cache is not None
    assert not any(m.name == "Whisk" for m in base.entities[old[0].id].mentions)
    updated = extract_corpus([*old, new], gazetteer, cache=base.cache)
    assert without_cache(updated) == without_cache(extract_corpus([*old, new], gazetteer))
    assert any(m.name == "Whisk" for m in updated.entities[old[0].id].mentions)
    assert updated.cache is not None
    keys = stale(base.cache, updated.cache.defined, updated.cache.generic)
    assert keys == {k for k in base.cache.papers if "whisk" in base.cache.papers[k].folded}
    assert len(keys) == 1


def test_the_cache_is_used_for_its_version_only(seed_papers, gazetteer):
    """A cache entry is taken as it is (a doctored one shows through) for the extractor and
    gazetteer that made it; another gazetteer reads every paper again."""
    papers = seed_papers[:50]
    base = extract_corpus(papers, gazetteer)
    assert base.cache is not None
    doctored = dataclasses.replace(
        base.cache,
        papers={key: dataclasses.replace(p, mentions=()) for key, p in base.cache.papers.items()},
    )
    taken = extract_corpus(papers, gazetteer, cache=doctored)

    def mentions(found: Extraction) -> int:
        return sum(len(entities.mentions) for entities in found.entities.values())

    assert mentions(taken) < mentions(base) and mentions(base) > 50
    other = Gazetteer([*gazetteer.entries.values(), GazetteerEntry("Zyxwvut", "method")])
    assert cache_version(other) != base.cache.version
    assert decode_cache(encode_cache(doctored), cache_version(other)) is None
    again = extract_corpus(papers, other, cache=doctored)
    assert without_cache(again) == without_cache(extract_corpus(papers, other))


@pytest.mark.parametrize("data", [b"", b"not gzip", gzip.compress(b"{}\n[]"), gzip.compress(b"[")])
def test_a_cache_that_does_not_decode_is_no_cache(data: bytes, gazetteer):
    assert decode_cache(data, cache_version(gazetteer)) is None


def test_an_update_reads_only_new_papers_and_equals_a_fresh_build(
    seeds: Path, tmp_path: Path, embedder
):
    files = sorted(seeds.glob("*.txt"))
    out, fresh = tmp_path / "kg", tmp_path / "fresh"
    build(files[:4], out, embedder=embedder)
    assert EXTRACTION in read_snapshot(out).manifest.files
    build(files[4:], out, embedder=embedder)
    build(files, fresh, embedder=embedder)
    added, whole = read_snapshot(out).graph, read_snapshot(fresh).graph
    kinds = ("CITES", "USES", "EVALUATES_ON", "INTRODUCES", "HAS_CODE")
    assert {e for e in edge_set(added) if e[2].split(":")[0] in kinds} == {
        e for e in edge_set(whole) if e[2].split(":")[0] in kinds
    }

    def entities(graph) -> dict[str, dict]:  # cluster ids follow the earlier build's
        return {
            n: {k: v for k, v in d.items() if k not in ("clusters", "joins")}
            for n, d in graph.nodes(data=True)
            if d["type"] in ("Method", "Dataset")
        }

    assert entities(added) == entities(whole) and len(entities(whole)) > 100
    assert (out / EXTRACTION).read_bytes() == (fresh / EXTRACTION).read_bytes()


def test_a_damaged_cache_file_only_costs_time(seeds: Path, tmp_path: Path, embedder):
    files = sorted(seeds.glob("*.txt"))
    out, fresh = tmp_path / "kg", tmp_path / "fresh"
    build(files[:4], out, embedder=embedder)
    (out / EXTRACTION).write_bytes(b"damaged")
    build(files[4:], out, embedder=embedder)
    build(files, fresh, embedder=embedder)
    kinds = ("SIMILAR_TO", "CITES", "USES", "EVALUATES_ON", "INTRODUCES", "HAS_CODE")
    added, whole = edge_set(read_snapshot(out).graph), edge_set(read_snapshot(fresh).graph)
    assert {e for e in added if e[2].split(":")[0] in kinds} == {
        e for e in whole if e[2].split(":")[0] in kinds
    }
    header = json.loads(gzip.decompress((out / EXTRACTION).read_bytes()).split(b"\n")[0])
    assert set(header) == {"version", "defined", "generic"}
