"""The linked offline site (`paperkg site`) on the seeds, walked in a real headless
Chromium by clicking what a person would click, and its files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run
from paperkg.graph import read_snapshot
from paperkg.viz import write_site
from paperkg.viz.site import INDEX, page_of


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeds_snapshot: Path) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    result = run("site", "--out", seeds_snapshot, "-o", folder)
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
    return folder


def _open(chromium, path: Path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    return page, errors, requests


def test_every_node_has_a_page_and_every_link_lands(site: Path, seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    expected = {p for n, d in graph.nodes(data=True) if (p := page_of(n, d))}
    written = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert written == expected | {INDEX, "bridges.html"}
    # one copy of vis-network for every map page, none inlined
    assert sorted(p.name for p in (site / "assets").iterdir()) == [
        "vis-network.css",
        "vis-network.min.js",
    ]
    for page in [site / INDEX, *site.glob("topics/*.html")]:
        html = page.read_text(encoding="utf-8")
        assert 'vis-network.min.js"></script>' in html and "@version 9.1.2" not in html
    for path in [site / INDEX, *sorted(site.glob("papers/*.html"))[:40], site / "bridges.html"]:
        html = path.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', html):
            if href.startswith(("http://", "https://")):
                continue
            assert (path.parent / href).resolve().is_file(), (path.name, href)


def test_a_folder_of_other_files_is_refused_and_nothing_is_written(
    tmp_path: Path, seeds_snapshot: Path
):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("site", "--out", seeds_snapshot, "-o", mine)
    assert result.exit_code != 0 and "index.html" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no scratch left


def test_a_site_written_again_is_replaced_whole(tmp_path: Path, seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    folder = tmp_path / "again"
    first = write_site(graph, folder)
    (folder / "papers" / "stale.html").write_text("old", encoding="utf-8")
    second = write_site(graph, folder)
    assert first.pages == second.pages and not (folder / "papers" / "stale.html").exists()


@pytest.mark.browser
def test_a_reader_clicks_from_the_overview_to_a_topic_a_paper_a_method_and_back(
    site: Path, chromium
):
    page, errors, requests = _open(chromium, site / INDEX)
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    # overview -> a cluster, by its link in the topic list under the map
    page.locator("#lists a[href^='topics/']").nth(1).click()
    page.wait_for_url(re.compile(r"/topics/\d+\.html$"))
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    topic_url = page.url
    # the topic -> its most central paper
    page.locator("#lists a[href^='../papers/']").first.click()
    page.wait_for_url(re.compile(r"/papers/.+\.html$"))
    paper_url = page.url
    assert page.locator(".kind").inner_text().lower() == "paper"
    # the paper -> a method it uses or introduces
    method = page.locator("a[href^='../methods/']").first
    method_name = method.inner_text()
    method.click()
    page.wait_for_url(re.compile(r"/methods/.+\.html$"))
    assert page.locator("h1").inner_text() == method_name
    # the method -> another paper using it
    others = page.locator("a[href^='../papers/']")
    hrefs = [others.nth(i).get_attribute("href") for i in range(others.count())]
    other = next(
        i for i, h in enumerate(hrefs) if h and h.split("/")[-1] != paper_url.split("/")[-1]
    )
    others.nth(other).click()
    page.wait_for_url(re.compile(r"/papers/.+\.html$"))
    assert page.url != paper_url
    # and back, twice: the method's page, then the paper
    page.go_back()
    page.wait_for_url(re.compile(r"/methods/.+\.html$"))
    page.go_back()
    assert page.url == paper_url
    # the panel of a node on a topic map links to that node's page
    page.goto(topic_url)
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    paper_id = page.evaluate("window.paperkgNodes.get().find(n => n.shape === 'dot').id")
    page.evaluate("id => window.paperkgOpenPanel(id)", paper_id)
    page.locator("#panel-page").click()
    page.wait_for_url(re.compile(r"/papers/.+\.html$"))
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests


@pytest.mark.browser
def test_search_lists_word_matches_before_substrings_and_not_found_clears(site: Path, chromium):
    page, errors, _requests = _open(chromium, site / INDEX)
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    page.fill("#search", "lora")
    items = page.locator("#search-results li")
    assert items.count() >= 2
    texts = [items.nth(i).inner_text().lower() for i in range(items.count())]
    words = [any(w.startswith("lora") for w in re.split(r"[^a-z0-9]+", t)) for t in texts]
    assert words[0], texts  # "LoRA: ..." before "FLoRA ..."
    assert words == sorted(words, reverse=True), texts  # no substring match above a word match
    items.first.click()
    assert page.locator("#panel.open h2").inner_text().lower() in texts[0]
    page.fill("#search", "no such paper anywhere")
    page.press("#search", "Enter")
    assert page.locator("#search-status").inner_text() == "not found"
    assert page.evaluate("window.paperkgNetwork.getSelectedNodes().length") == 0
    assert not page.locator("#panel").evaluate("p => p.classList.contains('open')")
    assert errors == []
