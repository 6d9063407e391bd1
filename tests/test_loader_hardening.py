"""Regression tests for the loader crashes the fuzz tests (tests/test_fuzz.py) found: each
input once raised something other than a ``PaperkgError`` naming the file, hung, or took
memory out of all proportion to the file."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from paperkg.errors import InputError
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.loaders import FORMATS, load_sources
from paperkg.loaders.json_fields import clean_text, optional_date

HUGE_INT = "9" * 5000  # Python's json refuses integers over 4300 digits (ValueError)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _s2(**fields) -> dict:
    return {"paperId": "aaa111", "title": "A Title", "abstract": "Some text.", **fields}


def _arxiv(**fields) -> dict:
    return {
        "id": "2603.00001",
        "title": "T",
        "abstract": "A.",
        "update_date": "2026-03-02",
        **fields,
    }


def _daily(**fields) -> dict:
    return {"paper": {"id": "2603.00001", "title": "T", "summary": "S.", **fields}}


# --- integers too long for Python's json (ValueError) -------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("s2.json", '[\n{"paperId": "a", "title": "T", "year": ' + HUGE_INT + "}\n]", 2),
        ("s2.jsonl", json.dumps(_s2()) + '\n{"paperId": "b", "year": ' + HUGE_INT + "}\n", 2),
        ("daily.json", '[{"paper": {"id": "1", "title": "T", "summary": "S", "x": -' + HUGE_INT, 1),
        ("arxiv.jsonl", json.dumps(_arxiv()) + '\n{"id": "2", "abstract": ' + HUGE_INT + "}", 2),
        (
            "pwc.json",
            '[{"paper_url": "https://paperswithcode.com/paper/x", "url_abs": 1' + HUGE_INT,
            1,
        ),
    ],
)
def test_integers_too_long_to_read_are_an_input_error(tmp_path: Path, name, text, line):
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError, match="digits") as caught:
        load_sources([path])
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_integers_too_long_for_every_forced_format(tmp_path: Path):
    path = _write(tmp_path, "n.json", "[" + HUGE_INT + "]")
    for fmt in FORMATS:
        if fmt in ("hf-listing", "arxiv-jsonl"):
            continue  # not JSON documents: they fail on the shape, not the number
        with pytest.raises(InputError, match=r"n\.json:1: a number with more than 4300 digits"):
            load_sources([path], fmt=fmt)


# --- nesting deeper than Python's json can parse (RecursionError) -------------------------


@pytest.mark.parametrize("fmt", [None, *FORMATS])
def test_deep_nesting_is_an_input_error_for_every_format(tmp_path: Path, fmt):
    path = _write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError) as caught:
        load_sources([path], fmt=fmt)
    assert caught.value.path == str(path) and caught.value.line == 1
    if fmt not in ("hf-listing", None):  # detection calls it JSON of no known format
        assert "too deep" in str(caught.value) or "longer than" in str(caught.value)


def test_deep_nesting_names_its_line(tmp_path: Path):
    deep = "[" * 5000 + "]" * 5000
    path = _write(tmp_path, "s2.json", '[\n{"paperId": "a",\n "title": "T",\n "x": ' + deep + "}]")
    with pytest.raises(InputError, match=r"s2\.json:4: JSON nested 5002 levels deep"):
        load_sources([path])
    lines = tmp_path / "a.jsonl"
    lines.write_text(json.dumps(_arxiv()) + "\n" + json.dumps(_arxiv())[:-1] + ', "x": ' + deep)
    with pytest.raises(InputError, match=r"a\.jsonl:2: JSON nested"):
        load_sources([lines])


# --- fields of the wrong type --------------------------------------------------------------


@pytest.mark.parametrize("value", [True, 5, 1.5])
def test_author_and_reference_lists_of_the_wrong_type_are_ignored(tmp_path: Path, value):
    """``for a in x.get("authors") or []`` raised TypeError on a truthy non-list."""
    daily = _write(tmp_path, "d.json", json.dumps([_daily(authors=value)]))
    s2 = _write(tmp_path, "s.json", json.dumps([_s2(authors=value)]))
    work = {
        "id": "https://openalex.org/W1",
        "display_name": "T",
        "authorships": value,
        "referenced_works": value,
    }
    openalex = _write(tmp_path, "o.json", json.dumps({"results": [work]}))
    for path in (daily, s2, openalex):
        (record,) = load_sources([path]).records
        assert record.authors == () and record.references == ()


def test_a_reference_list_given_as_a_string_is_not_read_letter_by_letter(tmp_path: Path):
    work = {"id": "https://openalex.org/W1", "display_name": "T", "referenced_works": "W2"}
    path = _write(tmp_path, "o.json", json.dumps([work]))
    assert load_sources([path]).records[0].references == ()


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 1 Jan 100000000000000000000 00:00:00 GMT",  # year: OverflowError
        "Mon, 1 Jan 2020 00:00:00 +99999999999999999999",  # zone offset: OverflowError
        "Mon, 1 Jan 2020 00:00:00 +9999",  # zone offset over a day: ValueError
        "x " * 100_000,  # not a date, and splitting it all would cost
    ],
)
def test_dates_out_of_range_are_no_date(tmp_path: Path, text):
    assert optional_date(text) is None
    path = _write(tmp_path, "d.json", json.dumps([_daily(publishedAt=text)]))
    assert load_sources([path]).records[0].published is None
    versions = [{"version": "v1", "created": text}]
    path = _write(tmp_path, "a.jsonl", json.dumps(_arxiv(versions=versions)))
    (record,) = load_sources([path], fmt="arxiv-jsonl").records
    assert record.published == date(2026, 3, 2)  # from update_date


# --- strings that are not Unicode ------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83d x"])
def test_lone_surrogate_escapes_are_an_input_error(tmp_path: Path, escape):
    """json accepts ``"\\ud800"``; the record then failed when the snapshot was written."""
    path = _write(tmp_path, "s.json", '[\n{"paperId": "a",\n "title": "T' + escape + '"}]')
    with pytest.raises(InputError, match=r"s\.json:3: \\ud[89a-f][0-9a-f]{2} is half of a UTF-16"):
        load_sources([path])
    path = _write(
        tmp_path, "a.jsonl", json.dumps(_arxiv()) + '\n{"id": "2", "x": "' + escape + '"}'
    )
    with pytest.raises(InputError, match=r"a\.jsonl:2: .*surrogate"):
        load_sources([path])


def test_surrogate_pairs_and_escaped_backslashes_are_fine(tmp_path: Path):
    path = _write(tmp_path, "s.json", '[{"paperId": "a", "title": "T \\ud83d\\ude00 \\\\ud800"}]')
    assert load_sources([path]).records[0].title == "T \U0001f600 \\ud800"


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        (
            "utf-16",
            r"UTF-16 text \(it starts with a UTF-16 byte-order mark\); save the file as UTF-8",
        ),
        ("utf-32", "UTF-32 text"),
        ("utf-16-le", r"binary file \(NUL byte at offset 1\) or UTF-16/UTF-32 text"),
        ("latin-1", r"not UTF-8 text \(byte 0xe9 at offset 30\); save the file as UTF-8"),
    ],
)
def test_other_encodings_are_named(tmp_path: Path, encoding, message):
    path = tmp_path / "page.txt"
    path.write_bytes("Mar 5\n\nA title\nAn abstract caf\u00e9.\n".encode(encoding))
    with pytest.raises(InputError, match=rf"page\.txt:\d+: {message}"):
        load_sources([path])


# --- Papers with Code ---------------------------------------------------------------------


def test_arxiv_id_from_a_pathological_url_is_quick(tmp_path: Path):
    """The arXiv-URL regular expression was quadratic: 112 KB of this took a minute."""
    entry = {
        "paper_url": "https://paperswithcode.com/paper/x",
        "title": "T",
        "url_abs": "arxiv.org/abs/" * 8000 + " x",
    }
    path = _write(tmp_path, "p.json", json.dumps([entry]))
    started = time.perf_counter()
    (record,) = load_sources([path], fmt="pwc-papers").records
    assert record.arxiv_id is None and time.perf_counter() - started < 2
    entry["url_abs"] = "http://arxiv.org/pdf/2603.01001V2.pdf"
    path.write_text(json.dumps([entry]))
    assert load_sources([path], fmt="pwc-papers").records[0].arxiv_id == "2603.01001"


# --- the gazetteer ---------------------------------------------------------------------------


def _gazetteer(tmp_path: Path, *entries: dict, raw: str | None = None) -> Path:
    return _write(
        tmp_path, "mine.json", raw if raw is not None else json.dumps({"entries": entries})
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        # A long name compiled into a regular expression too deep: RecursionError.
        ({"name": "a b " * 300, "kind": "method"}, "longer than 200 characters"),
        ({"name": "X", "kind": "method", "aliases": ["y" * 3000]}, "longer than 200 characters"),
        # A string was taken as true.
        ({"name": "X", "kind": "method", "case_sensitive": "no"}, "must be true or false"),
        # The name was printed as is: a line break split the message.
        ({"name": "Two\nLines", "kind": "gadget"}, r"entries\[0\] \(Two Lines\): \"kind\""),
    ],
)
def test_bad_gazetteer_entries_are_input_errors(tmp_path: Path, entry, message):
    path = _gazetteer(tmp_path, entry)
    with pytest.raises(InputError, match=message) as caught:
        load_gazetteer([path])
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"entries": ' + "[" * 50_000, "too deep"),
        ('{"version": ' + HUGE_INT + ', "entries": []}', "4300 digits"),
        ('{"entries": [{"name": "\\udc00", "kind": "method"}]}', "surrogate"),
    ],
)
def test_gazetteer_json_beyond_the_parser_is_an_input_error(tmp_path: Path, raw, message):
    with pytest.raises(InputError, match=rf"mine\.json:1: .*{message}"):
        load_gazetteer([_gazetteer(tmp_path, raw=raw)])


def test_gazetteer_files_are_read_like_inputs(tmp_path: Path):
    """A BOM (was "Unexpected UTF-8 BOM") and gzip are fine; UTF-16 is named."""
    text = json.dumps({"entries": [{"name": "ZorbNet", "kind": "method"}]})
    path = tmp_path / "mine.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert "zorbnet" in load_gazetteer([path]).entries
    path.write_bytes(gzip.compress(text.encode()))
    assert "zorbnet" in load_gazetteer([path]).entries
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(InputError, match=r"mine\.json:1: UTF-16 text"):
        load_gazetteer([path])
    with pytest.raises(InputError, match=r"gone\.json: no such gazetteer file"):
        load_gazetteer([tmp_path / "gone.json"])


# --- size: one 50 MB line ---------------------------------------------------------------------

_MEASURE = """
import json, sys, time
from paperkg.errors import PaperkgError
from paperkg.loaders import FORMATS, load_sources
seconds = {}
for fmt in [None, *FORMATS]:
    started = time.perf_counter()
    try:
        load_sources([sys.argv[1]], fmt=fmt)
    except PaperkgError:
        pass
    seconds[str(fmt)] = time.perf_counter() - started
