"""Issue 14, snapshot part: a build keeps the user's files, touches no other build's
folders, recovers from a swap cut in half, reads only well-formed manifests, and readers
racing a build are never told the snapshot is damaged."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import DATA, LISTING, run, tree_digest
from paperkg.errors import SnapshotError
from paperkg.graph import read_index, read_manifest, read_snapshot, snapshot_stats
from paperkg.graph.snapshot import carry as carry_module
from paperkg.graph.snapshot import store as snapshot_module
from paperkg.graph.snapshot.lock import snapshot_lock
from paperkg.graph.snapshot.store import check_replaceable, write_snapshot
from paperkg.pipeline import BuildOptions, build

BASIC = LISTING / "basic.txt"
ARXIV = DATA / "formats" / "arxiv.jsonl"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A three-paper snapshot, built once (the model is loaded once per session)."""
    out = tmp_path_factory.mktemp("small") / "kg"
    build([BASIC], out, BuildOptions(k=2), embedder=embedder)
    return out


@pytest.fixture
def snap(tmp_path: Path, small: Path) -> Path:
    copy = tmp_path / "kg"
    shutil.copytree(small, copy)
    return copy


def paper_ids(out: Path) -> set[str]:
    graph = read_snapshot(out).graph
    return {n for n, d in graph.nodes(data=True) if d.get("type") == "Paper"}


