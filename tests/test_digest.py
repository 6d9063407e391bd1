"""The "this week" digest (`paperkg digest`) and the site's timeline page, on the this-week
story's feed: five days of invented listings, legged robots arriving on Wednesday. Real
builds with the real model, real files, and a real Chromium for the pages."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from browser import visit

from conftest import run
from paperkg.api import open_snapshot
from paperkg.errors import ParameterError, SnapshotError
from paperkg.graph import read_snapshot
from paperkg.graph.analytics import BurstOptions, Timeline, analyse_time, read_timeline
from paperkg.graph.analytics.timeline import TERM, TopicTimeline
from paperkg.graph.report.digest import CLOSE, digest
from paperkg.graph.schema import Label
from paperkg.pipeline import BuildOptions, build
from paperkg.viz import write_site
from paperkg.viz.digest import DigestLinks, digest_html, digest_markdown
from paperkg.viz.html import PALETTE, UNCLUSTERED_COLOR
from paperkg.viz.site import INDEX, TIMELINE_PAGE, page_of
from paperkg.viz.timeline import stacked_chart, topic_rows

FEED = Path(__file__).resolve().parents[1] / "stories" / "this-week" / "feed"
WEDNESDAY = "2026-04-08"


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The week's snapshot, built at once with ``--html``: its site is in ``kg/site``."""
    out = tmp_path_factory.mktemp("week") / "kg"
    build([FEED], out, BuildOptions(year=2026, html=True), embedder=embedder)
    return out


@pytest.fixture(scope="module")
def graph(week: Path) -> nx.MultiDiGraph:
    return read_snapshot(week).graph


@pytest.fixture(scope="module")
def sensitive(graph: nx.MultiDiGraph) -> Timeline:
    """The week's timeline with a looser significance test: five days are too few for the
    default one, and the page and the digest need bursts to list."""
    return analyse_time(graph.copy(), options=BurstOptions(alpha=0.1))


def _dated(graph: nx.MultiDiGraph, first: str, last: str) -> int:
    return sum(1 for _n, d in graph.nodes(data=True) if first <= d.get("published", "") <= last)


def _robots(found, graph: nx.MultiDiGraph):
    """The legged-robots topic: the one holding PawPrint, Wednesday's paper of the method."""
    pawprint = next(d for _n, d in graph.nodes(data=True) if d.get("title", "").startswith("PawP"))
    return next(t for t in found.topics if t.id == pawprint["topic"])


def test_wednesdays_papers_come_grouped_with_the_new_legged_robots_topic_first(
    graph: nx.MultiDiGraph, sensitive: Timeline
):
    found = digest(graph, sensitive, WEDNESDAY, WEDNESDAY)
    assert (found.since, found.until, found.unit, found.newest, found.oldest) == (
        WEDNESDAY,
        WEDNESDAY,
        "day",
        "2026-04-10",
        "2026-04-06",
    )
    assert found.papers == _dated(graph, WEDNESDAY, WEDNESDAY) == 7
    sizes = [t.size for t in found.topics]
    assert sizes == sorted(sizes, reverse=True)
    robots = _robots(found, graph)
    assert found.topics[0] is robots and robots.size == 4
    papers = [p for c in robots.clusters for p in c.papers]
    assert {p.published for p in papers} == {WEDNESDAY}
    for paper in papers:
        # the closest earlier papers: at most three, dated before Wednesday, closest first
        assert len(paper.earlier) <= 3, paper.title
        assert all(e.published < WEDNESDAY and not e.also_new for e in paper.earlier)
        cosines = [e.cosine for e in paper.earlier]
        assert cosines == sorted(cosines, reverse=True)
        # nothing before Wednesday is about legged robots: every one breaks new ground
        assert paper.new_ground and all(c < CLOSE for c in cosines)
    introduced = {
        (e.kind, e.name) for p in papers for e in p.entities if e.relation == "INTRODUCES"
    }
    assert {(Label.METHOD, "PawPrint"), (Label.DATASET, "GaitBench")} <= introduced
    # the papers of the topics that ran since Monday have close earlier ones
    others = [p for t in found.topics if t is not robots for c in t.clusters for p in c.papers]
    assert others and all(p.earlier and not p.new_ground for p in others)
    # the period's bursts: those of the timeline that overlap Wednesday, strongest first
    assert found.bursts and found.bursts == [
        b for b in sensitive.bursts if b.start <= WEDNESDAY <= b.end
    ]


