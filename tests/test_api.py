"""The public Python API (``import paperkg``): what it exports, the ``Snapshot`` it opens,
and library messages that name Python parameters where the CLI names its flags."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, LISTING, ROOT, run

# --- library messages name parameters; the CLI names its flags ------------------------------


def test_a_python_caller_sees_the_parameter_and_the_cli_the_flag(tmp_path: Path):
    from paperkg.errors import PaperkgError
    from paperkg.pipeline import BuildOptions

    with pytest.raises(PaperkgError, match=r"^k must be at least 1, got 0$") as raised:
        BuildOptions(k=0)
    assert raised.value.param == "k"
    result = run("build", LISTING / "basic.txt", "--out", tmp_path / "kg", "-k", "0")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: -k must be at least 1, got 0"


@pytest.mark.parametrize(
    ("options", "param", "flag"),
    [
        ({"min_score": 2.0}, "min_score", "--min-score"),
        ({"resolution": 0.0}, "resolution", "--resolution"),
        ({"min_cluster_size": 0}, "min_cluster_size", "--min-cluster-size"),
        ({"max_papers": 0}, "max_papers", "--max-papers"),
        ({"batch_size": 0}, "batch_size", "--batch-size"),
        ({"min_confidence": 1.5}, "min_confidence", "--min-confidence"),
    ],
)
def test_each_build_setting_is_named_as_a_parameter_and_as_a_flag(
    tmp_path: Path, options: dict[str, float], param: str, flag: str
):
    from paperkg.errors import PaperkgError
    from paperkg.pipeline import BuildOptions

    with pytest.raises(PaperkgError) as raised:
        BuildOptions(**options)
    assert raised.value.param == param
    assert str(raised.value).startswith(f"{param} must be ")
    value = str(next(iter(options.values())))
    result = run("build", LISTING / "basic.txt", "--out", tmp_path / "kg", flag, value, "-q")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {flag}{str(raised.value)[len(param) :]}"


def test_out_is_named_as_out_in_python_and_as_the_flag_on_the_command_line(tmp_path: Path):
    from paperkg.errors import SnapshotError
    from paperkg.pipeline import build

    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=f"^out {taken} is a file; ") as raised:
        build([LISTING / "basic.txt"], taken)
    assert raised.value.param == "out"
    result = run("build", LISTING / "basic.txt", "--out", taken, "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: --out {taken} is a file; ")


def test_a_message_that_does_not_start_with_its_parameter_is_left_as_it_is():
    import click

    from paperkg.cli import flag_message
    from paperkg.errors import PaperkgError

    command = click.Command("x", params=[click.Option(["-k", "k"], type=int)])
    assert flag_message(PaperkgError("k must be 1", param="k"), command) == "-k must be 1"
    assert flag_message(PaperkgError("give k", param="k"), command) == "give k"
    assert flag_message(PaperkgError("kappa must be 1", param="kappa"), command) == (
        "kappa must be 1"
    )
    assert flag_message(PaperkgError("k must be 1"), command) == "k must be 1"


# --- what ``import paperkg`` offers -------------------------------------------------------------

PUBLIC = {
    "AmbiguousError",
    "BuildOptions",
    "BuildReport",
    "ExportError",
    "FetchError",
    "InputError",
    "ModelError",
    "Neo4jError",
    "NotFoundError",
    "PaperkgError",
    "ParameterError",
    "QueryError",
    "Snapshot",
    "SnapshotError",
    "__version__",
    "build",
    "open_snapshot",
}


def test_the_package_exports_the_public_api_and_nothing_else():
    import paperkg

    assert set(paperkg.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(paperkg, name) is not None, name
    for name in ("ExportError", "FetchError", "InputError", "NotFoundError", "ParameterError"):
        assert issubclass(getattr(paperkg, name), paperkg.PaperkgError)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        paperkg.nothing  # noqa: B018


def test_import_paperkg_loads_nothing_heavy_and_build_stays_the_function():
    """``import paperkg`` (and so the console script's start) imports no numpy, FAISS or
    networkx; ``paperkg.build`` is the function even after the CLI and the pipeline
    module are imported."""
    code = (
        "import sys, paperkg\n"
        "print(sorted({'numpy', 'faiss', 'networkx', 'torch'} & set(sys.modules)))\n"
        "import paperkg.cli, paperkg.pipeline\n"
        "from paperkg import build\n"
        "print(paperkg.build is build, callable(build), build.__module__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.splitlines() == ["[]", "True True paperkg.pipeline"]


# --- a Snapshot answers what the commands print ------------------------------------------------


@pytest.fixture(scope="module")
def api_out(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    import paperkg

    out = tmp_path_factory.mktemp("api") / "kg"
    paperkg.build([EXAMPLES], out, paperkg.BuildOptions(k=5), embedder=embedder)
    return out


def as_json(value: object) -> object:
    """``value`` as ``--json`` gives it: dataclasses as dicts, through JSON and back."""
    if isinstance(value, list):
        value = [asdict(item) if is_dataclass(item) else item for item in value]
    elif is_dataclass(value):
        value = asdict(value)
    return json.loads(json.dumps(value, default=str))


def cli_json(*args: object) -> object:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_each_method_returns_what_its_command_prints(api_out: Path):
    import paperkg

    snapshot = paperkg.open_snapshot(api_out)
    title = snapshot.paper("FoldLite").title
    pairs = [
        (["stats"], snapshot.stats()),
        (["similar", title, "-k", "4"], snapshot.similar(title, 4)),
        (["paper", "FoldLite"], snapshot.paper("FoldLite")),
        (["entities"], snapshot.entities()),
        (["entities", "--kind", "dataset"], snapshot.entities("dataset")),
        (
            ["entities", "--min-confidence", "0.8"],
            snapshot.entities(min_confidence=0.8),
        ),
        (["clusters"], snapshot.clusters()),
        (["clusters", "--changes"], snapshot.cluster_changes()),
        (["bridges", "--top", "3"], snapshot.bridges(3)),
    ]
    for args, value in pairs:
        assert cli_json(*args, "--out", api_out) == as_json(value), args
    assert snapshot.path == api_out
    assert snapshot.graph.number_of_nodes() > snapshot.stats()["papers"]
    assert repr(snapshot) == f"<paperkg.Snapshot {str(api_out)!r}>"


def test_views_and_exports_are_the_pages_and_files_the_commands_write(
    api_out: Path, tmp_path: Path
):
    import paperkg

    snapshot = paperkg.open_snapshot(api_out)
    views = [
        (["overview", "--min-score", "0.3"], snapshot.view("overview", min_score=0.3)),
        (["cluster", "1"], snapshot.view("cluster", 1)),
        (["paper", "FoldLite", "--depth", "2"], snapshot.view("paper", "FoldLite", depth=2)),
        (["bridges", "--top", "4"], snapshot.view("bridges", top=4)),
        (
            ["cluster", "1", "--min-confidence", "0.8"],
            snapshot.view("cluster", 1, min_confidence=0.8),
        ),
    ]
    for number, (args, html) in enumerate(views):
        page = tmp_path / f"{number}.html"
        result = run("view", *args, "--out", api_out, "-o", page)
        assert result.exit_code == 0, result.output
        assert page.read_text(encoding="utf-8") == html, args
    for fmt in ("graphml", "gexf"):
        written = snapshot.export(fmt, tmp_path / f"api.{fmt}")
        cli = cli_json("export", fmt, tmp_path / f"cli.{fmt}", "--out", api_out)
        assert (written.nodes, written.relationships) == (cli["nodes"], cli["relationships"])
        with pytest.raises(paperkg.ExportError, match="already exists"):
            snapshot.export(fmt, tmp_path / f"api.{fmt}")
        assert snapshot.export(fmt, tmp_path / f"api.{fmt}", force=True).bytes > 0
    csv = snapshot.export("neo4j-csv", tmp_path / "api-csv", database="papers")
    cli = cli_json(
        "export", "neo4j-csv", tmp_path / "cli-csv", "--database", "papers", "--out", api_out
    )
    assert [f.path.name for f in csv.files] == [Path(f["path"]).name for f in cli["files"]]
    assert csv.command_line().endswith(" papers")


def test_wrong_arguments_are_refused_by_parameter_name(api_out: Path):
    import paperkg

    snapshot = paperkg.open_snapshot(api_out)
    cases = [
        (lambda: snapshot.similar("anything", k=0), "k", "k must be at least 1, got 0"),
        (lambda: snapshot.entities("author"), "kind", "kind must be one of method, dataset"),
        (lambda: snapshot.bridges(0), "top", "top must be at least 1, got 0"),
        (lambda: snapshot.view("timeline"), "kind", "kind must be one of overview, cluster"),
        (lambda: snapshot.view("cluster"), "target", "target must be the cluster's id"),
        (lambda: snapshot.view("paper", 3), "target", "target must name the paper"),
        (lambda: snapshot.view("overview", "x"), "target", "target does not apply to the overview"),
        (
            lambda: snapshot.view("overview", depth=2),
            "depth",
            "depth does not apply to the overview view (it takes min_score, node_budget)",
        ),
        (lambda: snapshot.view("paper", "FoldLite", depth=0), "depth", "depth must be at least 1"),
        (
            lambda: snapshot.entities(min_confidence=-1),
            "min_confidence",
            "min_confidence must be between 0 and 1, got -1",
        ),
        (
            lambda: snapshot.view("bridges", min_confidence=2.0),
            "min_confidence",
            "min_confidence must be between 0 and 1, got 2.0",
        ),
        (
            lambda: snapshot.view("overview", min_confidence=0.5),
            "min_confidence",
            "min_confidence does not apply to the overview view",
        ),
        (lambda: snapshot.export("pdf", "x.pdf"), "fmt", "fmt must be one of graphml, gexf"),
        (
            lambda: snapshot.export("gexf", "x.gexf", database="papers"),
            "database",
            "database applies to the neo4j-csv export only",
        ),
        (lambda: snapshot.push("http://localhost:7474"), "uri", "uri http://localhost:7474 is"),
        (lambda: snapshot.push("bolt://localhost:1", batch_size=0), "batch_size", "batch_size"),
    ]
    for call, param, message in cases:
        with pytest.raises(paperkg.PaperkgError) as raised:
            call()
        assert raised.value.param == param, message
        assert str(raised.value).startswith(message), str(raised.value)
    with pytest.raises(paperkg.PaperkgError, match="no paper matches 'zzz'"):
        snapshot.paper("zzz")
    with pytest.raises(paperkg.SnapshotError, match="no snapshot at"):
        paperkg.open_snapshot(api_out.parent / "none")


# --- the index and the model are loaded once per Snapshot -------------------------------------


def test_two_text_searches_load_the_model_once_and_read_the_index_once(
    api_out: Path, monkeypatch: pytest.MonkeyPatch
):
    """Counted through a real Embedder (a subclass that notes each model it loads) and the
    real index reader: later searches load neither again."""
    import paperkg
    from paperkg import api
    from paperkg.graph.embed.embeddings import Embedder
    from paperkg.graph.snapshot.read import read_index

    loaded: list[Embedder] = []
    reads: list[Path] = []

    class Counted(Embedder):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            loaded.append(self)

    def counted_read_index(out: Path, manifest: Any) -> Any:
        reads.append(out)
        return read_index(out, manifest)

    monkeypatch.setattr(api, "Embedder", Counted)
    monkeypatch.setattr(api, "read_index", counted_read_index)
    snapshot = paperkg.open_snapshot(api_out)
    robots = snapshot.similar("robots folding cloth", 3)
    model, rows = snapshot._embedder, snapshot._resolver
    speech = snapshot.similar("speech recognition in noisy rooms", 3)
    assert snapshot.similar("robots folding cloth", 3) == robots != speech
    assert len(loaded) == 1 and snapshot._embedder is model is loaded[0]
    assert reads == [api_out]
    assert snapshot._resolver is rows is not None  # the paper resolver, made once too
    assert model.name == snapshot.stats()["model"]


def test_a_model_already_loaded_is_used_and_one_of_another_name_refused(
    api_out: Path, embedder: Any
):
    import paperkg
    from paperkg.graph.embed.embeddings import Embedder

    snapshot = paperkg.open_snapshot(api_out, embedder=embedder)
    hits = snapshot.similar("protein structure prediction from a single sequence", 3)
    assert snapshot._embedder is embedder
    assert "rotein" in hits[0].title
    other = Embedder("sentence-transformers/all-MiniLM-L6-v2")  # same weights, another name
    snapshot = paperkg.open_snapshot(api_out, embedder=other)
    with pytest.raises(paperkg.ModelError) as raised:
        snapshot.similar("protein structure prediction", 3)
    assert raised.value.param == "embedder"
    assert "was embedded with 'all-MiniLM-L6-v2'" in str(raised.value)


# --- push: a URI, or the caller's driver -------------------------------------------------------


def test_push_takes_a_bolt_uri_or_the_callers_own_driver(
    api_out: Path, neo4j_driver: Any, neo4j_server: tuple[str, str]
):
    import paperkg

    uri, password = neo4j_server
    snapshot = paperkg.open_snapshot(api_out)
    stages: list[str] = []
    by_uri = snapshot.push(uri, password=password, progress=lambda s, _d, _t: stages.append(s))
    assert by_uri.uri == uri and stages
    assert sum(by_uri.nodes.values()) == snapshot.graph.number_of_nodes()
    by_driver = snapshot.push(neo4j_driver)
    assert (by_driver.nodes, by_driver.relationships) == (by_uri.nodes, by_uri.relationships)
    neo4j_driver.verify_connectivity()  # used, not closed
    with pytest.raises(paperkg.Neo4jError) as raised:
        snapshot.push(neo4j_driver, database="nowhere")
    assert str(raised.value).startswith("the Neo4j server has no database 'nowhere'; ")


# --- the CLI parses, makes one call and renders ------------------------------------------------


def command_bodies() -> dict[str, int]:
    """Lines of each click command function's body in paperkg/cli.py, docstring left out."""
    tree = ast.parse((ROOT / "paperkg" / "cli.py").read_text(encoding="utf-8"))
    bodies = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if not any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr == "command"
            for d in node.decorator_list
        ):
            continue
        body = node.body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        bodies[node.name] = (body[-1].end_lineno or 0) - body[0].lineno + 1 if body else 0
    return bodies


def test_no_command_function_is_longer_than_40_lines():
    bodies = command_bodies()
    assert len(bodies) > 20  # the walk found the commands
    long = {name: lines for name, lines in bodies.items() if lines > 40}
    assert not long, f"command functions over 40 lines (move the work into the library): {long}"


def test_the_cli_reads_snapshots_only_through_the_python_api():
    source = (ROOT / "paperkg" / "cli.py").read_text(encoding="utf-8")
    assert "open_snapshot(out)" in source
    for name in ("read_snapshot", "push_snapshot", "entity_rows", "paper_profile", "render_html"):
        assert name not in source, name


def test_an_unknown_pack_is_refused_by_the_library_and_shown_by_the_cli():
    from paperkg.errors import QueryError
    from paperkg.queries import load_catalog

    assert {spec.pack for spec in load_catalog("citations")} == {"citations"}
    with pytest.raises(QueryError) as raised:
        load_catalog("nope")
    assert str(raised.value).startswith("no pack 'nope'; packs: around, bridges, citations, ")
    result = run("query", "list", "--pack", "nope")
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {raised.value}"
