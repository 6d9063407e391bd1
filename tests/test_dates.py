"""Dates as data: every paper dated, listing pages without a year completed from the arXiv
id, --year or the file's date, the manifest saying which, and Neo4j holding ``date``s."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import run
from paperkg.errors import ParameterError
from paperkg.graph.papers import (
    DATE_FROM_LISTING,
    DATE_FROM_SOURCE,
    DATE_YEAR_ONLY,
    date_sources,
    merge_records,
)
from paperkg.graph.search.filters import paper_date
from paperkg.loaders import load_sources
from paperkg.loaders.listing_dates import (
    FROM_ARXIV,
    FROM_FILE,
    FROM_OPTION,
    check_year,
    date_in_year,
    year_from_arxiv,
)
from paperkg.loaders.records import PaperRecord
from paperkg.pipeline import BuildOptions, build

HEADER = "new\n\nSubscribe\n\n"


def page(folder: Path, name: str, day: str, titles: list[str], saved: str | None = None) -> Path:
    """A listing page of ``titles`` under the date line ``day``, saved on ``saved``."""
    body = "".join(
        f"{title}\n\nWe study {title.lower()} with a small model and report results.\n\n"
        for title in titles
    )
    path = folder / name
    path.write_text(f"{HEADER}{day}\n\n{body}", "utf-8")
    if saved is not None:
        stamp = datetime.fromisoformat(saved).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def test_month_and_day_in_a_year():
    assert date_in_year("Mar 17", 2026) == date(2026, 3, 17)
    assert date_in_year("September 3", 2025) == date(2025, 9, 3)
    assert date_in_year("Feb 29", 2024) == date(2024, 2, 29)
    assert date_in_year("Feb 29", 2025) is None  # no such day: no date, not a guess
    assert date_in_year("Smarch 3", 2025) is None


def test_arxiv_id_gives_the_year_and_a_january_listing_of_a_december_id_is_the_next_year():
    assert year_from_arxiv("Mar 17", "2403.01234") == date(2024, 3, 17)
    assert year_from_arxiv("Mar 19", "2403.01234v2") == date(2024, 3, 19)
    assert year_from_arxiv("Jan 3", "2412.09999") == date(2025, 1, 3)
    assert year_from_arxiv("Mar 17", "hep-th/9901001") is None


def test_year_option_out_of_range_is_refused_naming_it():
    assert check_year(2026) == 2026
    with pytest.raises(ParameterError, match="year must be between"):
        check_year(26)


def test_file_date_gives_the_year_and_a_late_december_page_saved_in_january_is_last_year(
    tmp_path: Path,
):
    spring = page(tmp_path, "a.txt", "Mar 17", ["Alpha"], saved="2026-04-01T12:00:00")
    winter = page(tmp_path, "b.txt", "Dec 30", ["Beta"], saved="2027-01-02T12:00:00")
    first, second = load_sources([spring, winter]).records
    assert (first.listed, first.listed_on, first.date_note) == (
        "Mar 17",
        date(2026, 3, 17),
        FROM_FILE,
    )
    assert (second.listed_on, second.date_note) == (date(2026, 12, 30), FROM_FILE)
    leap = page(tmp_path, "c.txt", "Feb 29", ["Gamma"], saved="2025-06-01T12:00:00")
    (third,) = load_sources([leap]).records
    assert third.listed_on == date(2024, 2, 29)  # the last Feb 29 before the file's date
    assert first.published is None  # a listing day is not a publication date


def test_year_option_wins_over_the_file_date(tmp_path: Path):
    path = page(tmp_path, "a.txt", "Aug 8", ["Alpha"], saved="2026-12-01T12:00:00")
    (record,) = load_sources([path], year=2024).records
    assert (record.listed_on, record.date_note) == (date(2024, 8, 8), FROM_OPTION)


def test_a_page_printing_its_year_needs_no_inference(tmp_path: Path):
    path = page(tmp_path, "a.txt", "Mar 3, 2025", ["Alpha"], saved="2026-12-01T12:00:00")
    (record,) = load_sources([path], year=2020).records
    assert (record.listed_on, record.date_note) == (date(2025, 3, 3), None)


def test_merged_paper_takes_the_source_date_else_the_first_listing_and_says_which():
    listed = PaperRecord(
        "Gamma",
        "Text.",
        "a.txt",
        3,
        listed="Jan 3",
        listed_on=date(2026, 1, 3),
        date_note=FROM_FILE,
    )
    relisted = PaperRecord(
        "Gamma",
        "Text.",
        "b.txt",
        3,
        listed="Jan 5",
        listed_on=date(2026, 1, 5),
        date_note=FROM_FILE,
    )
    with_id = PaperRecord("Gamma", "Text.", "c.json", 1, arxiv_id="2412.00001")
    (paper,) = merge_records([listed, relisted, with_id])
    # The arXiv id (December 2024) decides the year over the file's: January 2025.
    assert paper.published == date(2025, 1, 3)
    assert paper.listed_dates == [date(2025, 1, 3), date(2025, 1, 5)]
    assert paper.date_basis == f"{DATE_FROM_LISTING}, {FROM_ARXIV}"

    sourced = PaperRecord("Gamma", "Text.", "d.json", 1, published=date(2024, 12, 20))
    (paper,) = merge_records([listed, sourced])
    assert (paper.published, paper.date_basis) == (date(2024, 12, 20), DATE_FROM_SOURCE)
    assert paper.listed_dates == [date(2026, 1, 3)]

    (undated,) = merge_records([PaperRecord("Delta", "Text.", "e.txt", 1, listed="Someday")])
    assert (undated.published, undated.listed_dates, undated.date_basis) == (None, [], None)


def test_hf_daily_json_keeps_the_listing_day_apart_from_the_arxiv_date(tmp_path: Path):
    entry = {
        "publishedAt": "2026-03-05T09:00:00.000Z",
        "paper": {
            "id": "2603.00042",
            "title": "Epsilon",
            "summary": "Text.",
            "publishedAt": "2026-03-03T17:00:00.000Z",
        },
    }
    path = tmp_path / "daily.json"
    path.write_text(json.dumps([entry]), "utf-8")
    (record,) = load_sources([path]).records
    assert (record.published, record.listed_on) == (date(2026, 3, 3), date(2026, 3, 5))


def test_build_dates_every_paper_records_how_in_the_manifest_and_warns(tmp_path: Path, embedder):
    monday = page(tmp_path, "mon.txt", "Apr 6", ["Alpha", "Beta"], saved="2026-04-06T20:00:00")
    tuesday = page(tmp_path, "tue.txt", "Apr 7", ["Gamma"], saved="2026-04-07T20:00:00")
    out = tmp_path / "kg"
    report = build([monday, tuesday], out, embedder=embedder)
    assert any("took the year of the file's date" in w and "--year" in w for w in report.warnings)
    graph = json.loads((out / "graph.json").read_text())
    papers = {n["title"]: n for n in graph["nodes"] if n.get("type") == "Paper"}
    assert {t: (n["published"], n["listed_dates"]) for t, n in papers.items()} == {
        "Alpha": ("2026-04-06", ["2026-04-06"]),
        "Beta": ("2026-04-06", ["2026-04-06"]),
        "Gamma": ("2026-04-07", ["2026-04-07"]),
    }
    assert paper_date(papers["Gamma"]) == date(2026, 4, 7)
    dates = json.loads((out / "manifest.json").read_text())["dates"]
    assert dates["basis"] == {f"{DATE_FROM_LISTING}, {FROM_FILE}": 3}
    assert [
        (d["input"], d["listed"], d["date"], d["how"], d["papers"]) for d in dates["inferred"]
    ] == [
        (str(monday), "Apr 6", "2026-04-06", FROM_FILE, 2),
        (str(tuesday), "Apr 7", "2026-04-07", FROM_FILE, 1),
    ]

    shown = run("stats", "--out", out)
    assert shown.exit_code == 0 and "papers dated by listing, year from file date" in shown.output

    again = build([monday], out, BuildOptions(year=2025), embedder=embedder)
    assert not again.warnings
    graph = json.loads((out / "graph.json").read_text())
    published = {n["title"]: n["published"] for n in graph["nodes"] if n.get("type") == "Paper"}
    assert published == {"Alpha": "2025-04-06", "Beta": "2025-04-06", "Gamma": "2026-04-07"}


def test_cli_refuses_a_bad_year_in_one_line_and_writes_nothing(tmp_path: Path):
    path = page(tmp_path, "a.txt", "Mar 17", ["Alpha"])
    result = run("build", path, "--out", tmp_path / "kg", "--year", "99")
    assert result.exit_code != 0
    assert "year must be between" in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "kg").exists()


def test_a_snapshot_built_before_dates_were_completed_gets_them_on_the_next_build(
    tmp_path: Path, embedder
):
    monday = page(tmp_path, "mon.txt", "Apr 6", ["Alpha", "Beta"], saved="2026-04-06T20:00:00")
    tuesday = page(tmp_path, "tue.txt", "Apr 7", ["Gamma"], saved="2026-04-07T20:00:00")
    out = tmp_path / "kg"
    build([monday], out, embedder=embedder)
    # What an older paperkg kept: the listing text, no listing date.
    records = out / "records.jsonl.gz"
    lines = [json.loads(line) for line in gzip.decompress(records.read_bytes()).splitlines()]
    for line in lines:
        line["record"].pop("listed_on")
        line["record"].pop("date_note")
    records.write_bytes(gzip.compress(b"\n".join(json.dumps(x).encode() for x in lines) + b"\n"))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["records.jsonl.gz"] = {
        "sha256": hashlib.sha256(records.read_bytes()).hexdigest(),
        "bytes": records.stat().st_size,
    }
    (out / "manifest.json").write_text(json.dumps(manifest))

    report = build([tuesday], out, embedder=embedder)
    graph = json.loads((out / "graph.json").read_text())
    published = {n["title"]: n["published"] for n in graph["nodes"] if n.get("type") == "Paper"}
    assert published == {"Alpha": "2026-04-06", "Beta": "2026-04-06", "Gamma": "2026-04-07"}
    assert any("in 2 files" in w for w in report.warnings), report.warnings


def test_the_manifest_says_when_an_arxiv_id_decided_the_year():
    listed = PaperRecord(
        "Gamma",
        "Text.",
        "a.txt",
        3,
        listed="Jan 3",
        listed_on=date(2026, 1, 3),
        date_note=FROM_FILE,
    )
    other = PaperRecord(
        "Delta",
        "Text.",
        "a.txt",
        5,
        listed="Jan 3",
        listed_on=date(2026, 1, 3),
        date_note=FROM_FILE,
    )
    with_id = PaperRecord("Gamma", "Text.", "c.json", 1, arxiv_id="2412.00001")
    records = [listed, other, with_id]
    found = date_sources(merge_records(records), records)
    assert [(d.input, d.date, d.how, d.papers) for d in found.inferred] == [
        ("a.txt", "2025-01-03", FROM_ARXIV, 1),
        ("a.txt", "2026-01-03", FROM_FILE, 1),
    ]
    assert found.basis == {
        f"{DATE_FROM_LISTING}, {FROM_ARXIV}": 1,
        f"{DATE_FROM_LISTING}, {FROM_FILE}": 1,
    }


def test_a_year_alone_yields_to_a_listing_day(tmp_path: Path):
    s2 = tmp_path / "s2.json"
    s2.write_text(json.dumps([{"paperId": "abc", "title": "Gamma", "year": 2026}]), "utf-8")
    listing = page(tmp_path, "a.txt", "Apr 7, 2026", ["Gamma"])
    records = load_sources([s2, listing]).records
    (paper,) = merge_records(records)
    assert (paper.published, paper.date_basis) == (date(2026, 4, 7), DATE_FROM_LISTING)
    (alone,) = merge_records(load_sources([s2]).records)
    assert (alone.published, alone.date_basis) == (date(2026, 1, 1), DATE_YEAR_ONLY)
