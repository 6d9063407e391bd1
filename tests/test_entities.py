"""Entities, repos and mention citations: unit cases, the examples corpus, the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES
from paperkg.errors import InputError
from paperkg.graph import read_snapshot
from paperkg.graph.extract.entities import extract_entities, introduced_names, sentences
from paperkg.graph.extract.gazetteer import entity_key, load_gazetteer
from paperkg.graph.extract.names import never_a_name
from paperkg.graph.model import relationship_type
from paperkg.pipeline import build


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_keys_fold_case_hyphens_spaces_and_versions():
    assert entity_key("GPT-4o") == entity_key("gpt 4o") == entity_key("GPT4o") == "gpt4o"
    assert entity_key("ImageNet-1K") == entity_key("imagenet 1k")
    assert entity_key("Qwen2.5") == entity_key("Qwen 2.5")


def test_gazetteer_finds_names_with_their_variants(gazetteer):
    text = "We fine-tune Llama-3-8B with LoRA and compare with GPT-4o on ImageNet-1k and SQuAD."
    found = {m.entry.key: m.text for m in gazetteer.find(text)}
    assert gazetteer.key_of("LLaMA 3") in found
    assert {"lora", "gpt4o"} <= found.keys()
    assert gazetteer.key_of("GPT-4") not in found  # GPT-4o is not GPT-4
    assert any(gazetteer.entries[k].kind == "dataset" for k in found)


def test_generic_words_are_not_entities(gazetteer):
    text = "Large language models (LLMs) and a retrieval-based RAG pipeline on GPUs via an API."
    assert [m.text for m in gazetteer.find(text)] == []


def test_a_derived_form_names_the_entity_it_derives_from(gazetteer):
    found = extract_entities(
        "A Title", "We train a transformer-based CLIP-guided model.", gazetteer
    )
    assert {m.name for m in found.mentions} == {"Transformer", "CLIP"}


def test_introduction_patterns():
    names = {
        n: k
        for n, k, _s in introduced_names(
            "FoldLite: Fast Protein Folding from One Sequence",
            "We propose FoldLite, a compact model. We also release OrphanFold-300, a benchmark of "
            "300 orphan proteins. Results beat AlphaFold2 on CASP15.",
        )
    }
    assert names == {"FoldLite": "method", "OrphanFold-300": "dataset"}
    assert (
        introduced_names("Beyond Accuracy: Rethinking Evaluation", "We propose a new metric.") == []
    )
    assert introduced_names("Scaling Laws Revisited: A Study", "We study scaling.") == []


def test_sentences_do_not_break_on_abbreviations():
    parts = sentences("We use e.g. BERT and T5 et al. in tests. Then we stop. Done!")
    assert parts == ["We use e.g. BERT and T5 et al. in tests.", "Then we stop.", "Done!"]


def test_user_gazetteer_extends_and_bad_one_is_named(tmp_path: Path):
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"entries": [{"name": "ZorbNet", "kind": "method"}]}))
    assert [m.entry.name for m in load_gazetteer([extra]).find("we train ZorbNet")] == ["ZorbNet"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": [\n{"name": "X", "kind": "gadget"}]}')
    with pytest.raises(InputError, match=r"broken\.json: entries\[0\] \(X\): \"kind\""):
        load_gazetteer([broken])
    broken.write_text('{"entries": [\n oops')
    with pytest.raises(InputError, match=r"broken\.json:2: not valid JSON"):
        load_gazetteer([broken])


@pytest.fixture(scope="module")
def examples_graph(tmp_path_factory: pytest.TempPathFactory, embedder):
    out = tmp_path_factory.mktemp("ent") / "kg"
    build([EXAMPLES], out, embedder=embedder)
    return read_snapshot(out).graph


def by_title(graph, start: str) -> str:
    (node,) = [
        n
        for n, d in graph.nodes(data=True)
        if d.get("type") == "Paper" and d["title"].startswith(start)
    ]
    return node


def test_examples_introduced_entities_and_mention_citations(examples_graph):
    g = examples_graph
    names = {
        d["name"]: d["type"]
        for _n, d in g.nodes(data=True)
        if d.get("type") in {"Method", "Dataset"}
    }
    for method in (
        "FoldLite",
        "EchoMix",
        "HopLens",
        "SkillWeave",
        "StreamTok",
        "ResiDiff",
        "ChunkWise",
    ):
        assert names.get(method) == "Method", method
    for dataset in ("OrphanFold-300", "CafeSpeech-90h", "CiteCheck-5k", "ShelfSim-40"):
        assert names.get(dataset) == "Dataset", dataset
    foldlite = by_title(g, "FoldLite:")
    assert g.has_edge(foldlite, "method:foldlite", key="INTRODUCES")
    residiff = by_title(g, "ResiDiff")
    edge = g.get_edge_data(residiff, foldlite, key="CITES:mention")
    assert edge is not None and edge["entity"] == "foldlite" and "FoldLite" in edge["evidence"]
    for u, v, key in g.edges(keys=True):
        if relationship_type(key) == "CITES":
            assert u != v


def test_examples_shared_repo_is_one_node(examples_graph):
    g = examples_graph
    repo = "repo:https://github.com/foldlite-lab/foldlite"
    assert repo in g and len(list(g.predecessors(repo))) == 2


def test_seeds_repos_citations_and_entity_keys(seeds_snapshot: Path):
    snap = read_snapshot(seeds_snapshot)
    g = snap.graph
    for node, data in g.nodes(data=True):
        if data.get("type") == "Paper" and "github.com/" in data["abstract"].lower():
            assert any(k == "HAS_CODE" for _u, _v, k in g.out_edges(node, keys=True)), data["title"]
        if data.get("type") == "Repo":
            url = data["url"]
            assert not url.endswith((".", ",", ";", ")", "]", ":")), url
            assert not any(c in url for c in "{} \t"), url
    for u, v, key in g.edges(keys=True):
        if relationship_type(key) == "CITES":
            assert u != v
    folded: dict[tuple[str, str], str] = {}
    for node, data in g.nodes(data=True):
        if data.get("type") in {"Method", "Dataset"}:
            key = (data["type"], entity_key(data["name"]))
            assert key not in folded, (node, folded.get(key))
            folded[key] = node
    counts = snap.manifest.counts
    assert counts.nodes["Repo"] > 50 and counts.relationships["CITES"] > 0


@pytest.mark.parametrize("unit", ["mW", "µW", "kWh", "mAh", "mJ", "mV", "mA", "µs", "ns", "GHz"])
def test_units_are_never_names(unit: str):
    """'draws 84 mW' once made "mW" a method two speech papers shared."""
    assert never_a_name(unit)
    assert not never_a_name("SqueezeCTC") and not never_a_name("MobileViT-Q")
