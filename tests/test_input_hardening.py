"""Regression tests for the input attacks of issue 14 (items 6, 7, 10, 16, 17, 18): sources
that are not regular files, gzip bombs, evidence copied whole onto edges, titles that fold to
nothing, confusable titles, and a snapshot folder inside its own sources."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import LISTING, ROOT
from paperkg.errors import InputError
from paperkg.graph import fold, merge_records, read_snapshot, title_key
from paperkg.graph.extract.entities import extract_entities
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.snapshot.manifest import FORMAT, MANIFEST
from paperkg.graph.snapshot.read import DEFAULT_OUT
from paperkg.loaders import PaperRecord, expand_sources, load_sources, text_file
from paperkg.loaders import sources as sources_module
from paperkg.pipeline import BuildOptions, build

HEADER = "new\n\nSubscribe\n\nMar 5\n\n"
SMALL = BuildOptions(k=2, min_cluster_size=1)


def _listing(path: Path, pairs: list[tuple[str, str]]) -> Path:
    """A listing page of ``(title, abstract)`` pairs."""
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in pairs)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _papers(out: Path) -> dict[str, dict]:
    graph = read_snapshot(out).graph
    return {n: d for n, d in graph.nodes(data=True) if d.get("type") == "Paper"}


# --- item 6: only regular files are inputs ----------------------------------------------------

_LOAD = """
import sys
from paperkg.errors import PaperkgError
from paperkg.loaders import load_sources
try:
    load_sources(sys.argv[1:])
except PaperkgError as exc:
    print(exc)
    sys.exit(1)
print("loaded")
"""


def _load_in_child(*sources: object) -> subprocess.CompletedProcess:
    """``load_sources`` in a fresh process, so a source that blocks fails the test (timeout)
    instead of hanging the suite."""
    return subprocess.run(
        [sys.executable, "-c", _LOAD, *map(str, sources)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )


def test_a_fifo_fails_the_build_at_once_and_releases_the_lock(tmp_path: Path):
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    out = tmp_path / "kg"
    done = subprocess.run(
        [sys.executable, "-m", "paperkg", "build", str(fifo), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: {fifo}: not a regular file (a named pipe or FIFO); give a file or a folder "
        "(save piped output to a file first)"
    )
    assert not out.exists() and not (tmp_path / ".kg.lock").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_not_inputs(device: str):
    done = _load_in_child(device)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.strip() == (
        f"{device}: not a regular file (a character device); give a file or a folder"
    )


def test_process_substitution_is_named_not_read_as_an_empty_file(tmp_path: Path):
    """``paperkg build <(cat page.txt)`` names ``/dev/fd/N``, a pipe the checksum would drain."""
    script = f'"{sys.executable}" -c "$0" <(cat "{LISTING / "basic.txt"}")'
    done = subprocess.run(
        ["bash", "-c", script, _LOAD], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.fullmatch(
        r"/dev/fd/\d+: not a regular file \(a named pipe or FIFO\); give a file or a folder "
        r"\(save piped output to a file first\)",
        done.stdout.strip(),
    )


def test_a_fifo_as_a_gazetteer_fails_at_once(tmp_path: Path):
    fifo = tmp_path / "names.json"
    os.mkfifo(fifo)
    code = (
        "import sys\nfrom paperkg.errors import PaperkgError\n"
        "from paperkg.graph.extract.gazetteer import load_gazetteer\n"
        "try:\n    load_gazetteer([sys.argv[1]])\nexcept PaperkgError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == (
        f"{fifo}: not a regular file (a named pipe or FIFO); give a file (save piped output "
        "to a file first)"
    )


def test_links_to_regular_files_are_followed_and_fifos_in_folders_skipped(tmp_path: Path):
    link = tmp_path / "link.txt"
    link.symlink_to(LISTING / "basic.txt")
    assert len(load_sources([link]).records) == 3
    folder = tmp_path / "feeds"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "page.txt").symlink_to(LISTING / "basic.txt")
    assert [p.name for p in expand_sources([folder])] == ["page.txt"]


# --- item 7: gzip bombs -------------------------------------------------------------------------

_MEASURE = """
import json, sys
from paperkg.errors import PaperkgError
from paperkg.loaders import load_sources
from paperkg.loaders.text_file import read_head
error = None
head = len(read_head(__import__("pathlib").Path(sys.argv[1])))
try:
    load_sources([sys.argv[1]], fmt=sys.argv[2] or None)
