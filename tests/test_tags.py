"""Tags (issue 22): papers a user cares about, kept in the snapshot folder's tags.json.

The store is exercised on real files and real processes (a SIGKILL mid-write, several
processes adding at once); the snapshot side on real builds: tags survive adding to a
snapshot, rebuilding it and --fresh (with the build's warning), and refs go through the one
paper resolver.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, run
from paperkg import open_snapshot
from paperkg.errors import NotFoundError, ParameterError, SnapshotError, TagsError
from paperkg.graph.snapshot.lock import snapshot_lock
from paperkg.graph.tags import TAGS_FILE, TagStore
from paperkg.pipeline import BuildOptions, build

# --- the store: adds, moves, removes, the file ------------------------------------------------


def test_add_move_and_remove_and_the_file_a_person_can_read(tmp_path: Path):
    store = TagStore(tmp_path)
    assert store.read() == {}
    change = store.add("lora", [("arxiv:1", "One"), ("arxiv:2", "Two"), ("arxiv:1", "One")])
    assert (change.added, change.moved, change.unchanged) == (["arxiv:1", "arxiv:2"], [], [])
    change = store.add("lora", [("arxiv:2", "Two"), ("arxiv:3", "Three")], negative=True)
    assert (change.added, change.moved) == (["arxiv:3"], ["arxiv:2"])
    assert store.add("lora", [("arxiv:1", "One")]).unchanged == ["arxiv:1"]
    store.add("agents", [("arxiv:9", "Nine")])
    tag = store.read()["lora"]
    assert tag.positive_ids() == ["arxiv:1"] and tag.negative_ids() == ["arxiv:2", "arxiv:3"]
    assert tag.positive[0].title == "One" and tag.positive[0].added.endswith("+00:00")

    text = (tmp_path / TAGS_FILE).read_text("utf-8")
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("paperkg-tags", 1)
    assert list(document["tags"]) == ["agents", "lora"]  # sorted, indented, one key a line
    assert '\n  "tags": {\n    "agents": {' in text and text.endswith("}\n")

    change = store.remove("lora", ["arxiv:3", "arxiv:7"])
    assert (change.removed, change.unchanged) == (["arxiv:3"], ["arxiv:7"])
    assert store.remove("lora", ["arxiv:1", "arxiv:2"]).removed == ["arxiv:1", "arxiv:2"]
    assert list(store.read()) == ["agents"]  # a tag left empty is deleted
    assert store.remove("agents").removed == ["arxiv:9"]
    assert store.read() == {}
    with pytest.raises(NotFoundError, match=r"no tag 'lora' .*\(tags: none yet\)"):
        store.remove("lora")
    with pytest.raises(ParameterError, match="at least one paper"):
        store.add("lora", [])


@pytest.mark.parametrize(
    "name", ["", "a" * 65, "two words", "-lead", "_lead", ".hidden", "a/b", "tab\there", "x;y"]
)
def test_a_bad_tag_name_is_refused_with_the_rule(tmp_path: Path, name: str):
    with pytest.raises(TagsError, match="is not allowed: use 1 to 64 characters"):
        TagStore(tmp_path).add(name, [("arxiv:1", "One")])
    assert not (tmp_path / TAGS_FILE).exists()


def test_good_names_and_names_differing_only_in_case(tmp_path: Path):
    store = TagStore(tmp_path)
    for name in ("a", "LoRA-2.0", "über_agents", "x" * 64):
        store.add(name, [("arxiv:1", "One")])
    with pytest.raises(TagsError, match=r"differs from the existing tag 'LoRA-2\.0' only in case"):
        store.add("lora-2.0", [("arxiv:1", "One")])


DAMAGED = [
    ('{\n  "format": "paperkg-tags",\n  "version": 1\n  "tags": {}\n}\n', "line 4: not valid JSON"),
    ('{"format": "other", "version": 1, "tags": {}}', "not a paperkg tags file"),
    ('{"format": "paperkg-tags", "version": 7, "tags": {}}', "newer paperkg .*upgrade"),
    ('{"format": "paperkg-tags", "version": "1", "tags": {}}', "\"version\" is '1'"),
    ('{"format": "paperkg-tags", "version": 1, "tags": []}', '"tags" is not an object'),
    (
        '{"format": "paperkg-tags", "version": 1, "tags": {"a b": {"positive": []}}}',
        "tag 'a b': the name is not allowed",
    ),
    (
        '{"format": "paperkg-tags", "version": 1, "tags": {"t": {"positive": [{"id": 1}]}}}',
        r"tag 't' positive\[0\]: not an object",
    ),
    (
        '{"format": "paperkg-tags", "version": 1, "tags": {"t": {"positive": [{"id": "a", '
        '"title": "A", "added": "yesterday"}]}}}',
        "'yesterday' is not an ISO 8601 time",
    ),
    (
        '{"format": "paperkg-tags", "version": 1, "tags": {"t": {"positive": [{"id": "a", '
        '"title": "A", "added": "2026-01-01T00:00:00+00:00"}], "negative": [{"id": "a", '
        '"title": "A", "added": "2026-01-01T00:00:00+00:00"}]}}}',
        "paper 'a' is listed twice",
    ),
]


@pytest.mark.parametrize(("text", "problem"), DAMAGED)
def test_a_damaged_file_is_named_and_never_reset(tmp_path: Path, text: str, problem: str):
    path = tmp_path / TAGS_FILE
    path.write_text(text, "utf-8")
    store = TagStore(tmp_path)
    for attempt in (
        store.read,
        lambda: store.add("t", [("arxiv:1", "One")]),
        lambda: store.remove("t"),
    ):
        with pytest.raises(TagsError, match=problem) as caught:
            attempt()
        assert str(path) in str(caught.value)
    assert path.read_text("utf-8") == text
    assert sorted(os.listdir(tmp_path)) == [TAGS_FILE]


def test_no_snapshot_folder_is_a_snapshot_error(tmp_path: Path):
    with pytest.raises(SnapshotError, match="no snapshot at"):
        TagStore(tmp_path / "none").add("t", [("arxiv:1", "One")])
    assert not (tmp_path / "none").exists()


# --- the lock: changes queue behind a build or each other; builds still fail at once ---------


def test_a_tag_change_waits_for_the_lock_and_then_names_its_holder(tmp_path: Path):
    out = tmp_path / "kg"
    out.mkdir()
    with snapshot_lock(out):
        with pytest.raises(SnapshotError, match=f"pid {os.getpid()}.* after 0.2 s"):
            TagStore(out, wait=0.2).add("t", [("arxiv:1", "One")])
        # a build (no wait) fails at once, as before
        with pytest.raises(SnapshotError, match="another paperkg build"), snapshot_lock(out):
            pass
    assert not (out / TAGS_FILE).exists()

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with snapshot_lock(out):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    threading.Timer(0.3, release.set).start()
    change = TagStore(out, wait=30).add("t", [("arxiv:1", "One")])  # queued, then done
    holder.join()
    assert change.added == ["arxiv:1"] and TagStore(out).read()["t"].positive_ids() == ["arxiv:1"]


ADDER = """
import sys
from pathlib import Path
from paperkg.graph.tags import TagStore
store = TagStore(Path(sys.argv[1]))
prefix, count = sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
for i in range(count):
    store.add("t", [(f"{prefix}{i}", f"Paper {prefix}{i}")])
    print(i, flush=True)
