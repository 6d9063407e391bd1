"""One paper, one node: merging records that name the same paper."""

from __future__ import annotations

from paperkg.graph import fold, merge_records, title_key
from paperkg.loaders import PaperRecord


def rec(title: str, abstract: str = "Some abstract.", path: str = "a.txt", line: int = 1, **kw):
    return PaperRecord(title=title, abstract=abstract, path=path, line=line, **kw)


def test_fold_ignores_case_space_and_punctuation():
    assert fold("Low-Rank  Adaptation, Revisited.") == fold("low rank adaptation revisited")
    assert fold("\uff26\uff55\uff4c\uff4c\u00a0width\u200b") == "full width"


def test_same_title_in_two_files_is_one_paper_with_both_sources():
    papers = merge_records(
        [
            rec("Sparse Experts for Tiny Robots", "Short.", "a.txt", 11),
            rec("sparse experts for tiny robots.", "A longer abstract wins.", "b.txt", 7),
            rec("Something Else", path="b.txt", line=11),
        ]
    )
    assert len(papers) == 2
    merged = next(p for p in papers if p.title == "Sparse Experts for Tiny Robots")
    assert merged.sources == ["a.txt:11", "b.txt:7"]
    assert merged.abstract == "A longer abstract wins."
    assert merged.id == f"title:{title_key('Sparse Experts for Tiny Robots')}"


def test_arxiv_id_joins_records_with_different_titles_and_becomes_the_id():
    papers = merge_records(
        [
            rec("Version One Title", arxiv_id="2403.01234"),
            rec("A Renamed Title", arxiv_id="2403.01234", path="b.txt"),
        ]
    )
    assert [p.id for p in papers] == ["arxiv:2403.01234"]


def test_ids_are_stable_and_sorted():
    first = merge_records([rec("B paper"), rec("A paper")])
    again = merge_records([rec("A paper"), rec("B paper")])
    assert [p.id for p in first] == [p.id for p in again] == sorted(p.id for p in first)
