"""Shared fixtures: real files, the real model, real snapshots. Nothing is downloaded."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser import browser
from click.testing import CliRunner, Result
from hypothesis import settings
from neo4j_server import LocalNeo4j
from seed_pages import SEEDS, missing_seeds

# Tests must never reach the Hugging Face Hub: the default model ships in a package.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

# Hypothesis profiles (tests/test_fuzz.py), chosen by HYPOTHESIS_PROFILE: "light" keeps the
# normal run fast; "fuzz" (make fuzz) runs over 10,000 generated cases; "ci" is in between.
# ``deadline`` flags a slow case; the fuzz tests also stop any case at 10 s (a hang).
settings.register_profile("light", max_examples=20, deadline=2000)
settings.register_profile("ci", max_examples=60, deadline=2000)
settings.register_profile("fuzz", max_examples=250, deadline=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "light"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LISTING = DATA / "listing"
EXAMPLES = ROOT / "examples"


#: What a test needs beyond Python, or what makes it slow, by the fixture that brings it in.
#: Each is a marker registered in pyproject.toml; ``make test-fast`` leaves them all out
#: (``-m "not neo4j and not browser and not model and not slow"``), ``make test`` runs all.
NEEDS = {
    "neo4j_server": "neo4j",
    "chromium": "browser",
    "embedder": "model",
    "examples_out": "model",  # tests/test_cli*.py: snapshots built through the CLI
    "hostile_out": "model",
    "site": "slow",  # tests/test_docs.py: mkdocs build --strict
    "dist": "slow",  # tests/test_packaging.py: python -m build, then the wheel installed
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the fixtures it uses, directly or through other fixtures (a module
    fixture that builds with ``embedder`` marks every test using it). Tests that reach a
    server, a browser or the model another way (the CLI's ``build``, a subprocess, their own
    server, a large input) carry the marker themselves."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture, marker in NEEDS.items():
            if fixture in names:
                item.add_marker(marker)


_running: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """Remember the running test (its fixtures included) for ``_only_when_marked``."""
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def _only_when_marked(marker: str, what: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """``call`` that first fails a running test not marked ``marker``: the fast subset can
    never reach the model, Neo4j or Chromium by accident, and a full run names any test
    that lacks its marker."""

    @functools.wraps(call)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _running and _running[-1].get_closest_marker(marker) is None:
            pytest.fail(
                f"{_running[-1].nodeid} {what}: mark it @pytest.mark.{marker}", pytrace=False
            )
        return call(*args, **kwargs)

    return guarded


def _guard(owner: object, name: str, marker: str, what: str) -> None:
    setattr(owner, name, _only_when_marked(marker, what, getattr(owner, name)))


def _guard_the_expensive_things() -> None:
    import browser as browser_module
    import neo4j_server

    from paperkg.graph.embed import embeddings

    # Every Embedder loads through one of these two (in this process; subprocesses are not
    # seen, so tests that build through one carry the marker themselves).
    _guard(embeddings, "_load", "model", "loads the embedding model")
    _guard(embeddings, "_openvino", "model", "loads the embedding model")
    _guard(neo4j_server.LocalNeo4j, "start", "neo4j", "starts a Neo4j server")
    _guard(browser_module, "sync_playwright", "browser", "starts Chromium")


_guard_the_expensive_things()


def run(*args: object) -> Result:
    """The CLI run in-process, as a user would call it."""
    from paperkg.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def edge_set(graph: nx.MultiDiGraph) -> set[tuple]:
    """Every edge with its properties, comparable across snapshots."""
    return {
        (u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in graph.edges(keys=True, data=True)
    }


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The five real listing pages beside the checkout (tests/seed_pages.py says where);
    their absence fails every test that reads them, with one line saying where they go."""
    problem = missing_seeds()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    return SEEDS


@pytest.fixture(scope="session")
def embedder():
    """The default model, loaded once for the whole session."""
    from paperkg.graph import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def seeds_snapshot(tmp_path_factory: pytest.TempPathFactory, seeds: Path, embedder) -> Path:
    """A snapshot of the seeds, built once."""
    from paperkg.pipeline import build

    out = tmp_path_factory.mktemp("seeds") / "kg"
    build([seeds], out, embedder=embedder)
    return out


@pytest.fixture(scope="module")
def seeds_in_neo4j(neo4j_server: tuple[str, str], seeds_snapshot: Path):
    """A driver to the test server holding the seed snapshot alone (pushed once per module)."""
    import neo4j

    from paperkg.graph import read_snapshot
    from paperkg.graph.neo4j.store import push_snapshot

    uri, password = neo4j_server
    driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", password))
    driver.execute_query("MATCH (n) DETACH DELETE n")
    push_snapshot(driver, read_snapshot(seeds_snapshot))
    yield driver
    driver.close()


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` by relative path: equal digests, identical bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def _local_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j | None]:
    """The local server we start, with Neo4j Browser on HTTP (None when NEO4J_URI names
    another server)."""
    if os.environ.get("NEO4J_URI"):
        yield None
        return
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j"), http=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_server(_local_neo4j: LocalNeo4j | None) -> tuple[str, str]:
    """``(uri, password)`` of a real Neo4j: NEO4J_URI if set, else a local one we start.

    A server that cannot start fails the tests that need it; they are never skipped.
    """
    if _local_neo4j is None:
        return os.environ["NEO4J_URI"], os.environ.get("NEO4J_PASSWORD", "")
    return _local_neo4j.uri, _local_neo4j.password


@pytest.fixture(scope="session")
def neo4j_browser(_local_neo4j: LocalNeo4j | None) -> str:
    """The URL of the Neo4j Browser the test server serves (NEO4J_BROWSER_URL beside an
    outside NEO4J_URI); its absence fails the tests that drive Browser."""
    if _local_neo4j is not None and _local_neo4j.browser_url:
        return _local_neo4j.browser_url
    url = os.environ.get("NEO4J_BROWSER_URL")
    if not url:
        pytest.fail("NEO4J_URI is set but NEO4J_BROWSER_URL is not: give its Browser's URL")
    return url


@pytest.fixture
def neo4j_driver(neo4j_server: tuple[str, str]):
    """A driver to an emptied database (Community has one user database, so tests share it)."""
    import neo4j

    uri, password = neo4j_server
    driver = neo4j.GraphDatabase.driver(uri, auth=("neo4j", password))
    driver.execute_query("MATCH (n) DETACH DELETE n")
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for every browser test (see tests/browser.py)."""
    with browser() as launched:
        yield launched