def test_fridays_robot_papers_have_close_earlier_ones_of_their_own_topic(
    graph: nx.MultiDiGraph,
):
    found = digest(graph, None, "2026-04-10")
    robots = _robots(found, graph)
    papers = [p for c in robots.clusters for p in c.papers]
    assert papers and all(p.earlier and not p.new_ground for p in papers)
    members = {n for n, d in graph.nodes(data=True) if d.get("topic") == robots.id}
    for paper in papers:
        assert all("2026-04-08" <= e.published < "2026-04-10" for e in paper.earlier)
        assert paper.earlier[0].id in members  # the closest is one of Wednesday's robots


def test_the_default_window_is_the_newest_period_and_since_alone_runs_to_the_newest(
    week: Path, graph: nx.MultiDiGraph
):
    snapshot = open_snapshot(week)
    newest = snapshot.digest()
    friday = _dated(graph, "2026-04-10", "2026-04-10")
    assert (newest.since, newest.until, newest.papers) == ("2026-04-10", "2026-04-10", friday)
    since = snapshot.digest(since="2026-04-09")
    assert (since.since, since.until) == ("2026-04-09", "2026-04-10")
    assert since.papers == friday + 7
    until = snapshot.digest(until="2026-04-07")
    assert (until.since, until.until, until.papers) == ("2026-04-07", "2026-04-07", 7)
    whole = snapshot.digest("2026-04-01", "2026-04-30")
    assert whole.papers == _dated(graph, "2026-04-01", "2026-04-30")
    earlier = [e for t in whole.topics for c in t.clusters for p in c.papers for e in p.earlier]
    assert earlier and all(e.also_new for e in earlier)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (
            "2026-05-01",
            None,
            "no paper is dated between 2026-05-01 and 2026-05-01; the newest is 2026-04-10",
        ),
        (None, "2026-03-31", "no paper is dated between 2026-03-31 and 2026-03-31"),
        ("2026-04-10", "2026-04-06", "since (2026-04-10) is after until (2026-04-06)"),
        ("last week", None, "since must be a date like"),
    ],
)
def test_a_window_outside_the_dates_is_one_clear_error(
    graph: nx.MultiDiGraph, since, until, message
):
    with pytest.raises(ParameterError, match=re.escape(message)):
        digest(graph, None, since, until)


def test_a_quiet_day_inside_the_dates_is_an_empty_digest(graph: nx.MultiDiGraph):
    quiet = graph.copy()
    quiet.remove_nodes_from(
        [n for n, d in graph.nodes(data=True) if d.get("published") == "2026-04-09"]
    )
    found = digest(quiet, None, "2026-04-09", "2026-04-09")
    assert found.papers == 0 and found.topics == []
    assert "No paper is dated in this window." in digest_markdown(found, quiet)


def _undated(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    copy = graph.copy()
    for _node, data in copy.nodes(data=True):
        for key in ("published", "listed", "listed_dates"):
            data.pop(key, None)
    return copy


def test_an_undated_snapshot_has_no_digest_and_its_site_says_why_there_is_no_timeline(
    graph: nx.MultiDiGraph, tmp_path: Path
):
    undated = _undated(graph)
    with pytest.raises(SnapshotError, match="no paper of this snapshot has a date"):
        digest(undated, None)
    timeline = analyse_time(undated.copy())
    assert timeline.unit is None
    write_site(undated, tmp_path / "site", timeline=timeline)
    assert not (tmp_path / "site" / TIMELINE_PAGE).exists()
    index = (tmp_path / "site" / INDEX).read_text(encoding="utf-8")
    assert "No timeline: no paper has a date" in index and TIMELINE_PAGE not in index


def test_markdown_and_html_are_written_by_their_suffix(
    week: Path, graph: nx.MultiDiGraph, tmp_path: Path
):
    markdown = tmp_path / "week.md"
    result = run(
        "digest", "--out", week, "--since", WEDNESDAY, "--until", WEDNESDAY, "-o", markdown
    )
    assert result.exit_code == 0, result.output
    assert f"7 papers dated {WEDNESDAY}" in result.output
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith(f"# New papers, {WEDNESDAY}\n")
    assert "## Topic" in text and "PawPrint" in text and "closest earlier" in text
    # the HTML beside the site links into it, relatively, and every link lands
    page = week / "digest.html"
    result = run("digest", "--out", week, "--since", WEDNESDAY, "-o", page, "--json")
    assert result.exit_code == 0, result.output
    papers = _dated(graph, WEDNESDAY, "2026-04-10")
    assert '"format": "html"' in result.output and f'"papers": {papers}' in result.output
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "<script" not in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    local = [h for h in hrefs if not h.startswith("https://")]
    assert any(h.startswith("site/papers/") for h in local)
    assert any(h.startswith("site/methods/") for h in local)
    assert any(h.startswith("site/topics/") for h in local)
    for href in local:
        assert (week / href).is_file(), href


def test_html_away_from_the_site_links_to_it_by_absolute_file_urls(
    week: Path, graph: nx.MultiDiGraph, tmp_path: Path
):
    found = digest(graph, None, WEDNESDAY, WEDNESDAY)
    html = digest_html(found, DigestLinks(graph, week / "site", tmp_path / "away.html"))
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(h.startswith("file:///") for h in hrefs)
    # no site at all: papers link to the web where they can, entities and topics not at all
    bare = digest_html(found, DigestLinks(graph, None, tmp_path / "away.html"))
    assert all(h.startswith("https://") for h in re.findall(r'href="([^"]+)"', bare))


def test_a_bad_suffix_and_an_existing_file_are_refused(week: Path, tmp_path: Path):
    text = tmp_path / "digest.txt"
    result = run("digest", "--out", week, "-o", text)
    assert result.exit_code == 1
    assert "--output must end in .html or .md" in result.output and "'.txt'" in result.output
    assert not text.exists()
    mine = tmp_path / "notes.md"
    mine.write_text("my notes", encoding="utf-8")
    result = run("digest", "--out", week, "-o", mine)
    assert result.exit_code == 1 and "--force" in result.output
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]  # no scratch left
    result = run("digest", "--out", week, "-o", mine, "--force")
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8").startswith("# New papers, 2026-04-10")


