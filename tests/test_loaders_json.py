"""Hugging Face daily-papers JSON and arXiv metadata JSON lines, on fixtures of our own text."""

from __future__ import annotations

import inspect
import json
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from conftest import DATA
from paperkg.errors import InputError
from paperkg.graph import merge_records
from paperkg.loaders import load_sources
from paperkg.loaders.arxiv_jsonl import read as read_arxiv

FORMATS = DATA / "formats"


def test_hf_daily_json_records():
    loaded = load_sources([FORMATS / "hf_daily.json"])
    assert [f.format for f in loaded.files] == ["hf-daily"]
    first, second, third = loaded.records
    assert (first.arxiv_id, first.published, first.line) == ("2603.01001", date(2026, 3, 2), 0)
    assert first.authors == ("Ada Quill", "Bo Ren")
    assert first.repos == ("https://github.com/routelet/routelet",)
    assert first.keywords == ("speech recognition", "mixture of experts")
    assert "\n" not in first.abstract and first.abstract.startswith("We propose RouteLet")
    assert second.repos == () and third.authors == ()


def test_arxiv_jsonl_records_fold_whitespace_and_versions():
    loaded = load_sources([FORMATS / "arxiv.jsonl"])
    assert [f.format for f in loaded.files] == ["arxiv-jsonl"]
    first, second = loaded.records
    assert first.title == "Sparse Mixture Routing for Tiny Speech Models"
    assert (first.published, first.doi, first.line) == (
        date(2026, 3, 2),
        "10.5555/routelet.2026",
        1,
    )
    assert first.authors == ("Ada Quill", "Bo Ren") and first.keywords == ("cs.CL", "eess.AS")
    assert second.arxiv_id == "2603.02002" and second.line == 2


def test_same_paper_from_both_formats_is_one_node_with_its_repo(tmp_path: Path):
    records = load_sources([FORMATS / "hf_daily.json", FORMATS / "arxiv.jsonl"]).records
    papers = {p.id: p for p in merge_records(records)}
    routelet = papers["arxiv:2603.01001"]
    assert len(routelet.sources) == 2 and routelet.doi == "10.5555/routelet.2026"
    assert routelet.repos == ["https://github.com/routelet/routelet"]
    assert len(papers) == 4


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        (
            "bad.jsonl",
            '{"id": "1", "abstract": "x", "update_date": "2026-01-01", "title": "T"}\n{not json\n',
            "not a JSON object",
            2,
        ),
        (
            "bad.jsonl",
            '{"id": "1", "abstract": "x", "update_date": "2026-01-01", "title": "T"}\n'
            '{"id": "2", "abstract": "x", "update_date": "2026-01-01", "title": 42}\n',
            "field 'title' must be a non-empty string, got a int",
            2,
        ),
        (
            "bad.jsonl",
            '{"id": "1", "abstract": "x", "update_date": "2026-01-01", "title": "T"}\n[1, 2]\n',
            "expected a JSON object per line",
            2,
        ),
        (
            "bad.json",
            '[{"paper": {"id": "1", "title": "T", "summary": "S"}}, {"nope": 1}]',
            "entry [1]: expected an object with a 'paper' object",
            None,
        ),
        (
            "bad.json",
            '[{"paper": {"id": "1", "title": "", "summary": "S"}}]',
            "entry [0]: field 'title' must be a non-empty string",
            None,
        ),
        ("other.json", '{"name": "a config file", "items": []}', "JSON, but not a format", 1),
    ],
)
def test_broken_records_name_file_and_record(tmp_path: Path, name, content, message, line):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources([path])
    assert caught.value.path == str(path) and caught.value.line == line
    assert message in str(caught.value)


@pytest.mark.slow
def test_arxiv_jsonl_streams_200k_lines_in_bounded_memory(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number in range(200_000):
            handle.write(
                json.dumps(
                    {
                        "id": f"2601.{number:05d}",
                        "title": f"Generated paper {number}",
                        "abstract": "A generated abstract about sparse models. " * 8,
                        "categories": "cs.LG",
                        "update_date": "2026-01-02",
                        "authors_parsed": [["Doe", "Jan", ""]],
                    }
                )
                + "\n"
            )
    assert inspect.isgeneratorfunction(read_arxiv)
    tracemalloc.start()
    count = sum(1 for _record in read_arxiv(path))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 200_000
    assert path.stat().st_size > 60_000_000
    assert peak < 5_000_000, f"peak traced memory {peak} bytes: the loader is not streaming"


def test_category_and_date_filters_keep_only_what_is_asked():
    from paperkg.loaders import RecordFilter

    path = FORMATS / "arxiv.jsonl"
    by_category = load_sources([path], keep=RecordFilter(categories=("cs.CL",))).records
    assert [r.arxiv_id for r in by_category] == ["2603.01001"]
    by_archive = load_sources([path], keep=RecordFilter(categories=("q-bio",))).records
    assert [r.arxiv_id for r in by_archive] == ["2603.02002"]
    by_date = load_sources([path], keep=RecordFilter(since=date(2026, 3, 3))).records
    assert [r.arxiv_id for r in by_date] == ["2603.02002"]
    both = RecordFilter(categories=("cs",), until=date(2026, 3, 2))
    assert [r.arxiv_id for r in load_sources([path], keep=both).records] == ["2603.01001"]
    with pytest.raises(InputError, match="no papers match --category/--since/--until"):
        load_sources([path], keep=RecordFilter(categories=("math.AG",)))


@pytest.mark.model
def test_cli_build_with_filters(tmp_path: Path):
    from click.testing import CliRunner

    from paperkg.cli import main

    out = tmp_path / "kg"
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(FORMATS / "arxiv.jsonl"),
            "--out",
            str(out),
            "--category",
            "cs.LG",
            "--since",
            "2026-03-01",
            "-k",
            "1",
            "--json",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["papers"] == 1
    bad = CliRunner().invoke(
        main,
        ["build", str(FORMATS / "arxiv.jsonl"), "--out", str(tmp_path / "x"), "--since", "March"],
    )
    assert bad.exit_code == 2 and "--since" in bad.output
