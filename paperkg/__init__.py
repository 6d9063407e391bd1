"""paperkg: research-paper feeds in, a citation-and-similarity knowledge graph out.

The Python API, the same as the ``paperkg`` command's::

    import paperkg

    paperkg.build(["feeds/"], "kg")                  # or build(..., BuildOptions(k=5))
    snapshot = paperkg.open_snapshot("kg")
    snapshot.similar("protein structure prediction", k=5)

:func:`build` builds sources into a snapshot folder and returns a :class:`BuildReport`;
:func:`open_snapshot` reads one into a :class:`Snapshot` (``stats``, ``similar``, ``paper``,
``entities``, ``clusters``, ``bridges``, ``view``, ``export``, ``push``). Every error is a
:class:`PaperkgError` whose message says what to do. See docs/guides/python-api.md.

The build pipeline and the snapshot load numpy, FAISS and networkx: they are imported on
first use of their names, so ``import paperkg`` (and the CLI's start) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from paperkg.errors import (
    AmbiguousError,
    ExportError,
    FetchError,
    InputError,
    ModelError,
    Neo4jError,
    NotFoundError,
    PaperkgError,
    ParameterError,
    QueryError,
    SnapshotError,
)

try:
    __version__ = version("paperkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from paperkg.api import Snapshot, open_snapshot
    from paperkg.pipeline import BuildOptions, BuildReport, build

__all__ = [
    "AmbiguousError",
    "BuildOptions",
    "BuildReport",
    "ExportError",
    "FetchError",
    "InputError",
    "ModelError",
    "Neo4jError",
    "NotFoundError",
    "PaperkgError",
    "ParameterError",
    "QueryError",
    "Snapshot",
    "SnapshotError",
    "__version__",
    "build",
    "open_snapshot",
]

#: The names imported on first use, and the module each comes from.
_LAZY = {
    "BuildOptions": "paperkg.pipeline",
    "BuildReport": "paperkg.pipeline",
    "build": "paperkg.pipeline",
    "Snapshot": "paperkg.api",
    "open_snapshot": "paperkg.api",
}


def __getattr__(name: str) -> Any:
    """Import ``build``, ``open_snapshot`` and their classes when first asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module 'paperkg' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
