"""The schema module is the one place node labels and relationship types are spelled.

Python code of the library names them through ``paperkg.graph.schema``; the ``.cypher``
query packs, which cannot import it, are checked against it instead.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from paperkg.graph.schema import KEY_PROPERTY, RELATIONSHIPS, Label, RelType

#: The library's Python code: every folder installed as part of ``paperkg``.
LIBRARY = ("paperkg", "graph", "loaders", "queries", "viz")
SCHEMA = ROOT / "graph" / "schema.py"
PACKS = ROOT / "queries" / "packs"
NAMES = {str(m) for m in Label} | {str(m) for m in RelType}
#: What makes a string Cypher (the same words tests/test_cypher_parameters.py looks for).
CYPHER_WORDS = ("MATCH ", "MERGE ", "CREATE ", "RETURN ", "SET ", "CALL ", "UNWIND ")

# Cypher lexing, enough for patterns: comments and quoted strings are taken out first (a
# comment may hold an apostrophe, a string may hold "//"), strings kept by number.
_TOKENS = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_NAME = r"[A-Za-z_]\w*"
#: ``-[:CITES]``, ``<-[r:USES|EVALUATES_ON]``, ``-[:SIMILAR_TO|:CITES*..20]``
_REL_PATTERN = re.compile(rf"-\[\s*(?:{_NAME})?\s*:\s*({_NAME}(?:\s*\|\s*:?\s*{_NAME})*)")
#: ``(p:Paper)``, ``(:Paper)``, ``(n:Method|Dataset)``, ``WHERE e:Method``: the colon is
#: right before the label (a map literal's ``{id: $x}`` has a blank after it).
_LABEL_PATTERN = re.compile(rf"(?:\(|\b{_NAME})\s*:({_NAME}(?:\s*[|&:]\s*{_NAME})*)")
#: ``type(r) = 'CITES'``, ``type(r) IN ['USES', 'INTRODUCES']`` (strings as placeholders)
_TYPE_TEST = re.compile(r"\btype\(\s*\w+\s*\)\s*(?:=|<>|IN)\s*(\[[^\]]*\]|\"#\d+\")", re.I)
#: ``'Paper' IN labels(n)``
_LABEL_TEST = re.compile(r"\"#(\d+)\"\s+IN\s+labels\(", re.I)


def cypher_names(text: str) -> tuple[set[str], set[str]]:
    """The labels and the relationship types a piece of Cypher names."""
    strings: list[str] = []

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith(("//", "/*")):
            return " "
        strings.append(token[1:-1])
        return f'"#{len(strings) - 1}"'

    code = _TOKENS.sub(blank, text)
    types: set[str] = set()
    for match in _REL_PATTERN.finditer(code):
        types |= {n.strip().lstrip(":").strip() for n in match.group(1).split("|")}
    for match in _TYPE_TEST.finditer(code):
        types |= {strings[int(i)] for i in re.findall(r"\"#(\d+)\"", match.group(1))}
    code = _REL_PATTERN.sub(" ", code)
    labels: set[str] = set()
    for match in _LABEL_PATTERN.finditer(code):
        labels |= {n for n in re.split(r"\s*[|&:]\s*", match.group(1)) if n}
    labels |= {strings[int(i)] for i in _LABEL_TEST.findall(code)}
    return labels, types


def literals(source: str) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of each label or type a piece of Python spells outside the schema.

    The rule:

    - a string constant equal to a label or a relationship type (``"Paper"``,
      ``'SIMILAR_TO'``), or an edge key spelled from one (``"CITES:mention"``, and the
      ``"CITES:"`` of ``f"CITES:{origin}"``), wherever it stands in code: a comparison, a
      dict key, an argument;
    - a label or type named in Cypher text (a string with a Cypher keyword, such as
      ``MATCH (n:Paper)``): statements interpolate the schema's members instead;
    - not prose: docstrings and any other string standing alone as a statement are left
      out, and so is ``__all__``, whose strings name Python objects (the class ``Paper``,
      the dataclass ``Repo``), not labels. A longer text that merely mentions a name
      (a help text saying "SIMILAR_TO edges") is prose too.
    """
    tree = ast.parse(source)
    prose: set[int] = set()
    whole: dict[int, str] = {}  # an f-string's fragments are read in their whole text
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            prose.add(id(node.value))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                prose |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            whole |= {id(v): text for v in node.values}
    strings = [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    for node in sorted(strings, key=lambda n: (n.lineno, n.col_offset)):
        if id(node) in prose:
            continue
        text = node.value
        head = text.split(":", 1)[0]
        if text in NAMES or (":" in text and head in set(RelType)):
            yield node.lineno, text
        elif any(word in whole.get(id(node), text) for word in CYPHER_WORDS):
            labels, types = cypher_names(text)
            for name in sorted((labels | types) & NAMES):
                yield node.lineno, f"{name} in Cypher {text.strip()[:60]!r}"


def library_files() -> list[Path]:
    files = [p for folder in LIBRARY for p in sorted((ROOT / folder).rglob("*.py"))]
    return [p for p in files if p != SCHEMA and ".venv" not in p.parts]


def test_members_are_the_strings_neo4j_and_the_files_hold():
    assert [str(m) for m in Label] == ["Paper", "Method", "Dataset", "Repo", "Cluster", "Tag"]
    assert [str(m) for m in RelType] == [
        "SIMILAR_TO",
        "CITES",
        "INTRODUCES",
        "USES",
        "EVALUATES_ON",
        "HAS_CODE",
        "IN_CLUSTER",
        "LINKS_TO",
        "SUBTOPIC_OF",
        "TAGGED",
        "RECOMMENDS",
    ]
    assert Label.PAPER == "Paper" and RelType.CITES == "CITES"
    assert {Label.PAPER: 1}["Paper"] == 1  # a dict keyed by members serves plain strings
    assert json.dumps({Label.REPO: RelType.HAS_CODE}) == '{"Repo": "HAS_CODE"}'
    assert f"(n:{Label.CLUSTER})-[:{RelType.LINKS_TO}]" == "(n:Cluster)-[:LINKS_TO]"
    assert type(Label.PAPER.value) is str


def test_every_label_has_its_key_and_every_type_its_ends():
    assert set(KEY_PROPERTY) == set(Label)
    assert (Label.PAPER.key, Label.METHOD.key, Label.REPO.key) == ("id", "key", "url")
    assert (Label.DATASET.key, Label.CLUSTER.key, Label.TAG.key) == ("key", "id", "name")
    assert {r.type for r in RELATIONSHIPS} == set(RelType)
    pairs = [(r.type, r.end) for r in RELATIONSHIPS]
    assert len(pairs) == len(set(pairs)), "one entry per (type, end label)"
    starts = {(r.type, r.start) for r in RELATIONSHIPS}
    assert len(starts) == len(RelType), "each type starts from one label"
    cites = next(r for r in RELATIONSHIPS if r.type == RelType.CITES)
    assert cites.key == "source"


def test_no_label_or_type_literal_outside_the_schema():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in library_files()
        for line, text in literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "name these through paperkg.graph.schema:\n" + "\n".join(found)


def test_the_literal_scan_sees_what_it_guards():
    """The check above would pass on nothing: it must flag code and leave prose alone."""
    source = '''
"""A module about Paper nodes."""
__all__ = ["Paper", "Repo"]
KIND = {"Method": 1}
def f(data, key, origin):
    """Returns Cluster."""
    "SIMILAR_TO"
    if data["type"] == "Cluster" or key in ("USES",):
        return f"CITES:{origin}", "CITES:mention"
    return "Paper: a title", "SIMILAR_TO edges", "MATCH (n:Paper)-[:CITES]->(m) RETURN m"
'''
    assert [text for _line, text in literals(source)] == [
        "Method",
        "Cluster",
        "USES",
        "CITES:",
        "CITES:mention",
        "CITES in Cypher 'MATCH (n:Paper)-[:CITES]->(m) RETURN m'",
        "Paper in Cypher 'MATCH (n:Paper)-[:CITES]->(m) RETURN m'",
    ]
    assert len(library_files()) > 40
    assert all(
        folder in {p.relative_to(ROOT).parts[0] for p in library_files()} for folder in LIBRARY
    )


def pack_files() -> list[Path]:
    return sorted(PACKS.glob("*/*.cypher"))


@pytest.mark.parametrize("path", pack_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_packs_name_only_labels_and_types_of_the_schema(path: Path):
    labels, types = cypher_names(path.read_text(encoding="utf-8"))
    assert labels <= {str(m) for m in Label}, f"unknown label {sorted(labels - set(Label))}"
    assert types <= {str(m) for m in RelType}, f"unknown type {sorted(types - set(RelType))}"


def test_the_pack_scan_reads_every_way_cypher_names_them():
    text = """// name: x  (a comment's (n:Nope) and -[:NOPE]- are not read)
MATCH (p:Paper)<-[c:CITES]-(:Paper), (p)-[:USES|:EVALUATES_ON*1..2]->(e:Method|Dataset)
WHERE e:Repo AND 'Cluster' IN labels(e) AND type(c) IN ['SIMILAR_TO', 'HAS_CODE']
  AND p.title <> 'x:Nope' AND type(c) = 'LINKS_TO'
RETURN e {id: $id, .name}, {key: p.key}
"""
    labels, types = cypher_names(text)
    assert labels == {"Paper", "Method", "Dataset", "Repo", "Cluster"}
    assert types == {"CITES", "USES", "EVALUATES_ON", "SIMILAR_TO", "HAS_CODE", "LINKS_TO"}
    assert cypher_names("MATCH (p:Papers)-[:CITE]->(q)") == ({"Papers"}, {"CITE"})
    named = [cypher_names(p.read_text(encoding="utf-8")) for p in pack_files()]
    assert len(named) >= 15
    assert set().union(*(labels for labels, _types in named)) >= {"Paper", "Method", "Cluster"}
    assert set().union(*(types for _labels, types in named)) >= {"CITES", "USES", "LINKS_TO"}


def test_cypher_statements_are_written_from_the_schema():
    """The statements are generated from the schema; their text is what was written out by
    hand before (Neo4j tests run them for real)."""
    from paperkg.graph.neo4j import cypher

    assert list(cypher.MERGE_NODES) == list(Label) == list(cypher.CONSTRAINTS)
    assert list(cypher.MERGE_RELATIONSHIPS) == [(r.type, r.end) for r in RELATIONSHIPS]
    assert set(cypher.DELETE_STALE_RELATIONSHIPS) == set(cypher.COUNT_TYPE) == set(RelType)
    assert cypher.CONSTRAINTS[Label.REPO] == (
        "CREATE CONSTRAINT repo_url IF NOT EXISTS FOR (n:Repo) REQUIRE n.url IS UNIQUE"
    )
    assert cypher.MERGE_NODES[Label.METHOD] == (
        "UNWIND $rows AS row MERGE (n:Method {key: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    )
    assert cypher.MERGE_RELATIONSHIPS[(RelType.CITES, Label.PAPER)] == (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Paper {id: row.target}) "
        "MERGE (a)-[r:CITES {source: row.props.source}]->(b) "
        "SET r += row.props, r.paperkg_push = $push"
    )
    assert cypher.MERGE_RELATIONSHIPS[(RelType.LINKS_TO, Label.CLUSTER)] == (
        "UNWIND $rows AS row "
        "MATCH (a:Cluster {id: row.source}) MATCH (b:Cluster {id: row.target}) "
        "MERGE (a)-[r:LINKS_TO]->(b) SET r += row.props, r.paperkg_push = $push"
    )
    assert cypher.RELATIONSHIP_SOURCE[(RelType.LINKS_TO, Label.CLUSTER)] == Label.CLUSTER


def test_the_data_model_page_shows_the_schema():
    """docs/reference/data-model.md is written by hand: its pattern block, its node table
    (label, key) and its relationship table (type, from -> to) must say what the schema says."""
    page = (ROOT / "docs" / "reference" / "data-model.md").read_text(encoding="utf-8")
    block = page.split("```text", 1)[1].split("```", 1)[0]
    drawn = {
        (rel, start, end)
        for start, rel, ends in re.findall(r"\(:(\w+)\)-\[:(\w+)[^\]]*\]->\(([^)]*)\)", block)
        for end in re.findall(r":(\w+)", ends)
    }
    tabled = {
        (rel, start, end.strip())
        for rel, start, ends in re.findall(r"^\| `(\w+)` \| (\w+) → ([\w ]+?) \|", page, re.M)
        for end in ends.split(" or ")
    }
    schema = {(str(r.type), str(r.start), str(r.end)) for r in RELATIONSHIPS}
    assert drawn == schema
    assert tabled == schema
    keys = dict(re.findall(r"^\| `(\w+)` \| `(\w+)` \|", page, re.M))
    assert keys == {str(label): label.key for label in Label}