"""


def _adder(out: Path, prefix: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", ADDER, str(out), prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_a_sigkill_during_tag_adds_leaves_a_whole_file_holding_a_prefix(tmp_path: Path):
    out = tmp_path / "kg"
    out.mkdir()
    rng = random.Random(22)
    confirmed_total = 0
    for round_ in range(6):
        adder = _adder(out, f"r{round_}-", 100_000)
        assert adder.stdout is not None
        assert adder.stdout.readline() == "ready\n"
        confirmed = 0
        want = rng.randint(1, 40)
        while confirmed < want:  # adds the child reported done
            assert adder.stdout.readline().strip() == str(confirmed)
            confirmed += 1
        time.sleep(rng.uniform(0, 0.05))  # somewhere inside a later add
        adder.send_signal(signal.SIGKILL)
        adder.wait()
        assert adder.returncode == -signal.SIGKILL
        ids = TagStore(out).read()["t"].positive_ids()  # parses: never half a file
        mine = [i for i in ids if i.startswith(f"r{round_}-")]
        assert mine == [f"r{round_}-{i}" for i in range(len(mine))], "a prefix, in order"
        assert len(mine) >= confirmed
        assert len(ids) - len(mine) == confirmed_total  # earlier rounds' adds all kept
        confirmed_total = len(ids)
    TagStore(out).add("t", [("last", "Last")])  # the next change clears killed writes
    assert sorted(os.listdir(out)) == [TAGS_FILE]


def test_concurrent_tag_adds_from_several_processes_all_land(tmp_path: Path):
    out = tmp_path / "kg"
    out.mkdir()
    adders = [_adder(out, f"p{n}-", 15) for n in range(4)]
    for adder in adders:
        assert adder.wait(120) == 0
    ids = TagStore(out).read()["t"].positive_ids()
    assert sorted(ids) == sorted(f"p{n}-{i}" for n in range(4) for i in range(15))
    for n in range(4):  # each process's adds in its own order
        assert [i for i in ids if i.startswith(f"p{n}-")] == [f"p{n}-{i}" for i in range(15)]


# --- on real snapshots: the resolver, the CLI, and builds -----------------------------------


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("tags") / "kg"
    build([EXAMPLES], out, BuildOptions(year=2026), embedder=embedder)
    return out


@pytest.fixture
def fresh_tags(kg: Path):
    """The module's snapshot with no tags before and after the test."""
    (kg / TAGS_FILE).unlink(missing_ok=True)
    yield kg
    (kg / TAGS_FILE).unlink(missing_ok=True)


