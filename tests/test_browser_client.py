"""Neo4j Browser as a user drives it: the real Browser the test server serves, in Debian
Chromium. Connect, apply the exported style, and run every exported favourite as the docs
say (paste the parameters favourite and run it, then the query favourite), each showing
rows and no error frame (or, for a query whose header says it may find nothing, no records
and a reason why); the seeds are in the database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import open_neo4j_browser, run_in_neo4j_browser

from conftest import ROOT
from paperkg.queries import export_catalog, load_catalog
from paperkg.queries.browser import PARAMS_SUFFIX, STYLE
from paperkg.queries.explain import explain_empty

SHOTS = ROOT / "test-output" / "browser"
#: Packs photographed for the closing note and the gallery (on the seeds: not committed).
PHOTOGRAPHED = {"cluster-overview", "top-bridges", "paper-neighbourhood"}


@pytest.mark.browser
def test_every_exported_favourite_shows_rows_in_neo4j_browser(
    seeds_in_neo4j, neo4j_server, neo4j_browser, chromium, tmp_path: Path
):
    uri, password = neo4j_server
    folder = tmp_path / "favourites"
    export_catalog(load_catalog(), folder)
    page, errors = open_neo4j_browser(chromium, neo4j_browser, uri, password)
    styled = run_in_neo4j_browser(
        page, ":style " + (folder / STYLE).read_text(encoding="utf-8"), None
    )
    assert "node.Paper" in styled and "ERROR" not in styled
    SHOTS.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for spec in load_catalog():
        params = folder / spec.pack / f"{spec.name}{PARAMS_SUFFIX}"
        if params.exists():
            shown = run_in_neo4j_browser(page, params.read_text(encoding="utf-8"), None)
            assert "ERROR" not in shown, (spec.name, shown[:300])
        shown = run_in_neo4j_browser(
            page, (folder / spec.pack / f"{spec.name}.cypher").read_text("utf-8")
        )
        assert "ERROR" not in shown, (spec.name, shown[:500])
        found = re.search(r"(?:Started streaming|Displaying) (\d+) (?:records|nodes)", shown)
        if spec.empty and (found is None or found.group(1) == "0"):
            assert "no records" in shown or found is not None, (spec.name, shown[-300:])
            assert explain_empty(seeds_in_neo4j, spec, spec.defaults()) is not None, spec.name
            rows[spec.name] = 0
            continue
        assert found is not None, (spec.name, shown[-300:])
        rows[spec.name] = int(found.group(1))
        assert rows[spec.name] >= 1, (spec.name, shown[-300:])
        if spec.name in PHOTOGRAPHED:
            page.locator("[data-testid=frame]").first.screenshot(
                path=str(SHOTS / f"{spec.name}.png")
            )
    (SHOTS / "rows.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    assert errors == []
    page.context.close()


@pytest.mark.browser
def test_the_style_sets_captions_and_colours_in_the_graph_view(
    seeds_in_neo4j, neo4j_server, neo4j_browser, chromium, tmp_path: Path
):
    uri, password = neo4j_server
    folder = tmp_path / "favourites"
    export_catalog(load_catalog(), folder)
    page, errors = open_neo4j_browser(chromium, neo4j_browser, uri, password)
    run_in_neo4j_browser(page, ":style " + (folder / STYLE).read_text(encoding="utf-8"), None)
    record = seeds_in_neo4j.execute_query(
        "MATCH (p:Paper)-[:USES]->(m:Method) WITH p, m ORDER BY p.pagerank DESC, m.name "
        "RETURN p.title AS title, m.name AS name LIMIT 1"
    ).records[0]
    run_in_neo4j_browser(
        page,
        "MATCH (p:Paper)-[r:USES]->(m:Method) WITH p, r, m ORDER BY p.pagerank DESC, m.name "
        "RETURN p, r, m LIMIT 1",
    )
    page.wait_for_selector("svg .node")
    circles = page.evaluate(
        "[...document.querySelectorAll('svg .node circle.b-outline')]"
        ".map(c => [c.getAttribute('fill'), c.getAttribute('r')])"
    )
    fills = {fill.lower() for fill, _r in circles}
    assert {"#4e79a7", "#6f4e7c"} <= fills, circles  # paper blue, method purple
    captions = " ".join(
        page.evaluate("[...document.querySelectorAll('svg .node text')].map(t => t.textContent)")
    )
    assert record["name"][:4] in captions, captions  # the method's name, the style's caption
    assert record["title"].split()[0][:4] in captions, captions  # the paper's title
    page.locator("[data-testid=frame]").first.screenshot(path=str(SHOTS / "styled-graph.png"))
    assert errors == []
    page.context.close()
