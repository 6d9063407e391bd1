"""The error classes real abstracts produce, each on text we wrote: word-play capitals,
ordinary words in capitals, metrics/hardware/software, derived forms, wrong kinds, variants
left unmerged; and the basis and confidence every mention carries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperkg.errors import InputError, ParameterError
from paperkg.graph.extract.aliases import abbreviations, canonical_key, derived_base, family_name
from paperkg.graph.extract.confidence import CONFIDENCE, Basis, check_min_confidence
from paperkg.graph.extract.english import ordinary_word, zipf
from paperkg.graph.extract.entities import extract_entities, introduced_names
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.extract.names import hardware_like, metric_like, never_a_name
from paperkg.graph.papers import Paper
from paperkg.graph.schema import RelType


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _paper(number: int, title: str, abstract: str) -> Paper:
    return Paper(id=f"arxiv:2612.{number:05d}", title=title, abstract=abstract)


def _names(found) -> dict[str, str]:
    return {m.name: m.kind for m in found.mentions}


def test_the_word_list_knows_common_words_and_not_coined_names():
    assert zipf("large") > 5 and zipf("gradient") > 3
    assert zipf("qwen") == 0 and zipf("foldlite") == 0


@pytest.mark.parametrize(
    ("token", "ordinary"),
    [
        ("LARGE", True),  # ordinary word in capitals
        ("SKIP", True),
        ("BAlaNced", True),  # word play on an acronym's letters
        ("pre-traiNing", True),
        ("visiOn-Language", True),
        ("FoldLite", False),  # CamelCase of words is a coined name
        ("FOLDEX", False),  # capitals that spell no word may be a name
        ("GPT-4", False),
        ("CLM", False),  # three letters: an acronym far more often than a word
    ],
)
def test_ordinary_words_written_oddly_are_told_from_coined_names(token, ordinary):
    assert ordinary_word(token) is ordinary


def test_word_play_capitals_are_not_names_and_their_acronym_is(gazetteer):
    found = extract_entities(
        "BAGM: Merging Checkpoints",
        "We propose a method called BAlaNced GrAdient Merging (BAGM) for checkpoints. "
        "BAGM beats uniform averaGing on our tests.",
        gazetteer,
    )
    assert set(_names(found)) == {"BAGM"}
    assert found.mentions[0].relation == RelType.INTRODUCES


def test_ordinary_words_in_capitals_need_a_defining_context(gazetteer):
    used = extract_entities(
        "A Study of Sizes",
        "Our LARGE models SKIP tokens and COPY others; the BASE variant uses a PRIOR.",
        gazetteer,
    )
    assert _names(used) == {}
    defined = introduced_names(
        "A Title",
        "We present HARBOR, a simple method. We build on Leave-One-Out Ranking, or LOOR for "
        "short. Actions are named STAY, MOVE and JUMP.",
    )
    assert {name for name, _kind, _evidence in defined} == {"HARBOR", "LOOR"}


def test_metrics_hardware_and_software_are_never_methods_or_datasets(gazetteer):
    found = extract_entities(
        "A Title",
        "Trained on 8 A100 GPUs and a V100 with PyTorch and JAX, FoldLite reaches 41.2 AP50, "
        "a BLEU-4 of 30.1, an sFID of 3.2, a Top-1 of 80 %, an AUC-ROC of 0.9, 0.4 dB more "
        "and 120 FPS on CASP15.",
        gazetteer,
    )
    assert _names(found) == {"FoldLite": "method", "CASP15": "dataset"}
    assert all(metric_like(t) for t in ("AP50", "BLEU-4", "sFID", "pass@1", "R@10", "mIoU"))
    assert hardware_like("RTX 4090") and hardware_like("X9", after=" GPUs")
    assert not hardware_like("K400")  # alone, a dataset's short name as much as a chip
    assert never_a_name("EnglishrightarrowGerman")
    assert not any(metric_like(t) for t in ("T5", "GPT-4", "SR3", "CLIP"))


def test_derived_forms_name_the_entity_they_derive_from(gazetteer):
    assert derived_base("MCTS-optimized") == "MCTS"
    assert derived_base("FoldLite-trained") == "FoldLite"
    assert derived_base("SWE-bench") == "SWE-bench"
    found = extract_entities(
        "A Title",
        "An ImageNet-pretrained encoder and a FoldLite-trained head, with CLIP-guided and "
        "MCTS-optimized decoding.",
        gazetteer,
    )
    assert set(_names(found)) == {"ImageNet", "FoldLite", "CLIP", "MCTS"}


def test_datasets_are_told_from_methods_by_their_context_and_neighbours(gazetteer):
    found = extract_entities(
        "A Title",
        "We test on three datasets, including FooQA, Barset-7 and QuxFord. BazNet outperforms "
        "ZapFormer on mini-ImageNet. Questions in HarborBank are hard.",
        gazetteer,
    )
    kinds = _names(found)
    assert kinds["FooQA"] == kinds["Barset-7"] == kinds["QuxFord"] == "dataset"
    assert kinds["mini-ImageNet"] == kinds["HarborBank"] == "dataset"
    assert kinds["BazNet"] == kinds["ZapFormer"] == "method"


def test_variants_and_plurals_fold_into_the_family_with_the_spelling_kept(gazetteer):
    assert family_name("ViT-L/16") == family_name("ViTs") == "ViT"
    assert family_name("FoldLite-7B") == family_name("FoldLite-Large") == "FoldLite"
    assert family_name("Time-300B") == "Time-300B"  # the size names a dataset here
    assert canonical_key("Llama-2-7B-chat", gazetteer) == canonical_key("Llama 2", gazetteer)
    papers = [
        _paper(1, "A Title", "We fine-tune ViT-L/16 and two ViTs against FoldNets."),
        _paper(2, "Another Title", "A ViT-B/16 beats one FoldNet here."),
    ]
    extraction = extract_corpus(papers, gazetteer)
    first = {m.key: m for m in extraction.entities["arxiv:2612.00001"].mentions}
    second = {m.key for m in extraction.entities["arxiv:2612.00002"].mentions}
    assert first.keys() == second == {canonical_key("ViT", gazetteer), "foldnet"}
    assert first[canonical_key("ViT", gazetteer)].spelling == "ViT-L/16"


def test_acronyms_and_their_long_forms_are_one_entity(gazetteer):
    pairs = abbreviations("We build on Harbor Lattice Search (HLS) and FRM (Fast Rank Merging).")
    assert [(p.short, p.long) for p in pairs] == [
        ("HLS", "Harbor Lattice Search"),
        ("FRM", "Fast Rank Merging"),
    ]
    papers = [
        _paper(1, "A Title", "We study masked autoencoders (MAE) for folding."),
        _paper(2, "Another Title", "An MAE encoder, as in Masked Autoencoders, helps."),
        _paper(3, "Third Title", "We propose Harbor Lattice Search (HLS), a new search."),
        _paper(4, "Fourth Title", "HLS runs on graphs."),
    ]
    extraction = extract_corpus(papers, gazetteer)
    keys = [{m.key for m in e.mentions} for e in extraction.entities.values()]
    mae = canonical_key("Masked Autoencoder", gazetteer)
    assert keys[0] == keys[1] == {mae}
    assert keys[2] == keys[3] == {"hls"}


def test_acronyms_of_ordinary_words_are_abbreviations_not_names(gazetteer):
    papers = [
        _paper(1, "A Title", "Harbor image retrieval (HIR) is a task. HIR systems are slow."),
        _paper(2, "Another Title", "We improve HIR with Feedforward Neural Networks (FNNs)."),
    ]
    extraction = extract_corpus(papers, gazetteer, min_confidence=0.0)
    assert all(not e.mentions for e in extraction.entities.values())


def test_every_mention_says_its_basis_and_a_floor_drops_the_weakest(gazetteer):
    papers = [
        _paper(1, "FoldLite: Fast Folding", "We propose FoldLite. It uses BERT and ZQX."),
        _paper(2, "Another Title", "FoldLite and BarNet-2 are compared on QuxBench."),
    ]
    everything = extract_corpus(papers, gazetteer, min_confidence=0.0)
    basis = {
        (paper, m.name): m.basis
        for paper, found in everything.entities.items()
        for m in found.mentions
    }
    assert basis == {
        ("arxiv:2612.00001", "FoldLite"): Basis.DEFINED,
        ("arxiv:2612.00001", "BERT"): Basis.GAZETTEER,
        ("arxiv:2612.00001", "ZQX"): Basis.ACRONYM,
        ("arxiv:2612.00002", "FoldLite"): Basis.CORPUS,
        ("arxiv:2612.00002", "BarNet-2"): Basis.SHAPE,
        ("arxiv:2612.00002", "QuxBench"): Basis.PATTERN,
    }
    for found in everything.entities.values():
        assert all(m.confidence == CONFIDENCE[m.basis] for m in found.mentions)
    default = extract_corpus(papers, gazetteer)
    assert "ZQX" not in {m.name for m in default.entities["arxiv:2612.00001"].mentions}
    with pytest.raises(ParameterError, match="between 0 and 1"):
        check_min_confidence(1.5)


def test_a_gazetteer_file_may_name_metrics_hardware_and_software(tmp_path: Path):
    user = tmp_path / "mine.json"
    user.write_text(
        json.dumps({"entries": [{"name": "HarborScore", "kind": "metric"}]}), encoding="utf-8"
    )
    gazetteer = load_gazetteer([user])
    found = extract_entities("A Title", "FoldLite gains 3 HarborScore points.", gazetteer)
    assert _names(found) == {"FoldLite": "method"}
    user.write_text(json.dumps({"entries": [{"name": "X", "kind": "gadget"}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"must be one of .*metric.*hardware.*software"):
        load_gazetteer([user])


def test_the_node_keeps_the_long_forms_its_acronym_is_spelled_out_as(gazetteer):
    import networkx as nx

    from paperkg.graph.model import add_extraction

    papers = [
        _paper(1, "A Title", "We propose Harbor Lattice Search (HLS), a new search."),
        _paper(2, "Another Title", "HLS runs on graphs; masked autoencoders (MAE) help."),
    ]
    extraction = extract_corpus(papers, gazetteer)
    assert extraction.aliases["hls"] == ["HLS", "Harbor Lattice Search"]
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(paper.id for paper in papers)
    add_extraction(graph, extraction)
    assert graph.nodes["method:hls"]["aliases"] == ["Harbor Lattice Search"]
    mae = f"method:{canonical_key('Masked Autoencoder', gazetteer)}"
    assert "MAE" in graph.nodes[mae]["aliases"]


def test_a_likeness_is_not_a_use(gazetteer):
    found = extract_entities(
        "A Title",
        "A GPT-2-level supervisor and a FoldLite-inspired head train GPT-4 with a CLIP-based loss.",
        gazetteer,
    )
    assert set(_names(found)) == {"GPT-4", "CLIP"}


def test_a_two_letter_acronym_of_ordinary_words_is_not_introduced():
    names = introduced_names(
        "A Title",
        "We develop a reward model (RM) by sampling. We propose a harbor search tree (HST).",
    )
    assert [name for name, _kind, _evidence in names] == ["HST"]


def test_the_gazetteer_page_example_loads_and_matches_as_it_says(tmp_path: Path):
    page = (Path(__file__).parent.parent / "docs" / "inputs" / "gazetteer.md").read_text()
    example = page.split("```json", 1)[1].split("```", 1)[0]
    user = tmp_path / "mine.json"
    user.write_text(example, encoding="utf-8")
    gazetteer = load_gazetteer([user])
    found = extract_entities(
        "A Title",
        "Two FoldLites and FoldLite-7B beat a harbor of models on OrphanFold-300 with Harbor, "
        "scoring 3 HarborScore points on a Zeta-9 board.",
        gazetteer,
    )
    assert _names(found) == {"FoldLite": "method", "OrphanFold-300": "dataset", "Harbor": "method"}


def test_a_variant_at_the_end_of_a_sentence_is_still_the_known_family(gazetteer):
    for text, name in [
        ("We use ViT-L.", "ViT"),
        ("We fine-tune Llama-2-7B.", "Llama 2"),
        ("We use Qwen2.5-7B.", "Qwen2.5"),
    ]:
        (match,) = list(gazetteer.find(text))
        assert match.entry.name == name, text


def test_acronym_offsets_hold_for_any_letters_and_spaces():
    sentence = "\u0130nce Harbor\u00a0Lattice Search (HLS) and SAM (Segment Anything Model~) run."
    pairs = abbreviations(sentence)
    for pair in pairs:
        assert sentence[pair.start : pair.end] == pair.short
        assert sentence[pair.long_start : pair.long_end] == pair.long
    assert [p.long for p in pairs] == ["Harbor\u00a0Lattice Search", "Segment Anything Model"]


def test_an_acronym_is_an_abbreviation_only_where_most_papers_write_it_out_as_words(gazetteer):
    named = [_paper(i, f"Title {i}", "We test Harbor Index Retrieval (HIR) here.") for i in (1, 2)]
    plain = [_paper(3, "Title 3", "Harbor image retrieval (HIR) is a task.")]
    shape_only = [_paper(4, "Title 4", "HIR systems run on graphs.")]
    extraction = extract_corpus(named + plain + shape_only, gazetteer, min_confidence=0.0)
    keys = {paper: {m.key for m in e.mentions} for paper, e in extraction.entities.items()}
    assert keys["arxiv:2612.00001"] == keys["arxiv:2612.00004"] == {"hir"}
    assert keys["arxiv:2612.00003"] == set()


def test_capitals_joined_by_a_hyphen_are_a_coined_shape(gazetteer):
    found = extract_entities("A Title", "We compare QX-DETR and ZQX here.", gazetteer)
    basis = {m.name: m.basis for m in found.mentions}
    assert basis == {"QX-DETR": Basis.SHAPE, "ZQX": Basis.ACRONYM}