def one_error_line(result) -> str:
    """The single ``Error:`` line of a failed command (no traceback, nothing else)."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# Item 1: a build never deletes what paperkg did not write.


def add_user_files(out: Path) -> None:
    """Notes, an export, a saved view, a nested folder and symlinks, as users keep them."""
    (out / "notes.md").write_text("# my reading notes\n")
    assert run("export", "graphml", out / "kg.graphml", "--out", out).exit_code == 0
    (out / "my-views").mkdir()
    (out / "my-views" / "v.html").write_text("<p>saved view</p>")
    (out / "deep" / "er" / "est").mkdir(parents=True)
    (out / "deep" / "er" / "est" / "data.bin").write_bytes(bytes(range(256)))
    (out / "deep" / "empty").mkdir()
    (out / "notes-link.md").symlink_to("notes.md")
    (out / "dangling").symlink_to("nowhere/at/all")
    (out / ".hidden").write_text("dotfile")


def user_tree(out: Path) -> dict[str, object]:
    """Every user entry: file bytes digest, symlink target, or folder."""
    paperkg = {"manifest.json", *json.loads((out / "manifest.json").read_text())["files"]}
    found: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if rel.parts[0] in paperkg:
            continue
        if path.is_symlink():
            found[str(rel)] = ("link", os.readlink(path))
        elif path.is_dir():
            found[str(rel)] = "folder"
        else:
            found[str(rel)] = tree_digest(path.parent)[path.name]
    return found


def test_a_build_carries_over_every_user_file(snap: Path):
    add_user_files(snap)
    before = user_tree(snap)
    assert len(before) == 12
    old_papers = paper_ids(snap)
    result = run("build", ARXIV, "--out", snap, "-q")
    assert result.exit_code == 0, result.output
    assert user_tree(snap) == before
    assert paper_ids(snap) > old_papers
    manifest = json.loads((snap / "manifest.json").read_text())
    assert set(manifest["files"]) == {
        "graph.json",
        "embeddings.npz",
        "index.faiss",
        "records.jsonl.gz",
        "clusters.json",
        "extraction.json.gz",
        "search.sqlite",
        "timeline.json",
    }
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]  # nothing left beside it
    result = run("build", BASIC, "--out", snap, "-q", "--fresh")  # --fresh keeps them too
    assert result.exit_code == 0, result.output
    assert user_tree(snap) == before


def test_a_user_file_named_like_a_file_the_build_writes_is_refused(snap: Path):
    (snap / "overview.html").write_text("<p>my own overview</p>")
    before = tree_digest(snap)
    line = one_error_line(run("build", BASIC, "--out", snap, "-q", "--html"))
    assert str(snap / "overview.html") in line
    assert tree_digest(snap) == before
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]


def test_the_clash_can_be_refused_before_the_build_does_any_work(snap: Path):
    (snap / "overview.html").write_text("<p>my own overview</p>")
    check_replaceable(snap)
    with pytest.raises(SnapshotError, match=r"overview\.html is not a file paperkg wrote"):
        check_replaceable(snap, writes=["records.jsonl.gz", "overview.html"])


def test_a_user_file_removed_while_the_build_runs_is_not_an_error(
    snap: Path, monkeypatch: pytest.MonkeyPatch, embedder
):
    (snap / "notes.md").write_text("kept")
    listed = snapshot_module._user_entries
    monkeypatch.setattr(  # as if the user deleted "gone.md" after the build listed it
        snapshot_module, "_user_entries", lambda out: [*listed(out), "gone.md"]
    )
    build([ARXIV], snap, embedder=embedder)
    assert (snap / "notes.md").read_text() == "kept" and not (snap / "gone.md").exists()


def test_files_paperkg_wrote_are_replaced_not_carried(snap: Path):
    assert run("build", BASIC, "--out", snap, "-q", "--html").exit_code == 0
    assert (snap / "overview.html").exists() and (snap / "site" / "index.html").exists()
    again = run("build", BASIC, "--out", snap, "-q")
    assert again.exit_code == 0
    assert not (snap / "overview.html").exists()  # the last build did not write one
    # the site is a folder beside the snapshot's files: kept, and said to be out of date
    assert f"{snap / 'site'} is the site of an earlier build" in again.output


def test_build_html_refuses_a_site_folder_of_the_users_before_writing(snap: Path):
    assert run("build", BASIC, "--out", snap, "-q").exit_code == 0
    (snap / "site").mkdir()
    (snap / "site" / "notes.txt").write_text("mine")
    before = tree_digest(snap)
    result = run("build", BASIC, "--out", snap, "-q", "--html")
    assert result.exit_code == 1
    assert f"{snap / 'site'} holds files and no index.html" in result.output
    assert tree_digest(snap) == before  # nothing written, the user's file kept


KILLER = textwrap.dedent(
    """
    import dataclasses, gzip, os, signal, sys
    from paperkg.graph import read_index, read_snapshot, write_snapshot
    from paperkg.graph.snapshot import store as s

    out, point = sys.argv[1], sys.argv[2]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "before-swap":
        s._swap_into_place = die
    elif point == "after-exchange":
        exchange = s._exchange
        s._exchange = lambda a, b: exchange(a, b) and die()
    elif point == "mid-discard":  # the old snapshot half deleted after a two-rename swap
        s._exchange = lambda a, b: False
        unlink = os.unlink
        def cut(path, *args, **kwargs):  # the first of these two to go is the last one
            unlink(path, *args, **kwargs)
            if os.path.basename(path) in ("manifest.json", "records.jsonl.gz"):
                die()
        os.unlink = cut
    elif point == "between-renames":
        s._exchange = lambda a, b: False
        rename = os.rename
        def cut(src, dst, *args, **kwargs):
            rename(src, dst, *args, **kwargs)
            if str(dst).endswith(".old"):
                die()
        os.rename = cut
    old = read_snapshot(out)
    manifest = dataclasses.replace(old.manifest, knn=dataclasses.replace(old.manifest.knn, k=7))
    write_snapshot(
        out,
        graph=old.graph,
        embeddings=old.embeddings,
        index=read_index(out, old.manifest),
        manifest=manifest,
        extra_files={"records.jsonl.gz": gzip.compress(  # the same records, other bytes
                         gzip.decompress((s.Path(out) / "records.jsonl.gz").read_bytes()), mtime=1),
                     "clusters.json": (s.Path(out) / "clusters.json").read_text()},
    )
    """
)


def killed_write(out: Path, point: str) -> None:
    """A real process writing a snapshot, SIGKILLed at ``point`` of the swap."""
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(out), point], capture_output=True, text=True
    )
    assert done.returncode == -9, done.stderr


@pytest.mark.parametrize("point", ["before-swap", "after-exchange", "between-renames"])
def test_user_files_survive_a_build_killed_during_the_swap(snap: Path, point: str):
    add_user_files(snap)
    before = user_tree(snap)
    papers = paper_ids(snap)
    killed_write(snap, point)
    assert paper_ids(snap) == papers  # readers find the old or the new snapshot
    left = snap if snap.exists() else snap.with_name(".kg.old")  # cut between the renames
    assert user_tree(left) == before
    result = run("build", ARXIV, "--out", snap, "-q")  # cleans up after the killed one
    assert result.exit_code == 0, result.output
    assert user_tree(snap) == before
    assert paper_ids(snap) > papers
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]


# Item 2: --out names are names, not glob patterns.


def test_glob_characters_in_out_touch_no_other_builds_folders(tmp_path: Path):
    others = [".run1.tmp-abcd1234", ".kg-prod.tmp-abcd1234", ".kgx.old", ".kg.tmp-x.tmp-ab12cd34"]
    for name in others:
        (tmp_path / name).mkdir()
        (tmp_path / name / "graph.json").write_text("{}")
    ours = [".run[1].tmp-zz99yy88", ".kg*.tmp-zz99yy88"]
    for name in ours:
        (tmp_path / name).mkdir()
        (tmp_path / name / "graph.json").write_text("{}")  # a killed build's partial write
    for out in ("run[1]", "kg*", "kg?", "[kr]*"):
        with snapshot_lock(tmp_path / out):
            pass
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(others)


@pytest.mark.model
def test_a_build_into_a_glob_named_out_leaves_a_concurrent_builds_folder(tmp_path: Path):
    prod = tmp_path / ".kg-prod.tmp-q1w2e3r4"  # another build's folder, being written
    prod.mkdir()
    (prod / "graph.json").write_text("{}")
    result = run("build", BASIC, "--out", tmp_path / "kg*", "-q", "-k", "2")
    assert result.exit_code == 0, result.output
    assert (prod / "graph.json").read_text() == "{}"
    assert read_manifest(tmp_path / "kg*").knn.k == 2


# Item 3: a swap without RENAME_EXCHANGE, cut between its two renames.


def test_the_two_rename_fallback_builds_and_updates(snap: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(snapshot_module, "_exchange", lambda a, b: False)
    add_user_files(snap)
    before, papers = user_tree(snap), paper_ids(snap)
    result = run("build", ARXIV, "--out", snap, "-q")
    assert result.exit_code == 0, result.output
    assert paper_ids(snap) > papers and user_tree(snap) == before
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]


def between_renames(snap: Path) -> Path:
    """The state a kill between the fallback's two renames leaves: only ``.kg.old``."""
    old = snap.with_name(f".{snap.name}.old")
    os.rename(snap, old)
    return old