def _papers(out: Path) -> dict[str, str]:
    graph = open_snapshot(out).graph
    return {n: d["title"] for n, d in graph.nodes(data=True) if d.get("type") == "Paper"}


def test_refs_go_through_the_paper_resolver(fresh_tags: Path):
    snapshot = open_snapshot(fresh_tags)
    papers = _papers(fresh_tags)
    foldlite = next(i for i, t in papers.items() if t.startswith("FoldLite"))
    scaling = next(i for i, t in papers.items() if t.startswith("Scaling Laws for Protein"))
    change = snapshot.tag_add("proteins", "foldlite: fast single-sequence", scaling)
    assert change.added == [foldlite, scaling]
    assert snapshot.tag("proteins").positive[0].title == papers[foldlite]
    assert snapshot.tag_add("proteins", papers[scaling], negative=True).moved == [scaling]
    assert [t.name for t in snapshot.tags()] == ["proteins"]
    before = (fresh_tags / TAGS_FILE).read_bytes()
    with pytest.raises(NotFoundError):
        snapshot.tag_add("proteins", foldlite, "no paper is called this at all")
    with pytest.raises(NotFoundError, match=r"no tag 'nope' .*\(tags: proteins\)"):
        snapshot.tag("nope")
    with pytest.raises(TagsError, match="not allowed"):
        snapshot.tag_add("bad name", foldlite)
    assert (fresh_tags / TAGS_FILE).read_bytes() == before  # all refs resolved, or nothing
    assert snapshot.tag_remove("proteins", "FoldLite: Fast").removed == [foldlite]
    assert snapshot.tag_remove("proteins").removed == [scaling]
    assert snapshot.tags() == []


