"""Papers with Code dumps (papers with abstracts, links to code, methods, datasets), on small
fixtures of our own text in tests/data/pwc: parsing, detection, gzip, errors, and the graph
they make alone and merged with the other formats."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import DATA
from paperkg.errors import InputError
from paperkg.graph import merge_records, read_snapshot, title_key
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.papers import Paper
from paperkg.loaders import (
    FORMATS,
    CodeLink,
    EntityRecord,
    PaperRecord,
    RecordFilter,
    detect_format,
    load_sources,
)
from paperkg.loaders.text_file import read_head
from paperkg.pipeline import BuildOptions, build

PWC = DATA / "pwc"
PAPERS = PWC / "papers-with-abstracts.json"
LINKS = PWC / "links-between-papers-and-code.json"
METHODS = PWC / "methods.json"
DATASETS = PWC / "datasets.json"
SITE = "https://paperswithcode.com"
TIDEBENCH = f"title:{title_key('TideBench: A Benchmark for Coastal Flood Forecasting')}"


def test_papers_dump_records_and_the_methods_it_describes():
    loaded = load_sources([PAPERS])
    (file,) = loaded.files
    assert (file.format, file.records, file.entities) == ("pwc-papers", 4, 7)
    routelet, prune, tide, frozen = loaded.records
    assert (routelet.title, routelet.arxiv_id, routelet.line) == (
        "Sparse Mixture Routing for Tiny Speech Models",
        "2603.01001",
        0,
    )
    assert "\n" not in routelet.abstract and routelet.abstract.startswith("We propose RouteLet")
    assert routelet.url == "http://arxiv.org/abs/2603.01001v2"
    assert routelet.published == date(2026, 3, 2)
    assert routelet.authors == ("Ada Quill", "Bo Ren")
    assert routelet.keywords == ("Speech Recognition", "Model Compression")
    assert routelet.methods == ("RouteLet", "Mixture of Experts")
    assert routelet.pwc_id == "sparse-mixture-routing-for-tiny-speech"
    assert (routelet.origin, routelet.annotation, routelet.repos) == ("pwc", False, ())
    assert prune.methods == ("LoRA", "Adam", "PruneAdapt")
    assert (tide.arxiv_id, tide.url) == (None, "https://openreview.net/forum?id=TdBnch26")
    assert frozen.authors == ("Ivo Brandt", "Kea Moss")  # the empty name is dropped
    # Each method the dump describes, once per file, at the first paper naming it.
    described = {e.name: e for e in loaded.entities}
    assert list(described) == [
        "RouteLet",
        "Mixture of Experts",
        "LoRA",
        "Adam",
        "PruneAdapt",
        "Layer Normalization",
        "Dropout",
    ]
    adam = described["Adam"]
    assert (adam.kind, adam.line, adam.paper_title, adam.origin) == (
        "method",
        1,
        "Adam: A Method for Stochastic Optimization",
        "pwc",
    )
    assert adam.description.startswith("A stochastic optimiser") and adam.url is None


def test_links_dump_rows_are_annotations_with_their_repo():
    loaded = load_sources([LINKS])
    assert [(f.format, f.records, f.entities) for f in loaded.files] == [("pwc-links", 5, 0)]
    first, second, prune, tide, outside = loaded.records
    assert all(r.annotation and r.origin == "pwc" and r.abstract == "" for r in loaded.records)
    assert first.arxiv_id == "2603.01001"  # the dump's "2603.01001v2", version folded
    assert first.url == "http://arxiv.org/abs/2603.01001v2"
    assert first.repos == ("https://github.com/routelet/routelet",)
    assert first.code_links == (CodeLink("https://github.com/routelet/routelet", True),)
    assert second.code_links == (
        CodeLink("https://github.com/tinyspeech-fans/routelet-pytorch", False),
    )
    assert prune.pwc_id == "pruneadapt-pruning-low-rank-adapters-for-low"
    assert (tide.arxiv_id, tide.pwc_id) == (None, "tidebench-a-benchmark-for-coastal-flood")
    assert (outside.title, outside.line) == ("Quantum Annealing for Protein Docking Schedules", 4)


def test_methods_and_datasets_dumps_are_catalogue_entries():
    loaded = load_sources([METHODS, DATASETS])
    assert loaded.records == []
    assert [(f.format, f.records, f.entities) for f in loaded.files] == [
        ("pwc-methods", 0, 4),
        ("pwc-datasets", 0, 3),
    ]
    routelet, prune, lora, ghost, tide, libri, coral = loaded.entities
    assert routelet == EntityRecord(
        kind="method",
        name="RouteLet",
        path=str(METHODS),
        line=0,
        full_name="RouteLet",
        description="**RouteLet** is a sparse routing layer for small speech models: a learned "
        "gate sends each frame to one expert.",
        url=f"{SITE}/method/routelet",
        paper_title="Sparse Mixture Routing for Tiny Speech Models",
        paper_pwc_id="sparse-mixture-routing-for-tiny-speech",
    )
    assert (prune.full_name, lora.paper_pwc_id) == (
        "Pruned Low-Rank Adapters",
        "lora-low-rank-adaptation-of-large-language",
    )
    assert (ghost.paper_title, ghost.paper_pwc_id) == (None, None)
    assert (tide.kind, tide.homepage, tide.url) == (
        "dataset",
        "https://tidebench.example.org",
        f"{SITE}/dataset/tidebench",
    )
    assert (tide.paper_title, tide.paper_pwc_id) == (
        "TideBench - a benchmark for coastal flood forecasting",
        None,
    )
    assert libri.full_name == "LibriSpeech ASR corpus" and libri.source == f"{DATASETS}:1"
    assert coral.paper_title is None and coral.homepage is None


def test_each_dump_is_detected_from_content_also_compact_and_renamed(tmp_path: Path):
    expected = {
        PAPERS: "pwc-papers",
        LINKS: "pwc-links",
        METHODS: "pwc-methods",
        DATASETS: "pwc-datasets",
    }
    for path, name in expected.items():
        assert detect_format(read_head(path), str(path)) == name
        # The real dumps are one long line without indentation, under any file name.
        compact = tmp_path / f"{name}.data"
        compact.write_text(json.dumps(json.loads(path.read_text())), encoding="utf-8")
        assert load_sources([compact]).files[0].format == name
    # No PwC sniffer claims the other formats' files, nor another dump.
    for path in sorted((DATA / "formats").iterdir()):
        head = read_head(path)
        assert not [n for n in FORMATS if n.startswith("pwc-") and FORMATS[n].sniff(head)]
    for path, name in expected.items():
        head = read_head(path)
        assert [n for n in FORMATS if FORMATS[n].sniff(head)] == [name]


def test_gzip_dumps_read_transparently_and_folders_pick_them_up(tmp_path: Path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    for path in (PAPERS, LINKS):
        (folder / f"{path.name}.gz").write_bytes(gzip.compress(path.read_bytes()))
    (folder / "notes.md.gz").write_bytes(gzip.compress(b"not an input"))
    loaded = load_sources([folder])
    assert [(Path(f.path).name, f.format) for f in loaded.files] == [
        ("links-between-papers-and-code.json.gz", "pwc-links"),
        ("papers-with-abstracts.json.gz", "pwc-papers"),
    ]
    plain = load_sources([LINKS, PAPERS])
    assert [(r.title, r.line, r.code_links) for r in loaded.records] == [
        (r.title, r.line, r.code_links) for r in plain.records
    ]
    assert len(loaded.entities) == len(plain.entities) == 7
    # The hash is of the file as stored (compressed).
    assert loaded.files[0].sha256 != plain.files[0].sha256
    # Detection goes by the magic bytes, not the name; other formats stream through gzip too.
    hidden = tmp_path / "arxiv-snapshot.bin"
    hidden.write_bytes(gzip.compress((DATA / "formats" / "arxiv.jsonl").read_bytes()))
    (found,) = load_sources([hidden]).files
    assert (found.format, found.records) == ("arxiv-jsonl", 2)


def test_a_broken_gzip_file_is_an_error_naming_it(tmp_path: Path):
    path = tmp_path / "papers-with-abstracts.json.gz"
    path.write_bytes(gzip.compress(PAPERS.read_bytes())[:300])
    with pytest.raises(InputError) as caught:
        load_sources([path])
    assert caught.value.path == str(path) and "not a valid gzip file" in str(caught.value)


def _paper(**fields):
    entry = {
        "paper_url": f"{SITE}/paper/a-paper",
        "arxiv_id": "2601.00001",
        "title": "A Paper",
        "abstract": "An abstract.",
        "url_abs": "http://arxiv.org/abs/2601.00001v1",
        "authors": ["Ada Quill"],
        "tasks": [],
        "date": "2026-01-01",
        "methods": [],
    }
    return {**entry, **fields}


def _link(**fields):
    entry = {
        "paper_url": f"{SITE}/paper/a-paper",
        "paper_title": "A Paper",
        "paper_arxiv_id": "2601.00001",
        "paper_url_abs": "http://arxiv.org/abs/2601.00001v1",
        "repo_url": "https://github.com/a/b",
        "is_official": True,
    }
    return {**entry, **fields}


def _method(**fields):
    entry = {"url": f"{SITE}/method/a", "name": "A", "full_name": "A", "paper": None}
    return {**entry, **fields}


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (
            [_paper(), _paper(authors="Ada Quill")],
            "entry [1]: field 'authors' must be a list of strings, got a str",
            None,
        ),
        (
            [_paper(), _paper(title=None)],
            "entry [1]: field 'title' must be a non-empty string, got missing",
            None,
        ),
        (
            [_paper(abstract=42)],
            "entry [0]: field 'abstract' must be a string or null, got a int",
            None,
        ),
        (
            [_paper(methods=[{"name": "Adam"}, {"full_name": "No Name"}])],
            "entry [0]: methods[1]: field 'name' must be a non-empty string, got missing",
            None,
        ),
        ([_paper(), "a string"], "entry [1]: expected an object", None),
        (_paper(), "expected a JSON array of entries", 1),
        ([_link(), _link(is_official="yes")], "entry [1]: field 'is_official' must be", None),
        ([_link(repo_url="")], "entry [0]: field 'repo_url' must be a non-empty string", None),
        ([_method(), _method(paper=7)], "entry [1]: field 'paper' must be an object", None),
        ([_method(name=["A"])], "entry [0]: field 'name' must be a non-empty string", None),
        (
            [_method(paper={"title": 3, "url": None})],
            "entry [0]: paper: field 'title' must be a string or null",
            None,
        ),
    ],
)
def test_broken_entries_name_file_and_entry(tmp_path: Path, content, message, line):
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources([path])
    assert caught.value.path == str(path) and caught.value.line == line
    assert message in str(caught.value)


def test_annotations_never_make_papers_and_survive_date_filters():
    links = load_sources([LINKS]).records
    assert merge_records(links) == []
    loaded = load_sources([PWC], keep=RecordFilter(since=date(2026, 1, 1)))
    # TideBench (2025) is filtered out; its links row stays but makes no paper on its own.
    assert sum(r.annotation for r in loaded.records) == 5
    papers = {p.id: p for p in merge_records(loaded.records)}
    assert sorted(papers) == ["arxiv:2603.01001", "arxiv:2604.00011", "arxiv:2605.00321"]
    routelet = papers["arxiv:2603.01001"]
    assert routelet.title == "Sparse Mixture Routing for Tiny Speech Models"
    assert routelet.code_links == [
        CodeLink("https://github.com/routelet/routelet", True),
        CodeLink("https://github.com/tinyspeech-fans/routelet-pytorch", False),
    ]
    assert routelet.pwc_id == "sparse-mixture-routing-for-tiny-speech"
    assert len(routelet.sources) == 3


def test_a_links_row_listed_first_does_not_name_the_paper():
    row = PaperRecord(
        "Sparse mixture routing (tiny speech)", "", "l.json", 0, pwc_id="s", annotation=True
    )
    paper = PaperRecord("Sparse Mixture Routing", "Abstract.", "p.json", 0, pwc_id="s")
    (merged,) = merge_records([row, paper])
    assert merged.title == "Sparse Mixture Routing"
    assert merged.id == f"title:{title_key('Sparse Mixture Routing')}"
    assert merged.sources == ["l.json:0", "p.json:0"]


@pytest.fixture(scope="module")
def pwc_graph(tmp_path_factory: pytest.TempPathFactory, embedder):
    out = tmp_path_factory.mktemp("pwc") / "kg"
    build([PWC], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    return read_snapshot(out).graph


def _edges(graph, relation):
    return {(u, v): d for u, v, k, d in graph.edges(keys=True, data=True) if k == relation}


def test_build_makes_only_the_corpus_papers(pwc_graph):
    papers = sorted(n for n, d in pwc_graph.nodes(data=True) if d["type"] == "Paper")
    assert papers == ["arxiv:2603.01001", "arxiv:2604.00011", "arxiv:2605.00321", TIDEBENCH]
    assert pwc_graph.nodes["arxiv:2604.00011"]["pwc_id"] == (
        "pruneadapt-pruning-low-rank-adapters-for-low"
    )
    assert not any("Quantum" in d.get("title", "") for _n, d in pwc_graph.nodes(data=True))


def test_build_repos_come_from_the_links_dump_with_the_official_flag(pwc_graph):
    repos = {n: d for n, d in pwc_graph.nodes(data=True) if d["type"] == "Repo"}
    assert sorted(repos) == [
        "repo:https://github.com/pruneadapt/pruneadapt",
        "repo:https://github.com/routelet/routelet",
        "repo:https://github.com/tinyspeech-fans/routelet-pytorch",
        "repo:https://gitlab.com/coastal-lab/tidebench",
    ]  # no repo of the paper outside the corpus
    assert all(d["source"] == "pwc" for d in repos.values())
    code = {(u, v.removeprefix("repo:")): d for (u, v), d in _edges(pwc_graph, "HAS_CODE").items()}
    assert code == {
        ("arxiv:2603.01001", "https://github.com/routelet/routelet"): {
            "source": "pwc",
            "official": True,
        },
        ("arxiv:2603.01001", "https://github.com/tinyspeech-fans/routelet-pytorch"): {
            "source": "pwc",
            "official": False,
        },
        # Also in the abstract's text: one edge, PwC's.
        ("arxiv:2604.00011", "https://github.com/pruneadapt/pruneadapt"): {
            "source": "pwc",
            "official": True,
        },
        (TIDEBENCH, "https://gitlab.com/coastal-lab/tidebench"): {
            "source": "pwc",
            "official": True,
        },
    }


def test_build_methods_and_datasets_from_pwc(pwc_graph):
    g = pwc_graph
    entities = {n: d for n, d in g.nodes(data=True) if d["type"] in {"Method", "Dataset"}}
    pwc = {
        "method:routelet",
        "method:pruneadapt",
        "method:lora",
        "method:adam",
        "method:mixtureofexperts",
        "method:layernormalization",
        "method:dropout",
        "dataset:tidebench",
        "dataset:librispeech",
    }
    assert pwc <= set(entities)
    assert all(entities[n]["source"] == "pwc" for n in pwc)
    assert all(d["source"] == "text" for n, d in entities.items() if n not in pwc)
    assert entities["dataset:flores200"]["source"] == "text"
    # Catalogue entries the corpus does not link are left out.
    assert not {"method:ghostroute", "dataset:coralreefseg"} & set(entities)
    lora = entities["method:lora"]
    assert (lora["name"], lora["full_name"], lora["url"]) == (
        "LoRA",
        "Low-Rank Adaptation",
        f"{SITE}/method/lora",
    )
    assert lora["description"].startswith("**LoRA** keeps")  # methods.json over the paper's
    tide = entities["dataset:tidebench"]
    assert (tide["homepage"], tide["full_name"]) == (
        "https://tidebench.example.org",
        "TideBench Coastal Flood Benchmark",
    )
    assert entities["method:dropout"]["description"].startswith("Zeroes random units")
    introduces = _edges(g, "INTRODUCES")
    assert set(introduces) == {
        ("arxiv:2603.01001", "method:routelet"),
        ("arxiv:2604.00011", "method:pruneadapt"),
        (TIDEBENCH, "dataset:tidebench"),  # matched by folded title
    }
    assert all(d["source"] == "pwc" for d in introduces.values())
    assert "RouteLet" in introduces[("arxiv:2603.01001", "method:routelet")]["evidence"]
    uses = _edges(g, "USES")
    curated = {"source": "pwc", "basis": "curated", "confidence": 0.95}
    assert uses[("arxiv:2603.01001", "method:mixtureofexperts")] == curated
    assert uses[(TIDEBENCH, "method:layernormalization")] == curated
    assert uses[("arxiv:2605.00321", "method:adam")] == curated
    assert uses[("arxiv:2605.00321", "method:pruneadapt")]["source"] == "text"
    # PwC's "LoRA" and the abstract's "LoRA" are one node and one edge, with the evidence.
    assert [n for n, d in entities.items() if d["key"] == "lora"] == ["method:lora"]
    lora_use = uses[("arxiv:2604.00011", "method:lora")]
    assert lora_use["source"] == "pwc" and "LoRA ranks" in lora_use["evidence"]
    assert _edges(g, "EVALUATES_ON")[("arxiv:2603.01001", "dataset:librispeech")] == {
        "source": "text",
        "evidence": "RouteLet halves latency on LibriSpeech at equal word error rate.",
        "basis": "gazetteer",
        "confidence": 0.9,
    }
    mention = {(u, v) for u, v, k in g.edges(keys=True) if k == "CITES:mention"}
    assert mention == {("arxiv:2605.00321", "arxiv:2604.00011")}  # "Unlike PruneAdapt"


def test_mixed_build_merges_the_shared_paper(tmp_path: Path, embedder):
    out = tmp_path / "kg"
    build([DATA / "formats", PWC], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    g = read_snapshot(out).graph
    papers = {n: d for n, d in g.nodes(data=True) if d["type"] == "Paper" and not d.get("stub")}
    assert len(papers) == 7  # 4 from the formats folder, 4 from PwC, one of them shared
    routelet = papers["arxiv:2603.01001"]
    files = {s.rsplit(":", 1)[0].rsplit("/", 1)[1] for s in routelet["sources"]}
    assert files == {
        "hf_daily.json",
        "arxiv.jsonl",
        "s2.json",
        "openalex.json",
        "papers-with-abstracts.json",
        "links-between-papers-and-code.json",
    }
    assert routelet["pwc_id"] == "sparse-mixture-routing-for-tiny-speech"
    assert routelet["abstract"].startswith("We propose RouteLet, a sparse routing scheme that")
    # HF daily's githubRepo and PwC's official link are one repo and one edge, PwC's.
    repo = "repo:https://github.com/routelet/routelet"
    assert g.nodes[repo]["source"] == "pwc"
    assert g.get_edge_data("arxiv:2603.01001", repo) == {
        "HAS_CODE": {"source": "pwc", "official": True}
    }
    assert len([n for n, d in g.nodes(data=True) if d.get("key") == "routelet"]) == 1


def _corpus_paper(pid: str, title: str, abstract: str, **fields) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, **fields)


def test_extraction_rules_for_pwc_relations():
    gazetteer = load_gazetteer()
    papers = [
        _corpus_paper(
            "p1",
            "FoldLite: Fast Protein Folding",
            "We propose FoldLite, a small folding model.",
            published=date(2026, 1, 1),
        ),
        # Uses FoldLite only according to PwC: a USES edge, but no mention citation.
        _corpus_paper(
            "p2",
            "Docking at Scale",
            "We dock ligands quickly.",
            published=date(2026, 2, 1),
            methods=["FoldLite", "Dropout"],
            repos=["https://github.com/dock/dock"],
        ),
        _corpus_paper("p3", "Pocket Maps", "A catalogue of pockets.", pwc_id="pocket-maps"),
    ]
    catalogue = [
        EntityRecord("dataset", "PocketMap-9", "d.json", 0, paper_pwc_id="pocket-maps"),
        EntityRecord("method", "Dropout", "m.json", 0, full_name="Dropout Regularisation"),
        EntityRecord("method", "NeverSeen", "m.json", 1, paper_title="Nowhere"),
    ]
    extraction = extract_corpus(papers, gazetteer, catalogue=catalogue)
    p2 = {m.key: m for m in extraction.entities["p2"].mentions}
    assert (p2["foldlite"].relation, p2["foldlite"].source, p2["foldlite"].sentence) == (
        "USES",
        "pwc",
        "",
    )
    assert extraction.citations == []
    (pocket,) = extraction.entities["p3"].mentions
    assert (pocket.key, pocket.kind, pocket.relation, pocket.source) == (
        "pocketmap9",
        "dataset",
        "INTRODUCES",
        "pwc",
    )
    assert extraction.curated["dropout"].full_name == "Dropout Regularisation"
    assert "neverseen" not in extraction.curated
    assert extraction.curated["foldlite"].description is None  # named by PwC, not described
    (code,) = extraction.code["p2"].values()
    assert (code.source, code.official) == ("metadata", None)  # a feed field, not PwC
    # Without a catalogue or PwC fields, everything is the text's.
    plain = extract_corpus(papers[:1], gazetteer)
    assert plain.curated == {} and {m.source for m in plain.entities["p1"].mentions} == {"text"}


def test_an_update_keeps_the_catalogue_it_read_before(tmp_path: Path, embedder):
    out = tmp_path / "kg"
    build([PWC], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    before = read_snapshot(out).graph
    build([DATA / "formats" / "s2.json"], out, embedder=embedder)
    after = read_snapshot(out).graph
    assert set(_edges(after, "INTRODUCES")) == set(_edges(before, "INTRODUCES"))
    assert after.nodes["method:lora"]["full_name"] == "Low-Rank Adaptation"
    assert after.nodes["arxiv:2603.01001"]["s2_id"] == "aaa111"  # the new file merged in


def test_links_alone_are_no_corpus(tmp_path: Path, embedder):
    with pytest.raises(InputError, match="no papers to build"):
        build([PWC / "links-between-papers-and-code.json"], tmp_path / "kg", embedder=embedder)
    assert not (tmp_path / "kg").exists()