def test_readers_find_a_snapshot_cut_between_the_two_renames(snap: Path):
    papers = paper_ids(snap)
    between_renames(snap)
    assert paper_ids(snap) == papers
    assert snapshot_stats(read_manifest(snap))["papers"] == 3
    assert run("stats", "--out", snap).exit_code == 0


def test_the_next_build_recovers_a_snapshot_cut_between_the_renames(snap: Path):
    add_user_files(snap)
    before, papers = user_tree(snap), paper_ids(snap)
    between_renames(snap)
    result = run("build", ARXIV, "--out", snap, "-q")
    assert result.exit_code == 0, result.output
    assert paper_ids(snap) > papers  # every old paper kept, the new ones added
    assert user_tree(snap) == before
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]


def test_old_is_removed_only_once_the_snapshot_is_checked(snap: Path, small: Path):
    old = snap.with_name(f".{snap.name}.old")
    shutil.copytree(small, old)
    (old / "mine.txt").write_text("only here")  # appeared while the build was swapping
    (snap / "graph.json").write_text("{}")  # the snapshot is not complete
    line = one_error_line(run("build", ARXIV, "--out", snap, "-q"))
    assert str(old) in line and str(snap) in line
    assert old.exists() and (old / "mine.txt").read_text() == "only here"
    shutil.copy(small / "graph.json", snap / "graph.json")  # complete again
    assert run("build", ARXIV, "--out", snap, "-q").exit_code == 0
    assert not old.exists()
    assert (snap / "mine.txt").read_text() == "only here"  # moved, not deleted


def test_a_kill_between_the_renames_loses_no_papers(snap: Path):
    papers = paper_ids(snap)
    killed_write(snap, "between-renames")
    assert not snap.exists() and snap.with_name(".kg.old").is_dir()
    result = run("build", ARXIV, "--out", snap, "-q")
    assert result.exit_code == 0, result.output
    assert paper_ids(snap) > papers