except PaperkgError as exc:
    error = str(exc)
# VmHWM, not getrusage: Linux carries ru_maxrss over exec from the forking (big) pytest.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"error": error, "peak": int(status) * 1024, "head": head}))
"""


def _bomb(path: Path, head: bytes, unit: bytes, expanded: int, tail: bytes = b"") -> Path:
    """A gzip file of ``head``, ``unit`` repeated to about ``expanded`` bytes, ``tail``;
    written a block at a time so the test itself stays small."""
    block = unit * max(1, (1 << 20) // len(unit))
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(head)
        for _ in range(expanded // len(block)):
            handle.write(block)
        handle.write(tail)
    return path


def _measure(path: Path, fmt: str | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), fmt or ""],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(done.stdout)


@pytest.mark.slow
def test_a_one_megabyte_gzip_bomb_fails_in_bounded_memory(tmp_path: Path):
    """1 MB expanding to 1 GiB: once decompressed whole (2.2 GB peak), now stopped at 100 times
    its size with one line saying which limit and what to do."""
    head = b'[{"paper": {"id": "2603.00001", "title": "T", "summary": "'
    path = _bomb(tmp_path / "daily.json.gz", head, b"a", 1 << 30, b'"}}]')
    assert path.stat().st_size < 1_500_000
    measured = _measure(path)
    assert measured["head"] > 0  # format detection reads its 64 KiB head and no more
    assert measured["error"] == (
        f"{path}: gzip file expands to more than 100 times its size (a gzip bomb?); if you "
        "trust it, decompress it yourself (gunzip -k) and give the uncompressed file"
    )
    assert measured["peak"] < 300_000_000, f"peak {measured['peak'] / 1e6:.0f} MB"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [None, "arxiv-jsonl"])
def test_a_gzip_bomb_of_json_lines_stops_while_streaming(tmp_path: Path, fmt: str | None):
    """The arXiv reader streams: a bomb of one record repeated stops at the ratio limit rather
    than reading a million records."""
    record = {
        "id": "2603.00001",
        "title": "T",
        "abstract": "word " * 300,
        "update_date": "2026-03-02",
        "comments": "padding " * 1500,  # a field the reader ignores: records stay small
    }
    line = (json.dumps(record) + "\n").encode()
    path = _bomb(tmp_path / "arxiv.jsonl.gz", b"", line, 1 << 30)
    measured = _measure(path, fmt)
    assert measured["error"] is not None and "expands to more than 100 times" in measured["error"]
    assert measured["peak"] < 300_000_000, f"peak {measured['peak'] / 1e6:.0f} MB"


def test_gzip_inputs_read_whole_are_capped_in_size(tmp_path: Path, monkeypatch):
    """The limit on a file read whole (what available memory can parse), forced down to
    1 MiB to test it on a small file whose ratio is ordinary; a plain file alike."""
    monkeypatch.setattr(text_file, "whole_read_limit", lambda: 1 << 20)
    words = " ".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(20_000))
    entry = {"paper": {"id": "2603.00001", "title": "T", "summary": words}}
    path = tmp_path / "daily.json.gz"
    path.write_bytes(gzip.compress(json.dumps([entry]).encode()))
    advice = (
        "holds more than 1 MiB of text, the most the memory available now can parse read "
        "whole (about 5 times its size); split it into smaller files or build on a machine "
        "with more memory"
    )
    with pytest.raises(InputError) as caught:
        load_sources([path])
    assert str(caught.value) == f"{path}: gzip file {advice}"
    plain = tmp_path / "daily.json"
    plain.write_text(json.dumps([entry]))
    with pytest.raises(InputError) as caught:
        load_sources([plain])
    assert str(caught.value) == f"{plain}: file {advice}"


def test_the_whole_read_limit_follows_available_memory():
    """On this machine the limit admits real dumps (GBs), far above any bomb's ratio cap."""
    from paperkg.memory import available_bytes

    available = available_bytes()
    assert available is not None
    assert text_file.whole_read_limit() == available // text_file.READ_OVERHEAD