def test_a_window_after_the_feed_names_the_newest_date_on_the_command_line(
    week: Path, tmp_path: Path
):
    result = run("digest", "--out", week, "--since", "2026-04-13", "-o", tmp_path / "x.md")
    assert result.exit_code == 1
    assert "no paper is dated between 2026-04-13 and 2026-04-13; the newest is 2026-04-10" in (
        result.output
    )
    assert not (tmp_path / "x.md").exists()


def test_hostile_text_stays_text_in_both_formats(graph: nx.MultiDiGraph, tmp_path: Path):
    hostile = graph.copy()
    paper = next(n for n, d in hostile.nodes(data=True) if d.get("published") == WEDNESDAY)
    hostile.nodes[paper].update(
        title="<script>alert(1)</script> [x](javascript:alert(1))",
        code=["javascript:alert(1)", "https://github.com/safe/repo"],
        arxiv_id=None,
        doi=None,
        url="javascript:alert(2)",
    )
    found = digest(hostile, None, WEDNESDAY, WEDNESDAY)
    html = digest_html(found, DigestLinks(hostile, None, tmp_path / "d.html"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]+)"', html))
    assert 'href="https://github.com/safe/repo"' in html
    markdown = digest_markdown(found, hostile)
    assert "<script>" not in markdown and "\\[x\\]" in markdown
    assert "](<javascript" not in markdown


