"""The CLI's edge under attack (issue 14): terminal escapes in titles and errors, Browser URLs
given as --neo4j, undecodable argv bytes, Ctrl-C, negative cluster ids, overwriting what the
user named, JSON errors and huge echoed values; and the paper view's traversal."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from browser import visit

from conftest import EXAMPLES, run

EXE = Path(sys.executable).with_name("paperkg")
ESC = "\x1b"
#: Everything a terminal could act on: C0 controls but the newline, DEL, C1 controls.
TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
LONG_WORD = "Mega" + "x" * 3000 + "Word"
HOSTILE_TITLES = [
    f"Red {ESC}[31mAlert{ESC}[0m Networks for Tiny Speech Recognition",
    f"Window {ESC}]0;pwned{ESC}\\ Titles and Bell \x07 Rings in Retrieval",
    f"Hyperlink {ESC}]8;;https://evil.example{ESC}\\click{ESC}]8;;{ESC}\\ Protein Folding",
    "C1 \x9b31m Controls and [bold]Markup[/bold] [/] in Graph Learning",
    f"The {LONG_WORD} Problem of Very Long Words in Diffusion Models",
    f"Clipboard {ESC}]52;c;ZWNobyBoaQ=={ESC}\\ Writes in Speech Retrieval",
]


def hostile_feed(path: Path) -> Path:
    """A Hugging Face daily-papers JSON file whose text fields carry terminal escapes."""
    entries = []
    for number, title in enumerate(HOSTILE_TITLES):
        entries.append(
            {
                "paper": {
                    "id": f"2603.0200{number}",
                    "title": title,
                    "summary": f"We study {title} with RouteNet on LibriSpeech {ESC}[2J today.",
                    "authors": [{"name": f"Ada {ESC}]0;x{ESC}\\Quill"}],
                    "publishedAt": "2026-03-02T09:00:00.000Z",
                    "ai_keywords": ["speech recognition", f"key{ESC}]0;t{ESC}\\word"],
                }
            }
        )
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    out = folder / "kg"
    result = run("build", hostile_feed(folder / "feed.json"), "--out", out, "-k", "2", "-q")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples") / "kg"
    result = run("build", EXAMPLES, "--out", out, "-k", "5", "-q")
    assert result.exit_code == 0, result.output
    return out


def assert_inert(text: str, what: object) -> None:
    found = sorted({hex(ord(c)) for c in TERMINAL_CONTROLS.findall(text)})
    assert found == [], (what, found, text[:2000])


# --- item 5: terminal escape injection ---------------------------------------------------


def test_tables_show_hostile_titles_without_terminal_controls(hostile_out: Path):
    commands = [
        ["similar", "Window", "-k", "6"],
        ["similar", "speech retrieval with bells", "-k", "6"],
        ["paper", "Window"],
        ["paper", "Hyperlink"],
        ["paper", "Markup"],
        ["entities"],
        ["clusters"],
        ["bridges"],
        ["stats"],
    ]
    for command in commands:
        result = run(*command, "--out", hostile_out)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
        assert_inert(result.stdout, command)
        assert_inert(result.stderr, command)
    shown = run("paper", "Markup", "--out", hostile_out).stdout
    assert "[bold]Markup[/bold] [/]" in shown  # rich markup printed as typed, not applied
    assert "\ufffd31m Controls" in shown  # the C1 CSI is visible as a placeholder


def test_json_output_is_exact_and_escapes_every_control(hostile_out: Path):
    result = run("similar", "Markup", "-k", "6", "--out", hostile_out, "--json")
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout.replace("\n", ""), "similar --json")
    titles = {hit["title"] for hit in json.loads(result.stdout)}
    assert set(HOSTILE_TITLES) - titles == set()  # byte for byte what the feed said


def test_error_lines_carry_no_terminal_controls(hostile_out: Path, tmp_path: Path):
    missing = tmp_path / f"feed{ESC}]0;owned{ESC}\\\x07\x9b.json"
    result = run("build", missing, "--out", tmp_path / "kg", "-q")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "no such file" in lines[0]
    assert_inert(result.stderr, "error line")
    result = run("view", "cluster", "77", "--out", hostile_out, "-o", missing)
    assert result.exit_code == 1
    assert_inert(result.stderr, "view error")


def test_progress_labels_are_inert(capsys: pytest.CaptureFixture[str]):
    from paperkg.render import ProgressBars

    with ProgressBars(enabled=True) as bars:
        bars(f"stage {ESC}]0;t{ESC}\\ [bold]x[/]", 1, 2)
    err = capsys.readouterr().err
    assert "[bold]x[/]" in err
    assert_inert(err, "progress")


# --- item 12: a Browser URL given as --neo4j -----------------------------------------------

BROWSER_LINE = (
    "Error: --neo4j http://localhost:7474 is Neo4j Browser's address; "
    "give the Bolt URI, e.g. bolt://localhost:7687"
)


def test_http_neo4j_uri_is_one_line_for_push_build_and_query_run(
    examples_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)  # the URI is checked before asking
    url = "http://localhost:7474"
    out = tmp_path / "kg"
    for command in (
        ["push", "--out", examples_out, "--neo4j", url],
        ["build", EXAMPLES / "feed-mar-02.txt", "--out", out, "-q", "--neo4j", url],
        ["query", "run", "most-cited", "--neo4j", url],
    ):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.strip().splitlines() == [BROWSER_LINE], command
    assert not out.exists()
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    result = run("push", "--out", examples_out, "--neo4j", "https://neo4j.example.org/browser/")
    assert result.stderr.strip() == (
        "Error: --neo4j https://neo4j.example.org/browser/ is Neo4j Browser's address; "
        "give the Bolt URI, e.g. bolt://neo4j.example.org:7687"
    )
    for uri in ("localhost:7687", "ftp://localhost:7687"):
        result = run("push", "--out", examples_out, "--neo4j", uri)
        assert result.exit_code == 1
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1 and "bolt://" in line and "neo4j://" in line, line


def test_neo4j_settings_check_the_scheme():
    from paperkg.errors import Neo4jError
    from paperkg.graph.neo4j.store import Neo4jSettings

    for good in ("bolt://h:7687", "bolt+s://h", "bolt+ssc://h", "neo4j://h", "neo4j+s://h"):
        Neo4jSettings(uri=good)
    for bad in ("http://h:7474", "h:7687", "", "file:///tmp/x"):
        with pytest.raises(Neo4jError, match="bolt://"):
            Neo4jSettings(uri=bad)


# --- item 13: bytes that are not UTF-8 in the query -----------------------------------------


def test_undecodable_query_bytes_in_a_subprocess(hostile_out: Path):
    done = subprocess.run(
        [EXE, b"similar", b"\xff\xfe speech retrieval", b"--out", bytes(hostile_out), b"-k", b"2"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr and b"retrieval" in done.stdout.lower()
    done = subprocess.run(
        [EXE, b"paper", b"caf\xe9 \xff", b"--out", bytes(hostile_out), b"--json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert json.loads(done.stdout)["error"]["code"] == "error"
    assert len(done.stderr.splitlines()) == 1


def test_undecodable_query_in_process(hostile_out: Path):
    from paperkg.graph import read_snapshot, similar

    hits = similar(read_snapshot(hostile_out), "\udcff\udcfe speech retrieval", 3)
    assert len(hits) == 3
    for args in (["similar", "\udcff\udcfe speech"], ["similar", "\udcff", "--json"]):
        result = run(*args, "--out", hostile_out, "-k", "2")
        assert result.exit_code == 0, result.output
        assert "\udcff" not in result.stdout


# --- item 11: the paper view's traversal ----------------------------------------------------


def test_paper_view_draws_each_edge_once_and_deep_views_stop(examples_out: Path, tmp_path: Path):
    from paperkg.graph import read_snapshot
    from paperkg.graph.report.lookup import find_paper
    from paperkg.viz import paper_view

    graph = read_snapshot(examples_out).graph
    paper = find_paper(graph, "FoldLite: Fast")
    for depth in (1, 2, 3, 4):
        view = paper_view(graph, paper, depth)
        keys = [(u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in view.edges]
        assert len(keys) == len(set(keys)), depth
    deepest = paper_view(graph, paper, 50)
    full = paper_view(graph, paper, len(graph))
    assert (deepest.nodes.keys(), deepest.edges) == (full.nodes.keys(), full.edges)
    result = run(
        "view", "paper", "FoldLite: Fast", "--depth", "3", "--out", examples_out,
        "-o", tmp_path / "d3.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = run(
        "view",
        "paper",
        "FoldLite: Fast",
        "--depth",
        "50",
        "--out",
        examples_out,
        "-o",
        tmp_path / "deep.html",
    )
    assert page.exit_code == 0, page.output
    html = (tmp_path / "deep.html").read_text(encoding="utf-8")
    edges = json.loads(re.search(r'id="paperkg-edges">(.*?)</script>', html, re.S).group(1))
    drawn = [(e["from"], e["to"], e["title"]) for e in edges]
    assert len(drawn) == len(set(drawn)) == len(full.edges)


def test_paper_view_keeps_to_the_node_budget(examples_out: Path):
    from paperkg.graph import read_snapshot
    from paperkg.graph.report.lookup import find_paper
    from paperkg.viz import paper_view

    graph = read_snapshot(examples_out).graph
    paper = find_paper(graph, "FoldLite: Fast")
    first = paper_view(graph, paper, 1)
    budget = len(first.nodes) + 1
    capped = paper_view(graph, paper, 50, node_budget=budget)
    assert capped.nodes.keys() == first.nodes.keys()
    assert any(f"{budget}-node budget" in note for note in capped.notes), capped.notes
    result = run(
        "view", "paper", "FoldLite: Fast", "--depth", "9", "--node-budget", "3",
        "--out", examples_out, "-o", examples_out.parent / "capped.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


# --- item 20: messages and conventions ------------------------------------------------------


class SilentServer:
    """A TCP server that accepts connections and never answers: a command talking to it waits."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return self.listener.getsockname()[1]

    def _accept(self) -> None:
        try:
            while True:
                conn, _ = self.listener.accept()
                self.held.append(conn)
                self.connected.set()
        except OSError:
            return

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.listener.close()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("as_json", [False, True])
def test_ctrl_c_exits_130_with_one_line(examples_out: Path, tmp_path: Path, as_json: bool):
    server = SilentServer()
    env = {"NEO4J_PASSWORD": "x", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    args = [EXE, "push", "--out", examples_out, "--neo4j", f"bolt://127.0.0.1:{server.port}"]
    process = subprocess.Popen(
        [*map(str, args), *(["--json"] if as_json else [])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal's foreground job: a runner started in the background
        # (nohup, "&" in a script) passes SIGINT on ignored, and Python then keeps it so
        preexec_fn=_default_sigint,
    )
    try:
        assert server.connected.wait(60), "the push never connected"
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        server.close()
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["Interrupted"], err
    if as_json:
        assert json.loads(out) == {"error": {"code": "interrupted", "message": "Interrupted"}}
    else:
        assert out == ""


def test_ctrl_c_in_process(examples_out: Path, monkeypatch: pytest.MonkeyPatch):
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("paperkg.cli.snapshot_stats", interrupted)
    result = run("stats", "--out", examples_out)
    assert result.exit_code == 130 and result.stderr.strip() == "Interrupted"


def test_ctrl_c_while_the_cli_imports_is_one_line():
    """The console script catches Ctrl-C during its second of imports too (exit 130)."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'paperkg.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from paperkg.console import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 130
    assert done.stderr.strip() == "Interrupted"


def test_view_cluster_takes_minus_one(hostile_out: Path, tmp_path: Path):
    from paperkg.graph import read_snapshot

    clusters = {
        d["id"] for _n, d in read_snapshot(hostile_out).graph.nodes(data=True)
        if d.get("type") == "Cluster"
    }  # fmt: skip
    assert -1 in clusters
    page = tmp_path / "unclustered.html"
    result = run("view", "cluster", "-1", "--out", hostile_out, "-o", page)
    assert result.exit_code == 0, result.output
    assert page.is_file()
    result = run("view", "cluster", "-7", "--out", hostile_out, "-o", page)
    assert result.exit_code == 1 and "no cluster -7" in result.stderr


def test_a_3000_character_word_does_not_widen_the_page(chromium, hostile_out: Path, tmp_path):
    from paperkg.graph import read_snapshot
    from paperkg.graph.report.lookup import find_paper
    from paperkg.viz import overview, paper_view, render_html

    graph = read_snapshot(hostile_out).graph
    paper = find_paper(graph, "Very Long Words")
    for name, view in (("paper", paper_view(graph, paper)), ("overview", overview(graph))):
        path = tmp_path / f"{name}.html"
        path.write_text(render_html(view), encoding="utf-8")
        seen = visit(chromium, path, width=1280, height=800)
        page = seen.page
        page.evaluate("(id) => window.paperkgOpenPanel(id)", paper)
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        panel = page.evaluate("document.getElementById('panel').scrollWidth")
        assert width <= 1280 and panel <= 400, (name, width, panel)
        assert LONG_WORD in page.inner_text("#panel-title").replace("\n", "")
        seen.page.context.close()


def _one_error_line(result, fragment: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and fragment in lines[0], lines[0]


def test_every_named_output_is_refused_when_it_exists_unless_force(
    examples_out: Path, tmp_path: Path
):
    mine = tmp_path / "mine.txt"
    for command in (
        ["export", "graphml"],
        ["export", "gexf"],
        ["view", "overview", "--out", examples_out, "-o"],
        ["view", "bridges", "--out", examples_out, "-o"],
    ):
        mine.write_text("precious")
        args = [*command, mine] if command[0] == "view" else [*command, mine, "--out", examples_out]
        _one_error_line(run(*args), "--force")
        assert mine.read_text() == "precious", command
        result = run(*args, "--force")
        assert result.exit_code == 0, (command, result.output)
        assert mine.read_text(encoding="utf-8") != "precious"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep me")
    for command in (["query", "export", folder], ["export", "neo4j-csv", folder]):
        extra = ["--out", examples_out] if command[0] == "export" else []
        _one_error_line(run(*command, *extra), "--force")
        assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    result = run("query", "export", folder, "--force")
    assert result.exit_code == 0 and (folder / "keep.txt").read_text() == "keep me"
    # --force replaces an earlier CSV export, never a folder holding anything else
    _one_error_line(run("export", "neo4j-csv", folder, "--out", examples_out, "--force"), "")
    assert (folder / "keep.txt").read_text() == "keep me"
    csv = tmp_path / "csv"
    assert run("export", "neo4j-csv", csv, "--out", examples_out).exit_code == 0
    before = sorted(p.name for p in csv.iterdir())
    _one_error_line(run("export", "neo4j-csv", csv, "--out", examples_out), "--force")
    result = run("export", "neo4j-csv", csv, "--out", examples_out, "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in csv.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_view_replaces_its_own_page_but_not_someone_elses(
    examples_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    for _again in range(2):  # the default output, then an explicit -o: both are paperkg's page
        assert run("view", "overview", "--out", examples_out).exit_code == 0
        assert run("view", "overview", "--out", examples_out, "-o", "x.html").exit_code == 0
    page = tmp_path / "overview.html"
    page.write_text("<html>my own notes</html>")
    _one_error_line(run("view", "overview", "--out", examples_out), "--force")
    assert page.read_text() == "<html>my own notes</html>"


def test_json_errors_are_one_object_on_stdout(examples_out: Path, tmp_path: Path):
    plain = tmp_path / "plain.txt"
    plain.write_text("a file, so nothing can be written under it")
    cases = [
        (["stats", "--out", tmp_path / "none", "--json"], "snapshot_error", 1),
        (["similar", "   ", "--out", examples_out, "--json"], "error", 1),
        (["query", "run", "no-such-query", "--neo4j", "bolt://127.0.0.1:9", "--json"],
         "query_error", 1),
        (["build", tmp_path / "nothing.txt", "--out", tmp_path / "o", "--json"], "input_error", 1),
        (["push", "--out", examples_out, "--neo4j", "http://h:7474", "--json"], "neo4j_error", 1),
        (["export", "graphml", plain / "kg.graphml", "--out", examples_out, "--json"],
         "export_error", 1),
        (["stats", "--json", "--no-such-option"], "usage_error", 2),
        (["similar", "--json"], "usage_error", 2),
    ]  # fmt: skip
    for args, code, status in cases:
        result = run(*args)
        assert result.exit_code == status, (args, result.output)
        error = json.loads(result.stdout)["error"]
        assert error["code"] == code, (args, error)
        assert error["message"] and error["message"] in result.stderr, (args, result.stderr)
    plain = run("stats", "--out", tmp_path / "none")
    assert plain.stdout == "" and plain.exit_code == 1


def test_error_codes_are_documented():
    from paperkg.errors import ERROR_CODES

    reference = (Path(__file__).resolve().parent.parent / "docs/reference/cli.md").read_text()
    for code in ERROR_CODES:
        assert f"`{code}`" in reference, code


def test_huge_values_are_shortened_in_messages(tmp_path: Path):
    digits = "9" * 5000
    result = run(
        "query", "run", "most-cited", "--param", f"limit={digits}", "--neo4j", "bolt://h:1"
    )
    _one_error_line(result, "(5,000 characters)")
    assert len(result.stderr) < 300
    result = run("query", "run", "most-cited", "--param", "x" * 5000, "--neo4j", "bolt://h:1")
    assert result.exit_code == 2 and "(5,000 characters)" in result.stderr
    assert len(result.stderr) < 600
    result = run("paper", "y" * 5000, "--out", tmp_path / "none")
    assert len(result.stderr) < 300


def test_the_library_shortens_huge_values_too():
    """A Python caller gets the short message as well, not only the CLI's edge."""
    from paperkg.errors import QueryError
    from paperkg.queries import find_query, load_catalog, typed_params

    spec = find_query("most-cited", load_catalog())
    with pytest.raises(QueryError) as caught:
        typed_params(spec, {"limit": "9" * 5000})
    assert "(5,000 characters)" in str(caught.value) and len(str(caught.value)) < 200
