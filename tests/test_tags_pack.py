"""The tags pack (issue 22 part 4) in a real Neo4j: a copy of the seeds with tags made by
``Snapshot.tag_add`` and pushed by ``Snapshot.push`` (which ranks each tag's top 50); each
query checked against the tags file, ``recommend`` and the graph computed in Python; empty
answers named in one line."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner
from pack_answers import rows_of, why
from test_cypher_parameters import (
    test_cypher_fstrings_interpolate_only_schema_names as fstrings_check,
)
from test_cypher_parameters import (
    test_statements_sent_to_the_server_are_never_built_from_expressions as statements_check,
)

from paperkg import open_snapshot
from paperkg.cli import main
from paperkg.graph.model import relationship_type
from paperkg.graph.recommend import recommend
from paperkg.graph.schema import Label, RelType
from paperkg.queries import load_catalog
from paperkg.queries.explain import Missing

THREE = 0.0005 + 1e-9
#: Positives of the main tag: the most central papers of the largest cluster.
POSITIVES = 5


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory, seeds_snapshot: Path) -> Path:
    """The seeds with three tags: "agents" (5 positives of one cluster, 1 thumbs down),
    "Meh" (thumbs down only) and "gone" (a paper this snapshot does not hold)."""
    out = tmp_path_factory.mktemp("tags-pack") / "kg"
    shutil.copytree(seeds_snapshot, out)
    snapshot = open_snapshot(out)
    graph = snapshot.graph
    papers = [n for n, d in graph.nodes(data=True) if d.get("type") == Label.PAPER]
    papers = [n for n in papers if not graph.nodes[n].get("stub")]
    clusters: dict[Any, list[str]] = {}
    for n in papers:
        clusters.setdefault(graph.nodes[n].get("cluster"), []).append(n)
    largest = max((c for c in clusters if c != -1), key=lambda c: (len(clusters[c]), c))
    members = sorted(clusters[largest], key=lambda n: -graph.nodes[n]["pagerank"])
    snapshot.tag_add("agents", *members[:POSITIVES])
    other = next(n for n in papers if graph.nodes[n].get("cluster") != largest)
    snapshot.tag_add("agents", other, negative=True)
    snapshot.tag_add("Meh", members[-1], negative=True)
    from paperkg.graph.tags import TagStore

    TagStore(out).add("gone", [("arxiv:1111.11111", "A paper of another snapshot")])
    return out


@pytest.fixture(scope="module")
def driver(neo4j_server: tuple[str, str], tagged: Path) -> Iterator[neo4j.Driver]:
    uri, password = neo4j_server
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as made:
        made.execute_query("MATCH (n) DETACH DELETE n")
        open_snapshot(tagged).push(made)
        yield made


def test_recommended_for_tag_is_what_recommend_ranks(driver, tagged: Path):
    snapshot = open_snapshot(tagged)
    tag = snapshot.tag("agents")
    expected = recommend(snapshot.graph, snapshot._stored.embeddings, tag, k=50)
    assert expected.mode == "classifier" and len(expected.papers) == 50
    rows = rows_of(driver, "recommended-for-tag", limit=100)  # the default: most positives
    assert [r["id"] for r in rows] == [p.id for p in expected.papers]
    assert [r["rank"] for r in rows] == list(range(1, 51))
    for row, paper in zip(rows, expected.papers, strict=True):
        assert row["tag"] == "agents" and row["mode"] == "classifier"
        assert abs(row["score"] - paper.score) <= THREE
        assert row["why"] == paper.why and row["paper"] == paper.title
        feed = snapshot.graph.nodes[paper.id].get("feed_date")
        assert row["feed_date"] == feed  # a Neo4j date, shown as ISO text
    assert not {r["id"] for r in rows} & set(tag.positive_ids() + tag.negative_ids())
    assert len(rows_of(driver, "recommended-for-tag")) == 20
    assert rows_of(driver, "recommended-for-tag", tag=" AGENTS ", limit=3) == rows[:3]


def test_tagged_papers_lists_positives_then_negatives(driver, tagged: Path):
    tag = open_snapshot(tagged).tag("agents")
    rows = rows_of(driver, "tagged-papers")
    assert [(r["id"], r["sign"]) for r in rows] == [
        *((p.id, "positive") for p in tag.positive),
        *((p.id, "negative") for p in tag.negative),
    ]
    added = {p.id: p.added for p in tag.positive + tag.negative}
    for row in rows:  # a Neo4j datetime, shown as ISO text: the time tagged
        assert datetime.fromisoformat(row["added"]) == datetime.fromisoformat(added[row["id"]])
    meh = rows_of(driver, "tagged-papers", tag="meh")
    assert [r["sign"] for r in meh] == ["negative"]


def test_tags_overview_counts_each_tag(driver):
    rows = {r["tag"]: r for r in rows_of(driver, "tags-overview")}
    assert list(rows) == ["agents", "Meh", "gone"]
    agents = rows["agents"]
    assert (agents["positives"], agents["negatives"], agents["recommended"]) == (POSITIVES, 1, 50)
    assert len(agents["topics"]) == 1 and agents["top_recommendation"]
    assert (rows["Meh"]["positives"], rows["Meh"]["negatives"], rows["Meh"]["recommended"]) == (
        0,
        1,
        0,
    )
    assert rows["gone"]["positives"] == 0 and rows["gone"]["last_added"] is None


def test_tag_neighbourhood_is_the_positives_similar_papers(driver, tagged: Path):
    snapshot = open_snapshot(tagged)
    graph, tag = snapshot.graph, snapshot.tag("agents")
    positives, tagged_ids = set(tag.positive_ids()), set(tag.positive_ids() + tag.negative_ids())
    near: dict[str, set[str]] = {}
    best: dict[str, float] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if relationship_type(key) != RelType.SIMILAR_TO:
            continue
        for s, p in ((u, v), (v, u)):
            if s in positives and p not in tagged_ids and not graph.nodes[p].get("stub"):
                near.setdefault(p, set()).add(s)
                best[p] = max(best.get(p, -2.0), data["score"])
    expected = sorted(near, key=lambda p: (-len(near[p]), -best[p], p))
    rows = rows_of(driver, "tag-neighbourhood", limit=1000)
    assert [r["id"] for r in rows] == expected
    recommended = {r["id"] for r in rows_of(driver, "recommended-for-tag", limit=50)}
    for row in rows:
        assert row["near"] == len(near[row["id"]])
        assert abs(row["best_cosine"] - best[row["id"]]) <= THREE
        assert set(row["like"]) <= {graph.nodes[s]["title"] for s in near[row["id"]]}
        assert row["recommended"] == (row["id"] in recommended)
    assert any(r["recommended"] for r in rows)


def test_empty_answers_name_the_tag(driver, neo4j_server):
    unknown = why(driver, "recommended-for-tag", tag="nope")
    assert unknown == Missing("tag", "nope", "no tag 'nope'; tags: agents, Meh, gone")
    meh = why(driver, "recommended-for-tag", tag="Meh")
    assert meh is not None and "has no positive paper in the pushed snapshot" in meh.message
    gone = why(driver, "tagged-papers", tag="gone")
    assert gone is not None and gone.message.startswith(
        "none of the papers of tag 'gone' is in the pushed snapshot"
    )
    uri, password = neo4j_server
    result = CliRunner().invoke(
        main,
        ["query", "run", "recommended-for-tag", "--param", "tag=nope", "--neo4j", uri],
        env={"NEO4J_PASSWORD": password},
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1] == f"Error: {unknown.message}"


def test_a_database_without_tags_says_so(driver):
    driver.execute_query("MATCH (t:Tag) DETACH DELETE t")
    for spec in load_catalog("tags"):
        missing = why(driver, spec.name)
        assert missing is not None and missing.message.startswith("the database has no tags:")


def test_the_pack_and_its_empty_lines():
    specs = load_catalog("tags")
    assert {s.name for s in specs} == {
        "recommended-for-tag",
        "tagged-papers",
        "tags-overview",
        "tag-neighbourhood",
    }
    assert all(s.empty for s in specs)


def test_explain_tags_sends_only_constant_cypher():
    statements_check("queries/explain_tags.py")
    fstrings_check("queries/explain_tags.py")
