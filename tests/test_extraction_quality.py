"""Extraction quality on the project's hand-labelled set: the targets of the entity issue."""

from __future__ import annotations

from extraction_eval import evaluate


def test_extraction_meets_the_targets_on_the_labelled_set():
    scores, _differences = evaluate()
    assert scores["repos"].gold >= 35 and scores["methods"].gold >= 150
    assert scores["repos"].precision >= 0.98 and scores["repos"].recall >= 0.98
    for field in ("methods", "datasets"):
        assert scores[field].precision >= 0.85, (field, scores[field])
        assert scores[field].recall >= 0.70, (field, scores[field])
    assert scores["introduces"].precision >= 0.85 and scores["introduces"].recall >= 0.70