def test_a_kill_while_the_old_snapshot_is_deleted_does_not_block_later_builds(
    snap: Path, monkeypatch: pytest.MonkeyPatch
):
    add_user_files(snap)
    before, papers = user_tree(snap), paper_ids(snap)
    killed_write(snap, "mid-discard")
    assert (snap.with_name(".kg.old") / "manifest.json").exists()  # deleted last
    monkeypatch.setattr(snapshot_module, "_exchange", lambda a, b: False)
    result = run("build", ARXIV, "--out", snap, "-q")
    assert result.exit_code == 0, result.output
    assert paper_ids(snap) > papers and user_tree(snap) == before
    assert sorted(p.name for p in snap.parent.iterdir()) == ["kg"]


# Item 14: a manifest of the wrong shape is one clear line in every reader.


def reshape(out: Path, change: Callable[[dict], None]) -> None:
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


BAD_SHAPES = {
    "files a list": (lambda m: m.update(files=list(m["files"])), "files must be an object"),
    "model missing": (lambda m: m.pop("model"), "model is missing"),
    "nprobe a string": (
        lambda m: m["knn"].update(nprobe="x"),
        "knn.nprobe must be a whole number, got 'x'",
    ),
    "nodes a string": (
        lambda m: m["counts"].update(nodes="x"),
        "counts.nodes must be an object, got 'x'",
    ),
    "a node count a string": (
        lambda m: m["counts"]["nodes"].update(Paper="3"),
        'counts.nodes["Paper"] must be a whole number',
    ),
    "updates a string": (lambda m: m.update(updates="x"), "updates must be a list, got 'x'"),
    "an update event of another shape": (
        lambda m: m["updates"][0].update(cluster_changes={"events": [{"what": 1}]}),
        "updates[0].cluster_changes.events[0]",
    ),
    "a file outside the folder": (
        lambda m: m["files"].update({"../x": m["files"]["graph.json"]}),
        'files["../x"]',
    ),
    "k a boolean": (lambda m: m["knn"].update(k=True), "knn.k must be a whole number"),
}
READERS = [
    ("stats",),
    ("paper", "TinyFold"),
    ("similar", "TinyFold: Folding Small Proteins on a Laptop"),
    ("clusters", "--changes"),
    ("entities",),
    ("export", "graphml", "out.graphml"),
]


@pytest.mark.parametrize("shape", BAD_SHAPES)
def test_a_manifest_of_the_wrong_shape_is_one_line(snap: Path, shape: str, monkeypatch):
    change, message = BAD_SHAPES[shape]
    reshape(snap, change)
    monkeypatch.chdir(snap.parent)
    for reader in READERS:
        line = one_error_line(run(*reader, "--out", snap))
        assert f"{snap / 'manifest.json'}: {message}" in line, (reader, line)
        assert "--fresh" not in line
    with pytest.raises(SnapshotError, match=r"manifest\.json"):
        read_manifest(snap)


def test_a_build_over_a_damaged_manifest_says_what_is_wrong(snap: Path):
    reshape(snap, lambda m: m["knn"].update(nprobe="x"))
    before = tree_digest(snap)
    line = one_error_line(run("build", BASIC, "--out", snap, "-q"))
    assert "knn.nprobe must be a whole number, got 'x'" in line
    assert f"move {snap} aside" in line
    assert tree_digest(snap) == before
    reshape(snap, lambda m: m.update(format_version=99, knn={"k": 2}))
    before = tree_digest(snap)
    line = one_error_line(run("build", BASIC, "--out", snap, "-q"))
    assert "newer than this paperkg reads" in line and "upgrade paperkg" in line
    assert tree_digest(snap) == before