@pytest.mark.browser
def test_a_reader_clicks_from_the_digest_into_the_site(
    week: Path, graph: nx.MultiDiGraph, chromium
):
    page_file = week / "clicked.html"
    result = run(
        "digest", "--out", week, "--since", WEDNESDAY, "--until", WEDNESDAY, "-o", page_file
    )
    assert result.exit_code == 0, result.output
    seen = visit(chromium, page_file, graph=False)
    page = seen.page
    topic = page.locator("section.topic").first
    robots = _robots(digest(graph, None, WEDNESDAY, WEDNESDAY), graph)
    assert topic.get_attribute("data-topic") == str(robots.id)
    assert robots.label in topic.locator("h2").inner_text()
    first = topic.locator("li.paper > a.title").first
    title = first.inner_text()
    assert topic.locator("li.paper").first.locator("li.earlier").count() >= 1
    first.click()
    page.wait_for_url(re.compile(r"/site/papers/.+\.html$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".kind").inner_text().lower() == "paper"
    assert seen.console_errors == [] and seen.dialogs == []
    assert all(url.startswith("file://") for url in seen.requests), seen.requests


@pytest.mark.browser
def test_the_timeline_page_draws_the_topics_and_lists_the_bursts(
    graph: nx.MultiDiGraph, sensitive: Timeline, tmp_path: Path, chromium
):
    folder = tmp_path / "site"
    report = write_site(graph, folder, timeline=sensitive)
    assert report.pages["timeline"] == 1
    index = (folder / INDEX).read_text(encoding="utf-8")
    assert f'href="{TIMELINE_PAGE}"' in index and "5 days, 2026-04-06 to 2026-04-10" in index
    seen = visit(chromium, folder / TIMELINE_PAGE, graph=False)
    page = seen.page
    topics = [t for t in sensitive.topics if t.level == 1]
    bands = page.locator("#chart polygon.band")
    assert bands.count() == len(topics)  # every paper is in a topic: no grey band
    drawn = {int(bands.nth(i).get_attribute("data-topic")) for i in range(bands.count())}
    assert drawn == {t.cluster for t in topics}
    box = page.locator("#chart").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100
    dates = page.eval_on_selector_all("#chart text.period", "els => els.map(e => e.textContent)")
    assert dates == sensitive.periods
    rows = page.locator("table.topics tr.topic")
    assert rows.count() == len(topics)
    biggest = max(topics, key=lambda t: (sum(t.counts), -t.cluster))
    assert rows.first.get_attribute("data-cluster") == str(biggest.cluster)  # most papers first
    items = page.locator("#bursts li")
    assert items.count() == len(sensitive.bursts) > 0
    # a burst of a method, dataset or topic links to its page; a term's is plain text
    linked = [b for b in sensitive.bursts if b.kind != TERM]
    assert page.locator("#bursts li a").count() == len(linked) > 0
    name = page.locator("#bursts li a").first.inner_text()
    page.locator("#bursts li a").first.click()
    page.wait_for_url(re.compile(r"/(topics|methods|datasets)/[^/]+\.html$"))
    assert name in page.locator("h1").inner_text()
    assert seen.console_errors == []
    assert all(url.startswith("file://") for url in seen.requests), seen.requests


def test_the_timeline_page_links_every_burst_with_a_page(
    graph: nx.MultiDiGraph, sensitive: Timeline, tmp_path: Path
):
    method = next(n for n, d in graph.nodes(data=True) if d.get("name") == "PawPrint")
    with_method = replace(
        sensitive,
        bursts=[
            *sensitive.bursts,
            replace(
                sensitive.bursts[0], kind=Label.METHOD, key=method, name="PawPrint", level=None
            ),
        ],
    )
    folder = tmp_path / "site"
    write_site(graph, folder, timeline=with_method)
    html = (folder / TIMELINE_PAGE).read_text(encoding="utf-8")
    assert f'href="{page_of(method, graph.nodes[method])}"' in html
    for href in re.findall(r'href="([^"]+)"', html):
        assert (folder / href).is_file(), href


def test_build_html_writes_the_timeline_page_of_the_snapshots_timeline(week: Path):
    stored = read_timeline(week)
    assert stored is not None and stored.unit == "day" and len(stored.periods) == 5
    page = (week / "site" / TIMELINE_PAGE).read_text(encoding="utf-8")
    assert page.count('class="band"') == len([t for t in stored.topics if t.level == 1])
    assert f"{stored.dated} dated papers in 5 days" in page
    index = (week / "site" / INDEX).read_text(encoding="utf-8")
    assert f'href="{TIMELINE_PAGE}"' in index


def test_the_chart_stacks_topics_with_papers_in_no_topic_on_top_even_for_one_period():
    one = Timeline(
        unit="week",
        periods=["2026-04-06"],
        period_ends=["2026-04-12"],
        totals=[5],
        undated=0,
        topics=[
            TopicTimeline(3, 1, "robots", [3], [["legged", "terrain"]]),
            TopicTimeline(4, 1, "weather", [1], [[]]),
            TopicTimeline(9, 2, "robots", [3], [[]]),
        ],
    )
    chart = stacked_chart(one)
    assert [(layer.cluster, layer.total) for layer in chart.layers] == [(3, 3), (4, 1), (-1, 1)]
    assert chart.layers[-1].color == UNCLUSTERED_COLOR
    assert chart.layers[0].color == PALETTE[3] and chart.layers[1].color == PALETTE[4]
    tops = []
    for layer in chart.layers:
        points = [tuple(map(float, p.split(","))) for p in layer.points.split()]
        assert len(points) == 4  # one step: a rectangle from the left edge to the right
        tops.append(min(y for _x, y in points))
    assert tops == sorted(tops, reverse=True)  # each band above the one before
    assert min(tops) == chart.top  # the tallest stack reaches the top of the plot
    rows = topic_rows(one, parents={9: 3})
    assert [r.cluster for r in rows] == [3, 4]
    assert rows[0].labels == [("2026-04-06", "legged, terrain")] and rows[1].labels == []
    assert rows[0].clusters == []  # one cluster inside: no nested row
