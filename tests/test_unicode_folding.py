"""Unicode variants of one title or one name are one paper and one entity: full-width letters,
ligatures, non-breaking spaces, zero-width characters, soft hyphens, composed and decomposed
accents, case (NFKC + casefold before matching)."""

from __future__ import annotations

import pytest

from paperkg.graph import fold, merge_records, title_key
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import entity_key, load_gazetteer
from paperkg.graph.extract.normalize import match_text
from paperkg.graph.papers import Paper
from paperkg.loaders import PaperRecord

TITLE_PAIRS = [
    (
        "Attention Is All You Need",
        "\uff21\uff54\uff54\uff45\uff4e\uff54\uff49\uff4f\uff4e Is All You Need",
    ),
    ("Efficient Fine-Tuning of Speech Models", "E\ufb03cient \ufb01ne-tuning of speech models"),
    ("Sparse Experts for Tiny Robots", "Sparse\u00a0Experts for\u202fTiny Robots"),
    ("Sparse Experts for Tiny Robots", "Sparse Ex\u200bperts for Ti\u00adny Ro\u2060bots\ufeff"),
    ("Caf\u00e9 Benchmarks", "Cafe\u0301 Benchmarks"),
    ("Stra\u00dfe Scenes", "STRASSE SCENES"),
    ("Chapter \u2161 of Learning", "Chapter II of Learning"),
    ("Deep Learning", "Deep\u3000Learning"),
]


@pytest.mark.parametrize(("plain", "variant"), TITLE_PAIRS)
def test_title_variants_are_one_paper(plain: str, variant: str):
    assert fold(plain) == fold(variant) and title_key(plain) == title_key(variant)
    papers = merge_records(
        [
            PaperRecord(title=plain, abstract="Short.", path="a.txt", line=1),
            PaperRecord(title=variant, abstract="A longer abstract.", path="b.json", line=0),
        ]
    )
    assert len(papers) == 1 and papers[0].sources == ["a.txt:1", "b.json:0"]


NAME_PAIRS = [
    ("BERT", "\uff22\uff25\uff32\uff34"),  # full-width
    ("RoBERTa", "Ro\u200bBERTa"),  # zero-width space
    ("RoBERTa", "RoBERTa\u2060"),  # word joiner
    ("LoRA", "Lo\u00adRA"),  # soft hyphen
    ("GPT-4o", "GPT\u20114o"),  # non-breaking hyphen
    ("GPT-4o", "GPT\u00a04o"),  # non-breaking space
    ("Llama 3", "Llama\u00a03"),
]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _methods(papers: list[Paper], gazetteer) -> dict[str, set[str]]:
    """Paper id -> keys of the methods extraction finds in it."""
    found = extract_corpus(papers, gazetteer).entities
    return {pid: {m.key for m in e.mentions if m.kind == "method"} for pid, e in found.items()}


@pytest.mark.parametrize(("plain", "variant"), NAME_PAIRS)
def test_name_variants_are_one_method(gazetteer, plain: str, variant: str):
    assert entity_key(plain) == entity_key(variant)
    papers = [
        Paper(id="p1", title="Paper One", abstract=f"We fine-tune {plain} on our data."),
        Paper(id="p2", title="Paper Two", abstract=f"We fine-tune {variant} on our data."),
    ]
    methods = _methods(papers, gazetteer)
    assert methods["p1"] == methods["p2"] == {gazetteer.key_of(plain)}


def test_a_name_the_corpus_introduces_matches_its_variants(gazetteer):
    papers = [
        Paper(id="p1", title="ZorbNet: Folding Small Proteins", abstract="We fold proteins."),
        Paper(
            id="p2",
            title="Faster Folding",
            abstract="We compare with \uff3a\uff4f\uff52\uff42\u00ad\uff2e\uff45\uff54 on CASP15.",
        ),
    ]
    methods = _methods(papers, gazetteer)
    assert methods["p1"] == {"zorbnet"} and "zorbnet" in methods["p2"]
    assert not any("zorb" in key and key != "zorbnet" for keys in methods.values() for key in keys)


def test_match_text_keeps_case_and_plain_text():
    text = "We use BERT, e.g. for QA \u2014 and more."
    assert match_text(text) is text or match_text(text) == text
    assert match_text("\uff22\uff25\uff32\uff34 \ufb01ne Ro\u200bBERTa") == "BERT fine RoBERTa"
