"""Screenshots of Neo4j Browser for docs/gallery.md: the example corpus pushed into a local
Neo4j (tools/neo4j, with Browser on HTTP), three query packs run as the tutorial says
(parameters favourite, then the query favourite) and a graph with the paperkg style, by
the harness the real-client test uses (tests/browser.py)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import neo4j

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import browser, open_neo4j_browser, run_in_neo4j_browser  # noqa: E402
from neo4j_server import LocalNeo4j  # noqa: E402

from paperkg.graph import read_snapshot  # noqa: E402
from paperkg.graph.neo4j.store import push_snapshot  # noqa: E402
from paperkg.pipeline import build  # noqa: E402
from paperkg.queries import export_catalog, find_query, load_catalog  # noqa: E402
from paperkg.queries.browser import PARAMS_SUFFIX, STYLE  # noqa: E402

IMAGES = ROOT / "docs" / "images"
PACKS = ("cluster-overview", "top-bridges", "code-in-cluster")
GRAPH = (
    "MATCH (p:Paper)-[r:USES|INTRODUCES]->(m:Method) WHERE m.name IN ['LoRA', 'EchoMix', "
    "'Whisper'] RETURN p, r, m"
)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="paperkg-browser-shots-"))
    build([ROOT / "examples"], work / "kg")
    export_catalog(load_catalog(), work / "queries")
    (work / "server").mkdir()
    server = LocalNeo4j(work / "server", http=True)
    server.start()
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
            push_snapshot(driver, read_snapshot(work / "kg"))
        assert server.browser_url is not None
        with browser() as chromium:
            page, _errors = open_neo4j_browser(
                chromium, server.browser_url, server.uri, server.password
            )
            style = (work / "queries" / STYLE).read_text(encoding="utf-8")
            run_in_neo4j_browser(page, ":style " + style, None)
            for name in PACKS:
                spec = find_query(name)
                folder = work / "queries" / spec.pack
                params = folder / f"{name}{PARAMS_SUFFIX}"
                if params.exists():
                    run_in_neo4j_browser(page, params.read_text(encoding="utf-8"), None)
                run_in_neo4j_browser(page, (folder / f"{name}.cypher").read_text("utf-8"))
                shot = IMAGES / f"browser-{name}.png"
                page.locator("[data-testid=frame]").first.screenshot(path=str(shot))
                print(f"wrote {shot}")
            run_in_neo4j_browser(page, GRAPH)
            page.wait_for_timeout(2500)  # the force layout settles
            shot = IMAGES / "browser-graph.png"
            page.locator("[data-testid=frame]").first.screenshot(path=str(shot))
            print(f"wrote {shot}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