# VmHWM, not getrusage: Linux carries ru_maxrss over exec from the forking (big) pytest.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"seconds": seconds, "peak": int(status) * 1024}))
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "line",
    [
        # hf-daily JSON on one line, its summary 50 MB of words (each JSON reader sees it);
        # folding whitespace by splitting it at once took over 1 GB, and the arXiv reader
        # read the whole line before failing.
        lambda big: json.dumps([_daily(summary=big)]),
        # A listing page whose abstract line is 50 MB.
        lambda big: "Mar 5\n\nA title\n" + big,
    ],
    ids=["json", "listing"],
)
def test_a_50_mb_line_takes_seconds_and_bounded_memory(tmp_path: Path, line):
    """Detected and with every format forced, in a fresh process whose peak memory we read."""
    path = _write(tmp_path, "big.txt", line("word " * 10_000_000))
    size = path.stat().st_size
    assert size > 50_000_000
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    measured = json.loads(done.stdout)
    slow = {fmt: s for fmt, s in measured["seconds"].items() if s > 10}
    assert not slow, f"over 10 s: {slow}"
    # The file's bytes, its text, the parsed string, the folded one: a few times the size
    # (folding by splitting the whole summary at once took 25 times it).
    assert measured["peak"] < 8 * size, f"peak {measured['peak'] / 1e6:.0f} MB"


def test_arxiv_lines_are_capped_not_read_whole(tmp_path: Path):
    from paperkg.loaders.arxiv_jsonl import MAX_LINE_BYTES

    path = _write(tmp_path, "a.jsonl", json.dumps(_arxiv()) + "\n" + "x" * (MAX_LINE_BYTES + 5))
    with pytest.raises(InputError, match=r"a\.jsonl:2: line longer than 16 MiB"):
        load_sources([path], fmt="arxiv-jsonl")
    path.write_text(json.dumps(_arxiv(abstract="y" * (MAX_LINE_BYTES - 200))) + "\n")
    assert len(load_sources([path], fmt="arxiv-jsonl").records) == 1


def test_clean_text_folds_long_text_in_pieces_like_short_text():
    text = ("word \n\t" * 400_000) + "end  "
    assert clean_text(text) == " ".join(text.split())
    assert clean_text("a" * 3_000_000) == "a" * 3_000_000
