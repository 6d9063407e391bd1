"""Screenshots for the README and docs/gallery.md, by the tests' browser harness.

The single-file views of the example corpus (overview, cluster, FoldLite's paper view with its
panel open, bridges, the papers around FoldLite, the paths from FoldLite to ResiDiff), every
page kind of its linked site (overview, broad topic, cluster, paper, method, bridges, the
search list), and the this-week story's timeline page and digest (its feed built a day at a
time, dated 2026). ``--seeds`` photographs the same site pages built from ../shared/seeds
into test-output/gallery-seeds/ instead: those pictures show the seed pages' real titles,
which the repository does not keep, so they are not committed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import browser, visit  # noqa: E402

from paperkg.api import open_snapshot  # noqa: E402
from paperkg.graph import read_snapshot  # noqa: E402
from paperkg.graph.model import is_paper  # noqa: E402
from paperkg.graph.report.around import around  # noqa: E402
from paperkg.graph.report.connect import connect  # noqa: E402
from paperkg.graph.report.lookup import find_paper  # noqa: E402
from paperkg.graph.schema import Label  # noqa: E402
from paperkg.pipeline import BuildOptions, build  # noqa: E402
from paperkg.viz import (  # noqa: E402
    bridges_view,
    cluster_view,
    overview,
    paper_view,
    render_html,
    write_site,
)
from paperkg.viz.around_view import around_sections, around_view, connect_view  # noqa: E402
from paperkg.viz.site import page_of  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SEEDS = ROOT.parent / "shared" / "seeds"
STORY = ROOT / "stories" / "this-week" / "feed"


def _views(graph, work: Path) -> dict[str, tuple[Path, Callable | None]]:
    foldlite = find_paper(graph, "FoldLite: Fast")
    residiff = find_paper(graph, "ResiDiff")
    nearby = around(graph, [foldlite])
    pages = {
        "overview": render_html(overview(graph)),
        "cluster": render_html(cluster_view(graph, graph.nodes[foldlite]["cluster"])),
        "paper": render_html(paper_view(graph, foldlite)),
        "bridges": render_html(bridges_view(graph)),
        "around": render_html(around_view(graph, nearby), sections=around_sections(nearby)),
        "connect": render_html(connect_view(graph, connect(graph, foldlite, residiff, k=4))),
    }
    shots = {}
    for name, html in pages.items():
        path = work / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        opened = (
            (lambda page: page.evaluate("(id) => window.paperkgOpenPanel(id)", foldlite))
            if (name == "paper")
            else None
        )
        shots[name] = (path, opened)
    return shots


def _site_pages(graph, site: Path) -> dict[str, tuple[Path, Callable | None]]:
    """One page of each kind: the most central paper, its broad topic and cluster, the
    method most papers use."""
    paper = max(
        (n for n, d in graph.nodes(data=True) if is_paper(d)),
        key=lambda n: graph.nodes[n].get("pagerank", 0.0),
    )
    method = max(
        (n for n, d in graph.nodes(data=True) if d.get("type") == Label.METHOD),
        key=lambda n: (graph.in_degree(n), n),
    )
    data = graph.nodes[paper]
    topic = data.get("topic", -1)
    name = graph.nodes[method]["name"]

    def search(page) -> None:
        page.fill("#search", name[: max(3, len(name) - 1)])

    shots = {
        "site-overview": (site / "index.html", None),
        "site-cluster": (site / "topics" / f"{data['cluster']}.html", None),
        "site-paper": (site / page_of(paper, data), None),
        "site-method": (site / page_of(method, graph.nodes[method]), None),
        "site-bridges": (site / "bridges.html", None),
        "site-search": (site / "index.html", search),
    }
    if isinstance(topic, int) and topic >= 0:
        shots["site-topic"] = (site / "topics" / f"{topic}.html", None)
    return shots


def _time_pages(work: Path) -> dict[str, tuple[Path, Callable | None]]:
    """The this-week story's snapshot, built a day at a time as a daily job would: its
    site's timeline page and the digest of the week (linking into that site)."""
    kg = work / "week"
    for page in sorted(STORY.glob("*.txt")):
        build([page], kg, BuildOptions(year=2026))
    snapshot = open_snapshot(kg)
    snapshot.site(kg / "site")
    digest = kg / "this-week.html"
    snapshot.write_digest(digest, since="2026-04-06")
    return {"site-timeline": (kg / "site" / "timeline.html", None), "digest": (digest, None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", action="store_true", help="the seed pages' site instead")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperkg-shots-"))
    build([SEEDS if args.seeds else ROOT / "examples"], work / "kg")
    graph = read_snapshot(work / "kg").graph
    write_site(graph, work / "site")
    into = ROOT / "test-output" / "gallery-seeds" if args.seeds else IMAGES
    shots = _site_pages(graph, work / "site")
    if not args.seeds:
        shots = {**_views(graph, work), **shots, **_time_pages(work)}
    into.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        for name, (path, action) in shots.items():
            graph_page = not any(
                part in path.as_posix() for part in ("/papers/", "/methods/", "/week/")
            )
            seen = visit(chromium, path, width=1200, height=760, graph=graph_page)
            if action is not None:
                action(seen.page)
            seen.page.wait_for_timeout(2500)
            seen.page.screenshot(path=str(into / f"{name}.png"))
            seen.page.context.close()
            print(f"wrote {into / f'{name}.png'}")


if __name__ == "__main__":
    main()
