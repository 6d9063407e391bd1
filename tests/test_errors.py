"""The one exception family: every error the library raises is one of the root's kinds."""

from __future__ import annotations

import ast

from conftest import ROOT
from paperkg.errors import ERROR_CODES, NotFoundError, PaperkgError, ParameterError

LIBRARY = ("paperkg", "graph", "loaders", "queries", "viz")


def _bare_root_raises() -> list[str]:
    found = []
    for folder in LIBRARY:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Raise) or node.exc is None:
                    continue
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(raised, ast.Name) and raised.id == "PaperkgError":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_library_never_raises_the_bare_root():
    """A caller catches what went wrong by its kind (ParameterError, NotFoundError, ...)."""
    assert _bare_root_raises() == []


def test_the_kinds_without_their_own_code_keep_the_roots():
    """Scripts read ``error`` for a bad argument or a paper not found, as before."""
    for kind in (ParameterError, NotFoundError):
        assert issubclass(kind, PaperkgError) and kind.code == "error"
    assert "error" in ERROR_CODES
    assert ParameterError("k must be at least 1", param="k").param == "k"
