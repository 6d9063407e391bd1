"""Cypher only ever receives values as parameters: every statement paperkg sends is a
constant, a pack file, or built from labels and property names paperkg itself defines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

#: Modules that talk Cypher to a server or write Cypher for one.
CYPHER_MODULES = [
    "graph/neo4j/store.py",
    "graph/neo4j/cypher.py",
    "graph/neo4j/admin_csv.py",
    "queries/runner.py",
    "queries/catalog.py",
    "paperkg/cli.py",
]
#: Names an f-string building Cypher may interpolate: labels, relationship types and
#: property names from paperkg's own constants (the schema's enums), never a value from
#: the data.
SCHEMA_NAMES = {
    "Label",
    "RelType",
    "rel",
    "label",
    "name",
    "var",
    "p",
    "EMPTY_LISTS",
    "AWAIT_INDEXES_SECONDS",
    "sets",
    "match",
}
CYPHER_WORDS = ("MATCH ", "MERGE ", "CREATE ", "RETURN ", "SET ", "CALL ", "UNWIND ")


def tree(module: str) -> ast.Module:
    return ast.parse((ROOT / module).read_text(encoding="utf-8"), filename=module)


@pytest.mark.parametrize("module", CYPHER_MODULES)
def test_statements_sent_to_the_server_are_never_built_from_expressions(module: str):
    for node in ast.walk(tree(module)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in {"run", "execute_query"} or not node.args:
            continue
        statement = node.args[0]
        assert not isinstance(statement, ast.JoinedStr | ast.BinOp | ast.Call), (
            f"{module}:{node.lineno}: a statement built in place; pass values as parameters"
        )


@pytest.mark.parametrize("module", CYPHER_MODULES)
def test_cypher_fstrings_interpolate_only_schema_names(module: str):
    for node in ast.walk(tree(module)):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if not any(word in text for word in CYPHER_WORDS):
            continue  # a message or a file name, not Cypher
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                names = {n.id for n in ast.walk(value.value) if isinstance(n, ast.Name)}
                assert names <= SCHEMA_NAMES, (
                    f"{module}:{node.lineno}: Cypher interpolates {sorted(names - SCHEMA_NAMES)}"
                )


def test_the_scan_sees_the_statements_it_guards():
    """The checks above would pass on nothing: make sure they look at real Cypher."""
    runs = sum(
        1
        for module in CYPHER_MODULES
        for node in ast.walk(tree(module))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"run", "execute_query"}
    )
    fstrings = sum(
        1
        for module in CYPHER_MODULES
        for node in ast.walk(tree(module))
        if isinstance(node, ast.JoinedStr)
        and any(
            word in "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            for word in CYPHER_WORDS
        )
    )
    assert runs >= 8 and fstrings >= 4
    assert all((ROOT / module).is_file() for module in CYPHER_MODULES)
    packs = list(Path(ROOT / "queries" / "packs").glob("*/*.cypher"))
    assert packs and all("$" in p.read_text() or "LIMIT" not in p.read_text() for p in packs)


def test_no_command_takes_a_password_on_the_command_line():
    import click

    from paperkg.cli import main

    def commands(group: click.Group, path: str = "paperkg"):
        for name, command in group.commands.items():
            yield f"{path} {name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{path} {name}")

    found = list(commands(main))
    assert len(found) > 15
    for path, command in found:
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert not any("password" in o or "secret" in o for o in options), path
