"""One paper resolver for every command: ids, arXiv ids and URLs, DOIs, titles, short names
and unique fragments; ambiguity lists the candidates; `similar`/`search` read only what
unmistakably names a paper as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run
from paperkg.errors import AmbiguousError, NotFoundError, ParameterError
from paperkg.graph import read_snapshot
from paperkg.graph.search import (
    PaperRecord,
    PaperResolver,
    Resolution,
    TextQuery,
    arxiv_key,
    doi_key,
)

RECORDS = [
    PaperRecord(
        "arxiv:2003.10555",
        "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators",
        arxiv_id="2003.10555v1",
        url="https://huggingface.co/papers/2003.10555",
    ),
    PaperRecord("doi:10.1000/abc.12", "Deep Residual Learning", doi="10.1000/ABC.12"),
    PaperRecord("arxiv:hep-th/9901001", "Strings on branes", arxiv_id="hep-th/9901001"),
    PaperRecord("title:1", "LoRA: Low-Rank Adaptation of Large Language Models"),
    PaperRecord("title:2", "LoRA: a second paper with the same short name"),
    PaperRecord("title:3", "Residual flows for speech"),
]


@pytest.fixture(scope="module")
def resolver() -> PaperResolver:
    return PaperResolver(RECORDS)


@pytest.mark.parametrize(
    ("ref", "paper", "how"),
    [
        ("arxiv:2003.10555", "arxiv:2003.10555", "id"),
        ("2003.10555", "arxiv:2003.10555", "arxiv"),
        ("2003.10555v3", "arxiv:2003.10555", "arxiv"),
        ("arXiv:2003.10555v1", "arxiv:2003.10555", "arxiv"),
        ("https://arxiv.org/abs/2003.10555v2", "arxiv:2003.10555", "arxiv"),
        ("http://arxiv.org/pdf/2003.10555.pdf", "arxiv:2003.10555", "arxiv"),
        ("hep-th/9901001v2", "arxiv:hep-th/9901001", "arxiv"),
        ("https://arxiv.org/abs/hep-th/9901001", "arxiv:hep-th/9901001", "arxiv"),
        ("10.1000/abc.12", "doi:10.1000/abc.12", "doi"),
        ("DOI:10.1000/ABC.12", "doi:10.1000/abc.12", "doi"),
        ("https://doi.org/10.1000/Abc.12", "doi:10.1000/abc.12", "doi"),
        ("https://huggingface.co/papers/2003.10555/", "arxiv:2003.10555", "url"),
        ("deep residual LEARNING", "doi:10.1000/abc.12", "title"),
        ("  Deep   Residual Learning! ", "doi:10.1000/abc.12", "title"),
        ("electra", "arxiv:2003.10555", "short name"),
        ("Text Encoders as Discriminators", "arxiv:2003.10555", "fragment"),
        ("strings on", "arxiv:hep-th/9901001", "fragment"),
    ],
)
def test_every_way_of_naming_a_paper(resolver: PaperResolver, ref: str, paper: str, how: str):
    found = resolver.resolve(ref)
    assert (found.id, found.how, found.query) == (paper, how, ref.strip())
    assert found.title == resolver.records[paper].title


def test_key_parsers_fold_versions_case_and_prefixes():
    assert arxiv_key("https://www.arxiv.org/abs/2401.01234v12") == "2401.01234"
    assert arxiv_key("math.GT/0309136") == "math.gt/0309136"
    assert arxiv_key("not an id 2401.01234") is None
    assert doi_key("http://dx.doi.org/10.1000%2FX") == "10.1000/x"
    assert doi_key("10.1000") is None


def test_an_ambiguous_fragment_lists_the_candidates(resolver: PaperResolver):
    with pytest.raises(AmbiguousError) as raised:
        resolver.resolve("sidual")
    error = raised.value
    assert isinstance(error, NotFoundError) and error.total == 2
    assert {node for node, _title in error.candidates} == {"doi:10.1000/abc.12", "title:3"}
    message = str(error)
    assert message.startswith("'sidual' is ambiguous: 2 papers")
    assert "Deep Residual Learning" in message and "(title:3)" in message
    assert "\n" not in message


def test_many_candidates_are_cut_to_ten_and_counted():
    records = [PaperRecord(f"title:{i}", f"Study number {i} of graphs") for i in range(25)]
    with pytest.raises(AmbiguousError) as raised:
        PaperResolver(records).resolve("graphs")
    assert len(raised.value.candidates) == 10 and raised.value.total == 25
    assert "25 papers" in str(raised.value) and "and 15 more" in str(raised.value)


def test_an_ambiguous_short_name_is_refused_by_both_entry_points(resolver: PaperResolver):
    for call in (resolver.resolve, resolver.read_query):
        with pytest.raises(AmbiguousError, match="2 papers have this short name"):
            call("lora")


def test_unknown_references_say_what_was_looked_for(resolver: PaperResolver):
    with pytest.raises(NotFoundError, match="no paper matches 'zzz'"):
        resolver.resolve("zzz")
    with pytest.raises(NotFoundError, match=r"no paper has the arXiv id 2401\.99999"):
        resolver.read_query("arXiv:2401.99999")
    with pytest.raises(NotFoundError, match=r"no paper has the DOI 10\.9999/x"):
        resolver.resolve("doi:10.9999/X")
    with pytest.raises(ParameterError, match="the paper reference is empty"):
        resolver.resolve("   ")


def test_read_query_takes_only_unmistakable_names_as_papers(resolver: PaperResolver):
    assert isinstance(resolver.read_query("ELECTRA"), Resolution)
    assert resolver.read_query("2003.10555").how == "arxiv"  # type: ignore[union-attr]
    assert resolver.read_query("deep residual learning").how == "title"  # type: ignore[union-attr]
    # a fragment of one title, or words of several, are text to search
    assert resolver.read_query("Text Encoders as Discriminators") == TextQuery(
        "Text Encoders as Discriminators"
    )
    assert isinstance(resolver.read_query("residual"), TextQuery)
    assert isinstance(resolver.read_query("ELECTRA", as_text=True), TextQuery)
    line = resolver.read_query("electra").describe()
    assert line.startswith('"electra" read as the paper "ELECTRA: Pre-training')
    assert line.endswith("(its short name)")


def test_stubs_are_not_papers(seeds_snapshot: Path):
    snapshot = read_snapshot(seeds_snapshot)
    graph = snapshot.graph.copy()
    graph.add_node("s2:stub", type="Paper", stub=True, title="An outside work cited")
    resolver = PaperResolver.of_graph(graph)
    assert "s2:stub" not in resolver.records
    with pytest.raises(NotFoundError):
        resolver.resolve("An outside work cited")


# --- the commands share it ---------------------------------------------------------------


def test_paper_and_view_paper_resolve_the_same_way(seeds_snapshot: Path, tmp_path: Path):
    graph = read_snapshot(seeds_snapshot).graph
    resolver = PaperResolver.of_graph(graph)
    electra = resolver.resolve("ELECTRA")
    shown = run("paper", "electra", "--out", seeds_snapshot, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["id"] == electra.id
    page = tmp_path / "p.html"
    drawn = run("view", "paper", electra.id, "--out", seeds_snapshot, "-o", page)
    assert drawn.exit_code == 0, drawn.output and page.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paper", "learning"], "'learning' is ambiguous:"),
        (["paper", "zzzz-no-such-paper"], "no paper matches 'zzzz-no-such-paper'"),
        (["paper", " "], "the paper reference is empty"),
        (["view", "paper", "learning"], "'learning' is ambiguous:"),
        (["similar", "arXiv:2401.99999"], "no paper has the arXiv id 2401.99999"),
    ],
)
def test_bad_references_are_one_line_and_exit_1(seeds_snapshot: Path, args, message):
    result = run(*args, "--out", seeds_snapshot)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_an_ambiguous_reference_lists_ids_the_user_can_give(seeds_snapshot: Path):
    result = run("paper", "learning", "--out", seeds_snapshot)
    line = result.stderr.strip()
    assert "papers have it in their title" in line and "more; give more of the title" in line
    assert line.count("(title:") == 10


# --- pack parameters in Neo4j ----------------------------------------------------------------


def test_pack_paper_params_are_resolved_in_neo4j(seeds_in_neo4j, seeds_snapshot: Path):
    from paperkg.queries import find_query, run_query, typed_params
    from paperkg.queries.papers import resolve_paper_params

    electra = PaperResolver.of_graph(read_snapshot(seeds_snapshot).graph).resolve("ELECTRA")
    spec = find_query("semantic-search")
    resolved = resolve_paper_params(seeds_in_neo4j, spec, typed_params(spec, {"paper": "electra"}))
    assert resolved.values["paper"] == electra.id
    assert resolved.readings["paper"].how == "short name"
    rows = run_query(seeds_in_neo4j, spec, resolved.values).rows
    assert rows and {row[0] for row in rows} == {electra.title}
    default = resolve_paper_params(seeds_in_neo4j, spec, spec.defaults())
    assert default.values["paper"] == "" and not default.readings  # empty: the default
    with pytest.raises(AmbiguousError, match="'learning' is ambiguous"):
        resolve_paper_params(seeds_in_neo4j, spec, typed_params(spec, {"paper": "learning"}))
    path = find_query("shortest-path")
    both = resolve_paper_params(
        seeds_in_neo4j, path, typed_params(path, {"source": electra.id, "target": "OWSM-CTC"})
    )
    assert both.readings["source"].how == "id" and both.readings["target"].how == "short name"


def test_query_run_names_the_paper_it_read(seeds_in_neo4j, neo4j_server):
    uri, password = neo4j_server
    env = {"NEO4J_PASSWORD": password}
    args = ["query", "run", "paper-neighbourhood", "--neo4j", uri, "--param"]
    found = run_cli_env([*args, "paper=electra", "--json"], env)
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)[0]["paper"].startswith("ELECTRA:")
    assert found.stderr.startswith('paper: "electra" read as the paper "ELECTRA:')
    wrong = run_cli_env([*args, "paper=learning"], env)
    assert wrong.exit_code == 1 and "'learning' is ambiguous" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1


def test_hybrid_search_pack_fuses_fulltext_and_vector_ranks(seeds_in_neo4j):
    from paperkg.queries import find_query, run_query, typed_params

    spec = find_query("hybrid-search")
    result = run_query(seeds_in_neo4j, spec, typed_params(spec, {"q": "speech", "limit": "8"}))
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    assert len(rows) == 8
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert any(r["lexical_rank"] and r["vector_rank"] for r in rows)
    assert sum("speech" in r["title"].lower() for r in rows) >= 4
    nothing = run_query(seeds_in_neo4j, spec, typed_params(spec, {"q": "zzzqqqxx"}))
    assert nothing.rows == []


def run_cli_env(args: list[str], env: dict[str, str]):
    from click.testing import CliRunner

    from paperkg.cli import main

    return CliRunner().invoke(main, args, env=env)