def test_small_gzip_files_of_any_ratio_still_read(tmp_path: Path):
    """Below 16 MiB expanded no ratio is suspicious: a highly repetitive page still loads."""
    text = HEADER + "".join(f"Title {i}\n\n{'same words ' * 2000}\n\n" for i in range(300))
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(text.encode(), 9))
    assert len(text) / path.stat().st_size > 100
    assert len(load_sources([path]).records) == 300


# --- item 10: evidence is a window around the mention -------------------------------------------


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_evidence_is_a_window_around_the_mention(gazetteer):
    left = " ".join(f"left{i}" for i in range(400))
    right = " ".join(f"right{i}" for i in range(400))
    sentence = f"{left} we fine-tune BERT with care {right}."
    found = extract_entities("Some Title", sentence, gazetteer)
    (bert,) = [m for m in found.mentions if m.name == "BERT"]
    evidence = bert.sentence
    assert len(evidence) <= 300 and "we fine-tune BERT with care" in evidence
    assert evidence.startswith("\u2026") and evidence.endswith("\u2026")
    words = evidence.strip("\u2026").split()
    assert all(word in sentence.split() for word in words)  # cut between words
    centre = evidence.index("BERT") + 2
    assert abs(centre - len(evidence) / 2) < 40


def test_short_evidence_sentences_are_kept_whole(gazetteer):
    sentence = "We fine-tune BERT on SQuAD and report exact match."
    found = extract_entities("Some Title", sentence, gazetteer)
    assert {m.sentence for m in found.mentions} == {sentence}


def test_a_megabyte_sentence_naming_forty_methods_gives_a_small_graph(tmp_path: Path, embedder):
    """40 papers introduce a method each; one abstract names all 40 in one 1 MB sentence: the
    sentence was copied onto 80 edges (81 MB of graph.json)."""
    names = [f"Quorv{a}{b}Net" for a in "ABCDEFGH" for b in "KLMNP"]
    pairs = [
        (f"{name}: Fast Folding of Toy Proteins {i}", f"Abstract {i}.")
        for i, name in enumerate(names)
    ]
    filler = " ".join(f"filler{i}" for i in range(120_000))
    big = f"We compare {', '.join(names)} and many more over {filler} in the end."
    assert len(big) > 1_000_000
    pairs.append(("A Survey That Compares Everything", big))
    out = tmp_path / "kg"
    build([_listing(tmp_path / "page.txt", pairs)], out, SMALL, embedder=embedder)
    graph = read_snapshot(out).graph
    evidence = [d["evidence"] for _u, _v, d in graph.edges(data=True) if "evidence" in d]
    assert len(evidence) >= 80 and max(map(len, evidence)) <= 300
    assert (out / "graph.json").stat().st_size < 3_000_000


# --- item 16: titles that fold to nothing ---------------------------------------------------------


