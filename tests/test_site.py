"""The linked offline site (`paperkg site`) on the seeds, walked in a real headless
Chromium by clicking what a person would click, and its files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run
from paperkg.graph import read_snapshot
from paperkg.graph.model import is_paper
from paperkg.graph.schema import Label
from paperkg.viz import overview, render_html, write_site
from paperkg.viz.site import INDEX, TIMELINE_PAGE, page_of


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
    maps = {f"around/{p.split('/', 1)[1]}" for p in expected if p.startswith("papers/")}
    assert written == expected | maps | {INDEX, "bridges.html", TIMELINE_PAGE}  # dated seeds
    # one copy of vis-network for every map page, none inlined, and the search index
    assert sorted(p.name for p in (site / "assets").iterdir()) == [
        "search-index.js",
        "vis-network.css",
        "vis-network.min.js",
    ]
    script = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    prefix = "window.paperkgSiteIndex = "
    assert script.startswith(prefix) and script.isascii()  # no character can end it early
    entries = json.loads(script[len(prefix) :].rstrip().rstrip(";"))
    assert {href for _kind, _text, href in entries} == expected
    assert {kind for kind, _text, _href in entries} >= {"Paper", "Method", "Topic", "Cluster"}
    for page in [site / INDEX, *site.glob("topics/*.html")]:
        html = page.read_text(encoding="utf-8")
        assert 'vis-network.min.js"></script>' in html and "@version 9.1.2" not in html
    pages = [site / INDEX, *sorted(site.glob("papers/*.html"))[:40], site / "bridges.html"]
    for path in [*pages, site / TIMELINE_PAGE]:
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
    # the paper -> a method it uses or introduces, one that another paper uses too
    methods = page.locator("a[href^='../methods/']")
    for index in range(methods.count()):
        method = methods.nth(index)
        method_name = method.inner_text()
        method.click()
        page.wait_for_url(re.compile(r"/methods/.+\.html$"))
        assert page.locator("h1").inner_text() == method_name
        headings = page.locator("h2").all_inner_texts()
        assert {"Broad topics", "Clusters"} <= set(headings), headings  # the method's topics
        others = page.locator("a[href^='../papers/']")
        hrefs = [others.nth(i).get_attribute("href") for i in range(others.count())]
        mine = paper_url.split("/")[-1]
        other = next((i for i, h in enumerate(hrefs) if h and h.split("/")[-1] != mine), None)
        if other is not None:
            break
        page.go_back()
        page.wait_for_url(paper_url)
    assert other is not None, "no method of the paper is used by another paper"
    # the method -> another paper using it
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
    names = page.locator("#search-results li > span:nth-child(2)")
    texts = [names.nth(i).inner_text().lower() for i in range(names.count())]
    words = [any(w.startswith("lora") for w in re.split(r"[^a-z0-9]+", t)) for t in texts]
    assert words[0], texts  # "LoRA: ..." before "FLoRA ..."
    assert words == sorted(words, reverse=True), texts  # no substring match above a word match
    in_view = page.locator("#search-results li[data-id]").first
    chosen = in_view.inner_text().lower()
    in_view.click()
    assert page.locator("#panel.open h2").inner_text().lower() in chosen
    page.fill("#search", "no such paper anywhere")
    page.press("#search", "Enter")
    assert page.locator("#search-status").inner_text() == "not found"
    assert page.evaluate("window.paperkgNetwork.getSelectedNodes().length") == 0
    assert not page.locator("#panel").evaluate("p => p.classList.contains('open')")
    assert errors == []


def _busiest(graph, kind: str) -> tuple[str, str]:
    """The node of ``kind`` with the most papers linked to it, and its name."""
    node = max(
        (n for n, d in graph.nodes(data=True) if d.get("type") == kind),
        key=lambda n: (graph.in_degree(n), n),
    )
    return node, graph.nodes[node]["name"]


@pytest.mark.browser
def test_search_on_the_overview_lists_a_method_and_opens_its_page(
    site: Path, seeds_snapshot: Path, chromium
):
    graph = read_snapshot(seeds_snapshot).graph
    method, name = _busiest(graph, str(Label.METHOD))
    page, errors, _requests = _open(chromium, site / INDEX)
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    assert page.evaluate("window.paperkgNodes.get().every(n => n.shape !== 'diamond')")
    page.fill("#search", name)
    hit = page.locator("#search-results li[data-href]").filter(has_text=name).first
    assert "method" in hit.inner_text().lower()
    assert hit.get_attribute("data-href") == page_of(method, graph.nodes[method])
    hit.click()
    page.wait_for_url(re.compile(r"/methods/.+\.html$"))
    assert page.locator("h1").inner_text() == name
    assert errors == []


@pytest.mark.browser
def test_the_overview_names_its_topics_on_the_canvas_and_more_papers_as_you_zoom(
    site: Path, seeds_snapshot: Path, chromium
):
    graph = read_snapshot(seeds_snapshot).graph
    topics = {
        d["id"]
        for _n, d in graph.nodes(data=True)
        if d.get("type") == Label.CLUSTER and d.get("level") == 1
    }
    page, errors, _requests = _open(chromium, site / INDEX)
    page.wait_for_function("window.paperkgCanvasLabels.length > 0", timeout=30_000)
    drawn = page.evaluate("window.paperkgCanvasLabels")
    named = {label["id"] for label in drawn if label["kind"] == "topic"}
    assert len(named) >= len(topics) // 2 and named <= topics, (named, topics)
    papers = [label for label in drawn if label["kind"] == "paper"]
    top = max(
        (n for n, d in graph.nodes(data=True) if is_paper(d)),
        key=lambda n: graph.nodes[n].get("pagerank", 0.0),
    )
    assert top in {label["id"] for label in papers}  # the most central is always named
    page.evaluate("() => { const n = window.paperkgNetwork; n.moveTo({scale: n.getScale() * 3}); }")
    page.wait_for_timeout(300)
    zoomed = [
        label for label in page.evaluate("window.paperkgCanvasLabels") if label["kind"] == "paper"
    ]
    assert len(zoomed) > len(papers)
    assert errors == []


@pytest.mark.browser
def test_colour_modes_legend_toggles_and_the_date_filter(
    seeds_snapshot: Path, chromium, tmp_path: Path
):
    graph = read_snapshot(seeds_snapshot).graph
    papers = sorted(n for n, d in graph.nodes(data=True) if is_paper(d))
    for number, paper in enumerate(papers):  # spread the seeds' three listing days over a year
        graph.nodes[paper]["published"] = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"
    path = tmp_path / "dated.html"
    path.write_text(render_html(overview(graph)), encoding="utf-8")
    page, errors, _requests = _open(chromium, path)
    page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
    modes = page.eval_on_selector_all("#colour-by option", "os => os.map(o => o.value)")
    assert modes == ["cluster", "topic", "date", "pagerank", "recent"]
    colours = "() => new Set(window.paperkgNodes.get().map(n => n.color)).size"
    by_cluster = page.evaluate(colours)
    page.select_option("#colour-by", "date")
    assert page.evaluate(colours) > by_cluster and page.locator("#legend .ramp").count() == 1
    page.select_option("#colour-by", "pagerank")
    assert page.evaluate(colours) > by_cluster  # one shade per rank, not per cluster
    page.select_option("#colour-by", "recent")  # time-decayed PageRank: the darkest is the top
    lately = max(papers, key=lambda p: graph.nodes[p]["recent_pagerank"])
    colour = f"() => window.paperkgNodes.get({lately!r}).color"
    assert page.evaluate(colour) == "#00441b" and page.locator("#legend .ramp").count() == 1
    # a legend entry hides its cluster's papers and shows them again
    page.select_option("#colour-by", "cluster")
    entry = page.locator("#legend button").first
    group = int(entry.get_attribute("data-group"))
    members = {p for p in papers if graph.nodes[p].get("cluster") == group}
    hidden = "() => window.paperkgNodes.get().filter(n => n.hidden).map(n => n.id)"
    entry.click()
    assert set(page.evaluate(hidden)) == members
    assert entry.get_attribute("aria-pressed") == "false"
    entry.click()
    assert page.evaluate(hidden) == []
    # the date filter: January to March only
    page.evaluate(
        """() => { const to = document.getElementById('date-to');
        const ds = JSON.parse(document.getElementById('paperkg-meta').textContent);
        const dates = [...new Set(Object.values(ds).map(m => m.date).filter(Boolean))].sort();
        to.value = String(dates.findLastIndex(d => d < '2024-04-01'));
        to.dispatchEvent(new Event('input')); }"""
    )
    shown = {p for p in papers if graph.nodes[p]["published"] < "2024-04-01"}
    assert set(page.evaluate(hidden)) == set(papers) - shown
    assert f"{len(shown)} of {len(papers)} papers" in page.inner_text("#date-shown")
    assert errors == []


def test_seeds_are_dated_from_their_listing_pages_and_undated_papers_offer_no_date_colour(
    seeds_snapshot: Path,
):
    graph = read_snapshot(seeds_snapshot).graph
    assert '"date": null' not in render_html(overview(graph))  # every seed paper is dated
    undated = graph.copy()
    for _node, data in undated.nodes(data=True):
        data.pop("published", None)
    html = render_html(overview(undated))
    assert '"date": null' in html and '"date": "' not in html
