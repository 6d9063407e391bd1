"""The documentation site builds offline with warnings as errors, and its generated references
cannot drift: every click command is in the CLI reference with its current help, and every
shipped query is in the catalogue with its current header.

The site is built once here (``mkdocs build --strict`` into a temporary folder), so the test
suite fails when ``make docs`` would.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest

from paperkg.cli import main
from paperkg.loaders import FORMATS
from paperkg.queries import load_catalog

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "WARNING" not in log, log
    print(f"mkdocs build --strict: {time.monotonic() - started:.1f} s")
    return out


class Sections(HTMLParser):
    """The text of a page's main content, split at its headings: ``[(heading, text)]``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", ""]]
        self.heading: str | None = None
        self.skip = 0
        self.in_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.in_article = True
        if not self.in_article:
            return
        if tag in HEADINGS:
            self.heading = ""
        elif tag == "a" and ("class", "headerlink") in attrs:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        if tag in HEADINGS and self.heading is not None:
            self.sections.append([" ".join(self.heading.split()), ""])
            self.heading = None
        elif tag == "a" and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_article or self.skip:
            return
        if self.heading is not None:
            self.heading += data
        else:
            self.sections[-1][1] += data


def page_sections(page: Path) -> list[list[str]]:
    parser = Sections()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.sections


def sections(page: Path) -> dict[str, str]:
    """A page's sections by heading; headings must be unique (they are link targets)."""
    found: dict[str, str] = {}
    for heading, text in page_sections(page):
        assert heading not in found or not heading, f"{page}: two sections called {heading!r}"
        found[heading] = text
    return found


def flat(text: str) -> str:
    """Whitespace collapsed, Markdown backticks dropped, and a line broken after a hyphen
    joined again, as text wraps differently in a terminal and on a page."""
    text = " ".join(text.replace("`", "").split())
    return re.sub(r"-\s+", "-", text)


def command_paths(
    command: click.Command, path: tuple[str, ...] = ("paperkg",)
) -> list[tuple[str, click.Command]]:
    """Every visible command and group of the CLI, with its full path."""
    found = [(" ".join(path), command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            if not sub.hidden:
                found += command_paths(sub, (*path, name))
    return found


COMMANDS = command_paths(main)


def test_the_cli_has_the_commands_the_readme_names():
    # Guards the walk below: a broken walk would make every coverage test pass vacuously.
    paths = {path for path, _ in COMMANDS}
    assert {"paperkg build", "paperkg query run", "paperkg fetch s2", "paperkg view paper"} <= paths
    assert len(paths) > 25


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_every_command_has_its_section_in_the_cli_reference(site: Path, path: str):
    reference = sections(site / "reference" / "cli.html")
    assert path in reference, f"{path} is missing from the CLI reference (docs/reference/cli.md)"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_the_cli_reference_shows_the_current_help(site: Path, path: str):
    """The section holds the command's description, usage, and each option with its help,
    as ``--help`` prints them now: a stale or hand-written reference fails here."""
    command = dict(COMMANDS)[path]
    text = flat(sections(site / "reference" / "cli.html")[path])
    description = inspect.cleandoc(command.help or command.short_help or "")
    for paragraph in description.split("\n\n"):
        assert flat(paragraph) in text, f"{path}: help paragraph not in the reference"
    ctx = click.Context(command, info_name=path.split()[-1])
    usage = " ".join(command.collect_usage_pieces(ctx))
    assert flat(f"{path} {usage}") in text
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or param.hidden:
            continue
        record = param.get_help_record(ctx)
        assert record is not None, f"{path} {param.opts}: no help record"
        names, help_text = record
        assert flat(names) in text, f"{path}: option {names} not in the reference"
        assert flat(help_text) in text, f"{path}: help of {names} is not the current one"
    if command.epilog:
        epilog = "\n".join(line for line in command.epilog.splitlines() if line != "\b")
        assert flat(epilog) in flat(sections(site / "reference" / "cli.html")["After the options"])


def test_the_query_catalogue_lists_every_shipped_query(site: Path):
    catalogue = sections(site / "reference" / "queries.html")
    specs = load_catalog()
    packs = {spec.pack for spec in specs}
    assert f"{len(specs)} queries in {len(packs)} packs." in flat(catalogue["Query packs"])
    for pack in packs:
        assert pack in catalogue, f"pack {pack} has no section"
    for spec in specs:
        text = flat(catalogue[spec.name])
        assert flat(spec.description) in text, spec.name
        for param in spec.params:
            assert f"{param.name} {param.type} {json.dumps(param.default)}" in text, spec.name
        assert flat(spec.cypher) in text, f"{spec.name}: the Cypher shown is not the shipped one"
        assert spec.source in text


def test_every_input_format_has_a_how_to(site: Path):
    headings = {
        heading: page.name
        for page in (site / "inputs").glob("*.html")
        for heading in sections(page)
    }
    for name in FORMATS:
        assert any(f"({name})" in heading for heading in headings), f"no how-to for {name}"


def test_the_pages_beside_the_site_are_in_it(site: Path):
    """design.md, benchmarks.md and reliability.md stay where they are and are in the nav;
    the changelog page is CHANGELOG.md itself."""
    nav = (site / "index.html").read_text(encoding="utf-8")
    for page in ("design.html", "benchmarks.html", "reliability.html", "changelog.html"):
        assert (site / page).is_file(), page
        assert f'href="{page}"' in nav, f"{page} is not in the navigation"
    headings = [heading for heading, _ in page_sections(site / "changelog.html")]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert "Unreleased" in headings
    assert any(heading.startswith(f"{version} - ") for heading in headings), headings
    assert (site / "images" / "overview.png").is_file()
    assert (site / "images" / "data-model.svg").is_file()
    assert not list(site.rglob("*.py")), "Python files are not pages"


def test_the_site_asks_the_network_for_nothing(site: Path):
    """No web fonts, no CDN scripts or stylesheets: the built pages open offline."""
    external = re.compile(
        r"""<(?:script|link|img|iframe)\b[^>]*?(?:src|href)=["']?(?:https?:)?//"""
    )
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not external.search(html), f"{page.relative_to(site)} loads from the network"
        assert "fonts.googleapis" not in html


# --- the Python API page: its examples run, and it names every public name ------------------

API_PAGE = ROOT / "docs" / "guides" / "python-api.md"


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of a Markdown page, in order."""
    return re.findall(r"^```python\n(.*?)^```$", page.read_text("utf-8"), re.M | re.S)


@pytest.mark.model
def test_the_python_api_page_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, neo4j_server: tuple[str, str]
):
    """Every example of docs/guides/python-api.md, run one after the other as a reader
    would, from a folder holding examples/ (the Neo4j one against the test server)."""
    blocks = python_blocks(API_PAGE)
    assert len(blocks) >= 6
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    uri, password = neo4j_server
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    namespace: dict[str, object] = {"__name__": "__python_api_page__"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{API_PAGE.name} example {number}", "exec")
        exec(code, namespace)
    assert (tmp_path / "overview.html").is_file()
    assert (tmp_path / "kg.graphml").is_file()
    assert (tmp_path / "kg-import" / "after-import.cypher").is_file()


def test_the_python_api_page_names_every_public_name():
    import paperkg
    from paperkg.api import Snapshot

    text = API_PAGE.read_text("utf-8")
    for name in paperkg.__all__:
        if name != "__version__":
            assert f"`{name}" in text or f"paperkg.{name}" in text, name
    for name, member in vars(Snapshot).items():
        if not name.startswith("_") and callable(member):
            assert f"Snapshot.{name}(" in text, f"Snapshot.{name} is not in the At a glance table"
