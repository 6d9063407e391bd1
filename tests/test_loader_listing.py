"""The listing-page loader on fixture text written by the project."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from paperkg.errors import InputError
from paperkg.loaders import detect_format, hf_listing, load_sources

LISTING = Path(__file__).parent / "data" / "listing"
HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n"
)


def records(path: Path):
    return load_sources([path]).records


def test_basic_skips_headers_and_reads_pairs_with_their_lines():
    found = records(LISTING / "basic.txt")
    assert [r.line for r in found] == [11, 15, 19]
    assert all(r.listed == "Mar 5" and r.published is None for r in found)
    assert all(r.path.endswith("basic.txt") for r in found)
    assert found[2].abstract.endswith("https://github.com/example-lab/rare-qa.")
    assert not any(r.title in {"new", "Subscribe"} for r in found)


def test_crlf_bom_and_trailing_spaces_are_handled():
    raw = (LISTING / "crlf_bom.txt").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw
    found = records(LISTING / "crlf_bom.txt")
    assert [r.line for r in found] == [12, 18, 23]
    assert found[1].title == "Noise-Aware Beam Search for Speech Recognition"
    for r in found:
        assert r.listed == "Mar 5"
        assert "\r" not in r.title + r.abstract
        assert r.title == r.title.strip() and r.abstract == r.abstract.strip()


def test_bom_right_before_the_date_line_is_dropped(tmp_path: Path):
    page = tmp_path / "bom.txt"
    page.write_bytes(codecs.BOM_UTF8 + b"Apr 2\r\n\r\nA Title\r\n\r\nAn abstract.\r\n")
    (found,) = records(page)
    assert (found.listed, found.title, found.abstract, found.line) == (
        "Apr 2",
        "A Title",
        "An abstract.",
        3,
    )


def test_no_header_lines():
    found = records(LISTING / "no_header.txt")
    assert [r.line for r in found] == [3, 7]
    assert {r.listed for r in found} == {"Apr 1"}


def test_dangling_title_is_an_error_at_its_line():
    with pytest.raises(InputError) as caught:
        records(LISTING / "dangling_title.txt")
    assert caught.value.line == 19
    assert str(caught.value).startswith(f"{LISTING / 'dangling_title.txt'}:19: ")


def test_not_a_listing_page_names_file_and_line():
    path = LISTING / "not_listing.txt"
    with pytest.raises(InputError) as caught:
        detect_format(path.read_text(encoding="utf-8"), str(path))
    assert caught.value.path == str(path)
    assert caught.value.line == 3
    assert "not a papers listing page" in str(caught.value)
    assert not hf_listing.sniff(path.read_text(encoding="utf-8"))


def test_full_dates_are_parsed_and_several_days_per_page(tmp_path: Path):
    page = tmp_path / "days.txt"
    page.write_text(HEADER + "Mar 3, 2026\n\nFirst\n\nOne.\n\n2026-03-04\n\nSecond\n\nTwo.\n")
    first, second = records(page)
    assert (first.listed, first.listed_on) == ("Mar 3, 2026", date(2026, 3, 3))
    assert (second.listed, second.listed_on, second.line) == ("2026-03-04", date(2026, 3, 4), 17)


def test_an_abstract_in_a_title_place_is_reported_at_its_line(tmp_path: Path):
    page = tmp_path / "shifted.txt"
    page.write_text(HEADER + "Mar 3\n\nA title\n\nAn abstract.\n\n" + "x" * 900 + "\n\nT\n\nA.\n")
    with pytest.raises(InputError, match=r"shifted\.txt:15: expected a title line"):
        records(page)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"Mar 3\n\nTitle\n\nAbs\x00tract\n", 5, "binary file"),
        (b"Mar 3\n\nTitle\n\nCaf\xe9 au lait\n", 5, "not UTF-8"),
        (b"", 1, "empty file"),
        (b"\n\n  \n", 1, "empty file"),
        (HEADER.encode() + b"Mar 3\n", None, "no papers found"),
    ],
)
def test_bad_files_name_file_and_line(
    tmp_path: Path, content: bytes, line: int | None, message: str
):
    page = tmp_path / "bad.txt"
    page.write_bytes(content)
    with pytest.raises(InputError) as caught:
        records(page)
    assert caught.value.path == str(page)
    assert caught.value.line == line
    assert message in str(caught.value)


def test_folders_are_searched_recursively_for_input_files_only(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "b" / "day.txt").write_text(HEADER + "Mar 3\n\nT\n\nA.\n")
    (tmp_path / "notes.md").write_text("# not an input\n")
    (tmp_path / ".hidden" / "x.txt").write_text("garbage that would not parse")
    loaded = load_sources([tmp_path])
    assert [Path(f.path).name for f in loaded.files] == ["day.txt"]
    assert loaded.files[0].format == "hf-listing" and len(loaded.files[0].sha256) == 64


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "no such file or folder"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "folder holds no input files"),
        (lambda p: (p / "dead.txt").symlink_to(p / "gone") or p / "dead.txt", "cannot read"),
    ],
)
def test_missing_empty_and_unreadable_sources(tmp_path: Path, make, message: str):
    target = make(tmp_path)
    with pytest.raises(InputError, match=message) as caught:
        load_sources([target])
    assert caught.value.path == str(target)


def test_forced_unknown_format_is_an_error():
    with pytest.raises(InputError, match="unknown format 'csv'"):
        load_sources([LISTING / "basic.txt"], fmt="csv")
