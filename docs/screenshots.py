"""Screenshots of the example corpus' views for the README and docs/gallery.md, by the tests'
browser harness: overview, cluster (FoldLite's), paper (FoldLite, side panel open), bridges."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import browser, visit  # noqa: E402

from paperkg.graph import read_snapshot  # noqa: E402
from paperkg.graph.report.lookup import find_paper  # noqa: E402
from paperkg.pipeline import build  # noqa: E402
from paperkg.viz import bridges_view, cluster_view, overview, paper_view, render_html  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="paperkg-shots-"))
    build([ROOT / "examples"], work / "kg")
    graph = read_snapshot(work / "kg").graph
    foldlite = find_paper(graph, "FoldLite: Fast")
    pages = {
        "overview": render_html(overview(graph)),
        "cluster": render_html(cluster_view(graph, graph.nodes[foldlite]["cluster"])),
        "paper": render_html(paper_view(graph, foldlite)),
        "bridges": render_html(bridges_view(graph)),
    }
    IMAGES.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        for name, html in pages.items():
            page_file = work / f"{name}.html"
            page_file.write_text(html, encoding="utf-8")
            seen = visit(chromium, page_file, width=1200, height=760)
            if name == "paper":
                seen.page.evaluate("(id) => window.paperkgOpenPanel(id)", foldlite)
            seen.page.wait_for_timeout(2500)
            seen.page.screenshot(path=str(IMAGES / f"{name}.png"))
            print(f"wrote {IMAGES / f'{name}.png'}")


if __name__ == "__main__":
    main()