def test_titles_that_fold_to_nothing_stay_separate_papers(tmp_path: Path, embedder):
    titles = ["???", "!!!", "\u2014", "\U0001f916\U0001f916", "A Real Title"]
    page = _listing(
        tmp_path / "a.txt", [(t, f"Abstract number {i}.") for i, t in enumerate(titles)]
    )
    again = _listing(tmp_path / "b.txt", [("???", "The same question-mark paper, longer.")])
    out = tmp_path / "kg"
    report = build([page, again], out, SMALL, embedder=embedder)
    papers = _papers(out)
    assert report.papers == len(papers) == 5
    assert sorted(d["title"] for d in papers.values()) == sorted(titles)
    raw = unicodedata.normalize("NFC", "???")
    question = f"title:{hashlib.sha1(raw.encode()).hexdigest()[:16]}"
    assert papers[question]["sources"] == [f"{page}:7", f"{again}:7"]


def test_a_title_folding_to_nothing_keeps_its_arxiv_id():
    records = [
        PaperRecord(title="???", abstract="A.", path="a.json", line=0, arxiv_id="2603.00001"),
        PaperRecord(title="???", abstract="B.", path="b.json", line=0, arxiv_id="2603.00002"),
    ]
    assert [p.id for p in merge_records(records)] == ["arxiv:2603.00001", "arxiv:2603.00002"]


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u2060\u00ad", "\ufeff \u200d"])
def test_a_title_of_only_invisible_characters_is_rejected(tmp_path: Path, title: str):
    page = _listing(tmp_path / "a.txt", [("Fine", "A."), (title, "B.")])
    with pytest.raises(InputError, match=r"a\.txt:11: the title line has no visible characters"):
        load_sources([page])
    daily = tmp_path / "d.json"
    daily.write_text(json.dumps([{"paper": {"id": "1", "title": title, "summary": "S."}}]))
    with pytest.raises(InputError, match=r"d\.json: entry \[0\]: field 'title' must be a non-"):
        load_sources([daily])


# --- item 17: confusable titles -----------------------------------------------------------------

LATIN = "Tiny Lanterns Need Quiet Harbours"
CYRILLIC = "Tiny Lanterns Need Quiet H\u0430rbours"  # U+0430 CYRILLIC SMALL LETTER A
GREEK = "Tiny Lanterns \u039deed Quiet Harbours"  # U+039D GREEK CAPITAL LETTER NU
CYRILLIC_CAPITAL = "Tiny \u0410nterns"  # U+0410 CYRILLIC CAPITAL LETTER A


def _old_fold(text: str) -> str:
    """The title fold before confusables were folded (NFKC, invisible characters dropped,
    casefold, punctuation to spaces), to prove ASCII titles keep their ids."""
    invisible = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
    text = unicodedata.normalize("NFKC", text).translate(invisible).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def test_confusable_variants_of_a_title_fold_alike():
    assert fold(LATIN) == fold(CYRILLIC) == fold(GREEK) == "tiny lanterns need quiet harbours"
    assert fold(CYRILLIC_CAPITAL) == fold("Tiny Anterns")
    assert title_key(LATIN) == title_key(CYRILLIC) == title_key(GREEK)


def test_confusable_variants_are_one_paper_in_a_build(tmp_path: Path, embedder):
    page = _listing(
        tmp_path / "a.txt",
        [
            (CYRILLIC, "First telling."),
            (LATIN, "Second telling."),
            (GREEK, "Third."),
            ("Other", "X."),
        ],
    )
    out = tmp_path / "kg"
    report = build([page], out, SMALL, embedder=embedder)
    papers = _papers(out)
    assert report.papers == len(papers) == 2
    merged = papers[f"title:{title_key(LATIN)}"]
    assert merged["title"] in (LATIN, CYRILLIC, GREEK) and len(merged["sources"]) == 3


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=80))
def test_ascii_titles_hash_exactly_as_before(title: str):
    assert fold(title) == _old_fold(title)
    if _old_fold(title):
        assert title_key(title) == hashlib.sha1(_old_fold(title).encode()).hexdigest()[:16]


def test_ascii_look_alikes_are_not_merged():
    """Only non-ASCII characters are folded to Latin: ASCII titles that differ stay apart."""
    assert (
        len({fold(t) for t in ["Model 1", "Model l", "Model I", "rnodel", "model", "A | B"]}) == 6
    )