def test_the_tag_commands(fresh_tags: Path):
    papers = _papers(fresh_tags)
    foldlite = next(i for i, t in papers.items() if t.startswith("FoldLite"))
    result = run("tag", "add", "proteins", "FoldLite", "--out", fresh_tags)
    assert result.exit_code == 0 and f"proteins: 1 tagged positive: {foldlite}" in result.stdout
    result = run(
        "tag", "add", "proteins", "--negative", "Scaling Laws for Protein", "--out", fresh_tags
    )
    assert result.exit_code == 0 and "1 tagged negative" in result.stdout
    result = run("tag", "add", "proteins", "FoldLite", "--negative", "--out", fresh_tags, "--json")
    assert json.loads(result.stdout)["moved"] == [foldlite]
    listed = run("tag", "list", "--out", fresh_tags)
    assert listed.exit_code == 0 and "proteins" in listed.stdout
    data = json.loads(run("tag", "list", "proteins", "--out", fresh_tags, "--json").stdout)
    assert data["tags"] == [{"name": "proteins", "positive": 0, "negative": 2, "missing": []}]
    assert [p["present"] for p in data["papers"]] == [True, True]
    assert data["papers"][1]["id"] == foldlite and not data["papers"][1]["positive"]

    result = run("tag", "add", "two words", "FoldLite", "--out", fresh_tags)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "tag name 'two words' is not allowed" in result.stderr
    result = run("tag", "list", "nope", "--out", fresh_tags, "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["error"]["code"] == "error"
    assert run("tag", "remove", "proteins", "--out", fresh_tags).exit_code == 0
    assert "No tags yet" in run("tag", "list", "--out", fresh_tags).stdout


def test_a_damaged_tags_file_fails_every_tag_command_and_stays(fresh_tags: Path):
    path = fresh_tags / TAGS_FILE
    text = '{\n  "format": "paperkg-tags",\n  "version": 1,\n  "tags": {,}\n}\n'
    path.write_text(text, "utf-8")
    for args in (("list",), ("add", "t", "FoldLite"), ("remove", "t")):
        result = run("tag", *args, "--out", fresh_tags, "--json")
        assert result.exit_code == 1, args
        error = json.loads(result.stdout)["error"]
        assert error["code"] == "tags_error"
        assert f"{path} is damaged: line 4: not valid JSON" in error["message"]
    assert path.read_text("utf-8") == text


def test_tags_survive_adding_rebuilding_and_fresh_builds_with_a_warning(tmp_path: Path, embedder):
    files = sorted(EXAMPLES.glob("*.txt"))
    out = tmp_path / "kg"
    options = BuildOptions(year=2026)
    build(files[:1], out, options, embedder=embedder)
    first = _papers(out)
    snapshot = open_snapshot(out)
    snapshot.tag_add("mine", *list(first)[:2])
    snapshot.tag_add("mine", list(first)[2], negative=True)
    saved = (out / TAGS_FILE).read_bytes()

    added = build(files[1:2], out, options, embedder=embedder)  # a new input, same --out
    assert added.added > 0 and added.warnings == []
    assert (out / TAGS_FILE).read_bytes() == saved
    kept = next(i for i in _papers(out) if i not in first)  # a paper of the second input
    open_snapshot(out).tag_add("mine", kept)
    saved = (out / TAGS_FILE).read_bytes()
    again = build(files[:2], out, options, embedder=embedder)  # the same inputs read again
    assert again.warnings == [] and (out / TAGS_FILE).read_bytes() == saved
    assert open_snapshot(out).tag_list("mine").tags[0].missing == []

    fresh = build(files[1:], out, BuildOptions(fresh=True, year=2026), embedder=embedder)
    gone = [i for i in list(first)[:3] if i not in _papers(out)]
    assert gone and kept in _papers(out)
    assert fresh.warnings == [
        f"tag 'mine': {len(gone)} of its 4 papers are no longer in the snapshot (they stay "
        f"tagged; paperkg tag list mine --out {out} shows them)"
    ]
    assert (out / TAGS_FILE).read_bytes() == saved
    listing = open_snapshot(out).tag_list("mine")
    assert sorted(listing.tags[0].missing) == sorted(gone)
    assert {p.id for p in listing.papers if not p.present} == set(gone)
    assert {p.id: p.present for p in listing.papers}[kept]
    # a paper no longer in the snapshot is untagged by its id, as listed
    assert open_snapshot(out).tag_remove("mine", gone[0]).removed == [gone[0]]

    (out / TAGS_FILE).write_text("{", "utf-8")  # a damaged file never fails a build
    damaged = build(files[1:2], out, options, embedder=embedder)
    assert len(damaged.warnings) == 1 and "is damaged: line 1" in damaged.warnings[0]
    assert (out / TAGS_FILE).read_text("utf-8") == "{"


def test_concurrent_tag_add_commands_all_land(fresh_tags: Path):
    ids = sorted(_papers(fresh_tags))[:6]
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "paperkg", "tag", "add", "t", *pair, "--out", str(fresh_tags)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for pair in (ids[0:2], ids[2:4], ids[4:6])
    ]
    for command in commands:
        assert command.wait(120) == 0, command.stderr.read() if command.stderr else ""
    assert sorted(open_snapshot(fresh_tags).tag("t").positive_ids()) == ids
