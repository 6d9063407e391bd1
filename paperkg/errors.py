"""The one exception family of paperkg: every message says what went wrong and what to do.

    PaperkgError
     ├── InputError        a source path or file cannot be used (names the file and line)
     ├── ModelError        the embedding model cannot be loaded
     ├── SnapshotError     a snapshot directory is missing, damaged or cannot be written
     ├── Neo4jError        the Neo4j server cannot be reached, refuses us, or fails a write
     ├── QueryError        an unknown query pack query, a bad parameter, or a failed query
     └── ExportError       an export file or folder cannot be written where it was asked

The CLI turns any ``PaperkgError`` into one line on stderr and exit status 1.
"""

from __future__ import annotations

__all__ = [
    "ExportError",
    "InputError",
    "ModelError",
    "Neo4jError",
    "PaperkgError",
    "QueryError",
    "SnapshotError",
]


class PaperkgError(Exception):
    """Root of every error a user can act on."""


class InputError(PaperkgError):
    """A source path or file is missing, unreadable, or not in a format paperkg reads."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class ModelError(PaperkgError):
    """The embedding model cannot be found or loaded."""


class SnapshotError(PaperkgError):
    """A snapshot directory is missing, damaged, or cannot be written."""


class Neo4jError(PaperkgError):
    """Neo4j is unreachable, rejects the credentials or database, or a write fails."""


class QueryError(PaperkgError):
    """A query of the packs is unknown, gets a bad parameter, or fails on the server."""


class ExportError(PaperkgError):
    """An export (GraphML, GEXF, Neo4j import CSV) cannot be written to the path given."""