def test_latin_letters_with_marks_are_not_look_alikes():
    """\u0141 and \u00f8 are letters of Polish and Danish, not disguises of L and o."""
    titles = ["\u0141\u00f3d\u017a Streets", "L\u00f3d\u017a Streets", "Lodz Streets"]
    assert len({fold(t) for t in titles}) == 3
    assert fold("S\u00f8ren Maps") != fold("Soren Maps")


def test_titles_in_greek_or_cyrillic_stay_distinct():
    greek = [
        "\u039d\u03b5\u03c5\u03c1\u03c9\u03bd\u03b9\u03ba\u03ac "
        "\u03b4\u03af\u03ba\u03c4\u03c5\u03b1",  # neural networks
        "\u0393\u03bb\u03ce\u03c3\u03c3\u03b1 \u03ba\u03b1\u03b9 "
        "\u03bb\u03cc\u03b3\u03bf\u03c2",  # language and reason
    ]
    cyrillic = [
        "\u041d\u0435\u0439\u0440\u043e\u043d\u043d\u044b\u0435 "
        "\u0441\u0435\u0442\u0438",  # neural networks
        "\u042f\u0437\u044b\u043a\u043e\u0432\u044b\u0435 "
        "\u043c\u043e\u0434\u0435\u043b\u0438",  # language models
    ]
    latin = ["Neural Networks", "Language Models", "Neuronnye seti"]
    folded = [fold(t) for t in greek + cyrillic + latin]
    assert all(folded) and len(set(folded)) == len(folded)


# --- item 18: a snapshot inside its own sources ---------------------------------------------------


def _fake_snapshot(folder: Path) -> Path:
    folder.mkdir(parents=True)
    manifest = {"counts": {}, "files": {}, "format": FORMAT, "format_version": 2}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (folder / "clusters.json").write_text("{}")
    return folder


def test_the_snapshot_constants_match_the_loader_copies():
    assert (sources_module.SNAPSHOT_FORMAT, sources_module.SNAPSHOT_MANIFEST) == (FORMAT, MANIFEST)


def test_snapshot_folders_inside_a_source_folder_are_skipped(tmp_path: Path):
    _listing(tmp_path / "day.txt", [("T", "A.")])
    _fake_snapshot(tmp_path / "paperkg-out")
    _fake_snapshot(tmp_path / "deeper" / "kg")
    other = tmp_path / "notes"
    other.mkdir()
    (other / MANIFEST).write_text(json.dumps({"format": "something-else"}))
    found = [str(p.relative_to(tmp_path)) for p in expand_sources([tmp_path])]
    assert found == ["day.txt", "notes/manifest.json"]


def test_a_snapshot_named_as_a_source_is_an_error(tmp_path: Path):
    snapshot = _fake_snapshot(tmp_path / "kg")
    with pytest.raises(InputError) as caught:
        expand_sources([snapshot])
    assert str(caught.value) == (
        f"{snapshot}: is a paperkg snapshot, not an input; name the files or folders it was "
        "built from"
    )
    with pytest.raises(InputError, match=r"clusters\.json: is a file of the paperkg snapshot"):
        expand_sources([snapshot / "clusters.json"])


def test_building_a_feeds_folder_twice_into_the_default_out(tmp_path: Path, monkeypatch, embedder):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    _listing(feeds / "day.txt", [("Tiny Lanterns", "Small lights."), ("Quiet Harbours", "Calm.")])
    monkeypatch.chdir(feeds)
    first = build(["."], DEFAULT_OUT, SMALL, embedder=embedder)
    second = build(["."], DEFAULT_OUT, SMALL, embedder=embedder)
    assert first.papers == second.papers == 2 and second.files == 1
    assert (feeds / DEFAULT_OUT / MANIFEST).is_file()