def test_a_truncated_graph_is_not_counted(snap: Path):
    data = (snap / "graph.json").read_bytes()
    (snap / "graph.json").write_bytes(data[: len(data) // 2])
    line = one_error_line(run("stats", "--out", snap))
    assert str(snap / "graph.json") in line


def test_stats_check_the_graph_checksum(snap: Path):
    data = bytearray((snap / "graph.json").read_bytes())
    data[10] ^= 1  # same size, other bytes
    (snap / "graph.json").write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"graph\.json does not match its checksum"):
        snapshot_stats(snap)
    result = run("stats", "--out", snap)
    assert result.exit_code == 1 and "graph.json does not match its checksum" in result.stderr


def test_a_format_1_snapshot_is_still_read(snap: Path):
    def to_format_1(manifest: dict) -> None:
        for name in ("records.jsonl.gz", "clusters.json"):
            del manifest["files"][name]
        for field in ("analytics", "gazetteers", "updates", "external_refs"):
            manifest.pop(field)
        manifest["counts"].pop("stubs")
        for field in ("backend", "precision"):
            manifest["model"].pop(field)
        for entry in manifest["inputs"]:
            entry.pop("resolved")
            entry.pop("entities")
        manifest["format_version"] = 1

    reshape(snap, to_format_1)
    title = "TinyFold: Folding Small Proteins on a Laptop"  # its own vector: no model loaded
    for reader in [("stats",), ("paper", "TinyFold"), ("similar", title), ("clusters",)]:
        result = run(*reader, "--out", snap)
        assert result.exit_code == 0, (reader, result.output)
    assert snapshot_stats(snap)["papers"] == 3


# Item 19: readers racing builds read the old or the new snapshot, never "damaged".

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import faiss, networkx as nx, numpy as np
    from paperkg.graph.snapshot import store as s
    from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model

    out, stop, fallback = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "fallback"
    if fallback:
        s._exchange = lambda a, b: False

    def write(n):
        graph = nx.MultiDiGraph()
        for i in range(n):
            graph.add_node(f"p{i}", type="Paper", title=f"paper {i} of {n}")
        vectors = np.random.default_rng(n).random((n, 8), dtype=np.float32)
        index = faiss.IndexFlatIP(8)
        index.add(vectors)
        manifest = Manifest(
            created="now",
            model=Model("test", 8),
            knn=Knn(k=2, min_score=None),
            inputs=(),
            counts=Counts(records=n, nodes={"Paper": n}, relationships={}),
        )
        embeddings = s.Embeddings([f"p{i}" for i in range(n)], ["h"] * n, vectors)
        s.write_snapshot(
            out, graph=graph, embeddings=embeddings, index=index, manifest=manifest,
            extra_files={"pad.bin": bytes(n * 4096)},
        )

    write(5)
    print("ready", flush=True)
    swaps = 0
    while not stop.exists():
        write(5 + swaps % 7)
        swaps += 1
        if swaps == 51:
            (stop.parent / "raced").touch()  # enough swaps, however slow the machine
    print(swaps, flush=True)
    """
)


@pytest.mark.parametrize("swap", ["exchange", "fallback"])
def test_readers_racing_swaps_always_read_a_whole_snapshot(tmp_path: Path, swap: str):
    out, stop = tmp_path / "kg", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out), str(stop), swap],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        failures: list[str] = []
        reads = 0
        started = time.monotonic()
        raced = tmp_path / "raced"
        while reads < 400 or time.monotonic() - started < 3 or not raced.exists():
            assert time.monotonic() - started < 300, "the writer swapped too few times in 5 min"
            try:
                snapshot = read_snapshot(out)
                manifest = read_manifest(out)
            except SnapshotError as exc:
                failures.append(str(exc))
            else:
                papers = snapshot.manifest.counts.nodes["Paper"]
                assert snapshot.graph.number_of_nodes() == papers
                assert len(snapshot.embeddings.ids) == papers
                assert manifest.counts.records == manifest.counts.nodes["Paper"]
            reads += 1
    finally:
        stop.touch()
        writer.wait(timeout=60)
    swaps = int(writer.stdout.read().strip() or 0)
    assert writer.returncode == 0, writer.stderr.read()
    assert swaps > 50, swaps  # the reads really raced many swaps
    assert failures == [], f"{len(failures)} of {reads} reads failed: {failures[:3]}"


def test_damage_asks_to_try_again_before_a_rebuild_without_fresh(snap: Path):
    (snap / "graph.json").write_text("{}")
    line = one_error_line(run("paper", "TinyFold", "--out", snap))
    assert "graph.json does not match its checksum" in line
    assert "try again" in line and "--fresh" not in line
    assert f"paperkg build SOURCES --out {snap}" in line


def test_an_index_read_after_a_swap_says_the_snapshot_was_replaced(snap: Path, embedder):
    before = read_snapshot(snap)
    build([ARXIV], snap, embedder=embedder)  # another build swaps a new snapshot in
    with pytest.raises(SnapshotError) as caught:
        read_index(snap, before.manifest)
    message = str(caught.value)
    assert "was replaced by a build while it was read; run the command again" in message
    assert "damaged" not in message and "--fresh" not in message
    after = read_snapshot(snap)
    assert read_index(snap, after.manifest).ntotal == len(after.embeddings.ids)


# Item 1, review findings: files on a mount, a superseded folder that cannot be cleared, the
# folder's permissions, and what a killed build's temporary folder may do to the user's files.


def rewrite(out: Path, source: Path | None = None) -> list[str]:
    """The snapshot at ``source`` (default ``out``) written to ``out`` as a build writes it
    (under the build lock, no model needed); the warnings of the lock's tidying and the write."""
    source = source or out
    old = read_snapshot(source)
    manifest = old.manifest
    extra = {name: (source / name).read_bytes() for name in ("records.jsonl.gz", "clusters.json")}
    with snapshot_lock(out) as tidied:
        written = write_snapshot(
            out,
            graph=old.graph,
            embeddings=old.embeddings,
            index=read_index(source, old.manifest),
            manifest=manifest,
            extra_files=extra,
        )
    return [*(tidied or []), *(written or [])]


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[..., bool]]:
    """``mount(folder, source=None)``: a tmpfs at ``folder`` (a bind mount of ``source``);
    False where this process may not mount. Every mount under ``tmp_path`` is undone after
    the test, wherever a build may have moved it."""

    def do(folder: Path, source: Path | None = None) -> bool:
        folder.mkdir()
        what = ["--bind", str(source)] if source else ["-t", "tmpfs", "tmpfs"]
        return subprocess.run(["mount", *what, str(folder)], capture_output=True).returncode == 0

    yield do
    points = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    for point in sorted((p for p in points if p.startswith(f"{tmp_path}/")), reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)


def test_a_mount_inside_the_snapshot_folder_is_refused_before_any_work(
    snap: Path, mount, monkeypatch: pytest.MonkeyPatch
):
    pdfs = snap / "pdfs"
    if not mount(pdfs):  # not root here: st_dev is read through our own small function
        device = carry_module._device
        monkeypatch.setattr(carry_module, "_device", lambda p: device(p) + (p.name == "pdfs"))
    (pdfs / "paper.pdf").write_bytes(b"%PDF-1.4 my annotated copy")
    before = tree_digest(snap)
    line = one_error_line(run("build", BASIC, "--out", snap, "-q"))
    assert f"{pdfs} is on another file system (a mount?)" in line
    assert "move it out of the snapshot folder" in line
    assert tree_digest(snap) == before and beside(snap) == ["kg"]


def test_a_bind_mount_of_the_same_file_system_is_refused_before_any_work(
    snap: Path, tmp_path: Path, mount, monkeypatch: pytest.MonkeyPatch
):
    library = tmp_path / "library"
    library.mkdir()
    (library / "paper.pdf").write_bytes(b"%PDF-1.4 in my library")
    pdfs = snap / "pdfs"
    if not mount(pdfs, library):  # not root here: the mount table is read by our function
        shutil.copy(library / "paper.pdf", pdfs / "paper.pdf")
        monkeypatch.setattr(carry_module, "_mount_points", lambda: {str(pdfs)})
    before = tree_digest(library)
    line = one_error_line(run("build", BASIC, "--out", snap, "-q"))
    assert f"{pdfs} is on another file system (a mount?)" in line
    assert tree_digest(library) == before and beside(snap) == ["kg", "library"]


def test_a_file_that_cannot_be_linked_is_refused_not_copied_then_deleted(
    snap: Path, tmp_path: Path, mount, monkeypatch: pytest.MonkeyPatch
):
    """A mount made after the check (or one the mount table does not show): linking fails
    with EXDEV; the build stops, and the original on the mount is never deleted."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "paper.pdf").write_bytes(b"%PDF-1.4 in my library")
    if not mount(snap / "pdfs", library):
        pytest.skip("mounting is not permitted here; needs root")
    monkeypatch.setattr(carry_module, "_mount_points", lambda: set())  # as if mounted late
    before, papers = tree_digest(snap), paper_ids(snap)
    with pytest.raises(SnapshotError) as caught:
        rewrite(snap)
    message = str(caught.value)
    assert f"cannot carry {snap / 'pdfs' / 'paper.pdf'} over" in message
    assert "hard links" in message and "the snapshot is unchanged" in message
    assert (library / "paper.pdf").read_bytes() == b"%PDF-1.4 in my library"
    assert tree_digest(snap) == before and paper_ids(snap) == papers
    assert beside(snap) == ["kg", "library"]


def test_an_equal_copy_is_never_taken_for_the_users_original(tmp_path: Path, small: Path):
    """Settling a superseded folder deletes only what paperkg itself linked (same inode)."""
    out, superseded = tmp_path / "kg", tmp_path / ".kg.old"
    shutil.copytree(small, out)
    shutil.copytree(small, superseded)
    (superseded / "paper.pdf").write_bytes(b"%PDF-1.4 mine")
    original = (superseded / "paper.pdf").stat().st_ino
    shutil.copy2(superseded / "paper.pdf", out / "paper.pdf")  # equal bytes, another file
    carry_module.discard_superseded(superseded, out)
    kept = [p for p in tmp_path.rglob("paper.pdf") if p.parent != out]
    assert [p.stat().st_ino for p in kept] == [original]
    assert kept[0].read_bytes() == b"%PDF-1.4 mine"


def save_during_the_swap(monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> None:
    """The user's editor saves ``name`` (temp file + rename) after the build carried the
    folder over and before it swaps: hooked on our own ``_swap_into_place``."""
    swap = snapshot_module._swap_into_place

    def save_then_swap(tmp: Path, out: Path) -> Path | None:
        (out / f".{name}.swp").write_text(text)
        os.rename(out / f".{name}.swp", out / name)
        monkeypatch.setattr(snapshot_module, "_swap_into_place", swap)  # once
        return swap(tmp, out)

    monkeypatch.setattr(snapshot_module, "_swap_into_place", save_then_swap)


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_a_file_saved_during_the_swap_is_kept_named_and_blocks_nothing(
    snap: Path, swap: str, monkeypatch: pytest.MonkeyPatch
):
    if swap == "two renames":
        monkeypatch.setattr(snapshot_module, "_exchange", lambda a, b: False)
    (snap / "notes.md").write_text("first draft")
    save_during_the_swap(monkeypatch, "notes.md", "second draft")
    warnings = rewrite(snap)
    kept = [snap.parent / n for n in beside(snap) if n != "kg"]
    assert len(kept) == 1 and kept[0].name.startswith("kg.kept-"), beside(snap)
    assert os.listdir(kept[0]) == ["notes.md"]  # paperkg's own files are gone from it
    assert (kept[0] / "notes.md").read_text() == "second draft"
    assert len(warnings) == 1 and str(kept[0]) in warnings[0] and "notes.md" in warnings[0]
    assert rewrite(snap) == []  # the next build is not blocked and leaves the kept folder
    assert (kept[0] / "notes.md").read_text() == "second draft"
    assert beside(snap) == ["kg", kept[0].name]


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_a_folder_paperkg_cannot_empty_is_kept_and_blocks_nothing(
    snap: Path, swap: str, monkeypatch: pytest.MonkeyPatch
):
    if swap == "two renames":
        monkeypatch.setattr(snapshot_module, "_exchange", lambda a, b: False)
    (snap / "locked").mkdir()
    (snap / "locked" / "a.txt").write_text("mine")
    if subprocess.run(["chattr", "+i", snap / "locked"], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here; needs root on ext4, xfs or btrfs")
    try:
        warnings = rewrite(snap)
        assert (snap / "locked" / "a.txt").read_text() == "mine"
        kept = [snap.parent / n for n in beside(snap) if n != "kg"]
        assert len(kept) == 1 and kept[0].name.startswith("kg.kept-"), beside(snap)
        assert (kept[0] / "locked" / "a.txt").read_text() == "mine"
        assert len(warnings) == 1 and str(kept[0]) in warnings[0]
        assert "Operation not permitted" in warnings[0]
        assert rewrite(snap) == []
    finally:
        for locked in snap.parent.glob("*/locked"):
            subprocess.run(["chattr", "-i", locked], capture_output=True)


def test_an_old_folder_that_cannot_be_settled_no_longer_blocks_builds(
    snap: Path, small: Path, monkeypatch: pytest.MonkeyPatch
):
    """``.kg.old`` left by a two-rename swap, holding a file of the user's that differs from
    the one in the snapshot: the build goes on, keeps it and says where on stderr."""
    monkeypatch.setattr(snapshot_module, "_exchange", lambda a, b: False)
    old = snap.with_name(".kg.old")
    shutil.copytree(small, old)
    (old / "notes.md").write_text("saved into the old folder during the swap")
    (snap / "notes.md").write_text("carried over")
    result = run("build", BASIC, "--out", snap, "-q", "--year", "2026")
    assert result.exit_code == 0, result.output
    kept = [snap.parent / n for n in beside(snap) if n != "kg"]
    assert len(kept) == 1 and kept[0].name.startswith("kg.kept-"), beside(snap)
    assert (kept[0] / "notes.md").read_text() == "saved into the old folder during the swap"
    assert (snap / "notes.md").read_text() == "carried over"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Warning: "), result.stderr
    assert str(kept[0]) in lines[0] and "notes.md" in lines[0]
    result = run("build", BASIC, "--out", snap, "-q", "--json", "--year", "2026")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == [] and result.stderr == ""


@pytest.mark.parametrize("mode", [0o700, 0o750, 0o711])
def test_a_build_keeps_the_snapshot_folders_permissions(snap: Path, mode: int):
    snap.chmod(mode)
    rewrite(snap)
    assert stat.S_IMODE(snap.stat().st_mode) == mode


def test_a_new_snapshot_folder_follows_the_umask(tmp_path: Path, small: Path):
    umask = os.umask(0o027)
    try:
        rewrite(tmp_path / "kg", source=small)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "kg").stat().st_mode) == 0o750


def test_a_killed_builds_folder_puts_nothing_back_into_the_snapshot(snap: Path):
    (snap / "draft.md").write_text("to be deleted")
    (snap / "notes.md").write_text("first draft")
    killed_write(snap, "before-swap")
    [leftover] = snap.parent.glob(".kg.tmp-*")
    assert (leftover / "draft.md").exists()  # the killed build had carried both over
    (snap / "draft.md").unlink()  # the user deletes one and saves the other anew
    (snap / ".notes.md.swp").write_text("second draft")
    os.rename(snap / ".notes.md.swp", snap / "notes.md")
    assert rewrite(snap) == []
    assert not (snap / "draft.md").exists()
    assert (snap / "notes.md").read_text() == "second draft"
    assert beside(snap) == ["kg"]


class UserWritesFirst:
    """``os`` as the snapshot module sees it, except that the user creates ``target`` the
    moment paperkg first looks at it or writes to it (after the look, before the write)."""

    def __init__(self, target: Path, text: str) -> None:
        self.target, self.text, self.done = target, text, False

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def _now(self, path: object) -> None:
        if not self.done and Path(os.fsdecode(path)) == self.target:
            self.done = True
            self.target.write_text(self.text)

    def lstat(self, path: object, *args: object, **kwargs: object) -> os.stat_result:
        try:
            return os.lstat(path, *args, **kwargs)
        finally:
            self._now(path)

    def link(self, source: object, target: object, *args: object, **kwargs: object) -> None:
        self._now(target)
        os.link(source, target, *args, **kwargs)

    def rename(self, source: object, target: object, *args: object, **kwargs: object) -> None:
        self._now(target)
        os.rename(source, target, *args, **kwargs)

    def mkdir(self, path: object, *args: object, **kwargs: object) -> None:
        self._now(path)
        os.mkdir(path, *args, **kwargs)


def test_moving_a_late_file_into_the_snapshot_never_overwrites_the_users(
    snap: Path, small: Path, monkeypatch: pytest.MonkeyPatch
):
    old = snap.with_name(".kg.old")  # left by a two-rename swap; late.md appeared during it
    shutil.copytree(small, old)
    (old / "late.md").write_text("written while the build swapped")
    monkeypatch.setattr(
        carry_module, "os", UserWritesFirst(snap / "late.md", "the user's own, just now")
    )
    with snapshot_lock(snap) as warnings:
        pass
    assert (snap / "late.md").read_text() == "the user's own, just now"
    kept = [snap.parent / n for n in beside(snap) if n != "kg"]
    assert len(kept) == 1 and kept[0].name.startswith("kg.kept-"), beside(snap)
    assert (kept[0] / "late.md").read_text() == "written while the build swapped"
    assert len(warnings or []) == 1 and str(kept[0]) in warnings[0]


def test_a_killed_first_build_into_an_empty_folder_leaves_nothing_behind(
    tmp_path: Path, small: Path
):
    out = tmp_path / "kg"
    out.mkdir()  # the user made the folder; the first build into it was killed before its swap
    shutil.copytree(small, tmp_path / ".kg.tmp-k1ll3d00")
    with snapshot_lock(out) as warnings:
        assert warnings == []
    assert beside(out) == ["kg"] and os.listdir(out) == []
