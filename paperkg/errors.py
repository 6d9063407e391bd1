"""The one exception family of paperkg: every message says what went wrong and what to do.

    PaperkgError
     ├── InputError        a source path or file cannot be used (names the file and line)
     ├── ModelError        the embedding model cannot be loaded
     ├── SnapshotError     a snapshot directory is missing, damaged or cannot be written
     ├── TagsError         a snapshot's tags file (tags.json) is damaged, or a tag name is bad
     ├── Neo4jError        the Neo4j server cannot be reached, refuses us, or fails a write
     ├── QueryError        an unknown query pack query, a bad parameter, or a failed query
     ├── ExportError       an export, view or query file cannot be written where it was
     │                     asked, or the target exists and --force was not given
     ├── FetchError        an API request of ``paperkg fetch`` failed or was refused
     ├── ParameterError    an argument's value cannot be used (``k`` below 1, an empty query)
     └── NotFoundError     no paper or cluster (or no single one) matches what was named
          └── AmbiguousError   several papers match a reference; lists the candidates

The root itself is never raised: each error is one of its kinds. The last two keep the
root's ``code`` (``error``), the code scripts have always read for them.

The CLI turns any ``PaperkgError`` into one line on stderr and exit status 1; with ``--json``
it also prints ``{"error": {"code": ..., "message": ...}}`` on stdout, ``code`` being the
class's stable :attr:`PaperkgError.code` (the table is :data:`ERROR_CODES`).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ERROR_CODES",
    "AmbiguousError",
    "ExportError",
    "FetchError",
    "InputError",
    "ModelError",
    "Neo4jError",
    "NotFoundError",
    "PaperkgError",
    "ParameterError",
    "QueryError",
    "SnapshotError",
    "TagsError",
]


class PaperkgError(Exception):
    """Root of every error a user can act on.

    ``param`` names the Python parameter a message starts with (``"k must be at least 1"``
    has ``param="k"``), so the CLI can show the flag instead (``-k must be at least 1``).
    """

    #: Stable name of the kind of error, for scripts reading ``--json`` errors.
    code: ClassVar[str] = "error"

    def __init__(self, message: str = "", *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class InputError(PaperkgError):
    """A source path or file is missing, unreadable, or not in a format paperkg reads."""

    code = "input_error"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class ModelError(PaperkgError):
    """The embedding model cannot be found or loaded."""

    code = "model_error"


class SnapshotError(PaperkgError):
    """A snapshot directory is missing, damaged, or cannot be written."""

    code = "snapshot_error"


class TagsError(PaperkgError):
    """A snapshot's tags file cannot be read (bad JSON, another format, a bad entry: the
    message names the file and what is wrong) or written, or a tag name breaks the rule."""

    code = "tags_error"


class Neo4jError(PaperkgError):
    """Neo4j is unreachable, rejects the credentials or database, or a write fails."""

    code = "neo4j_error"


class QueryError(PaperkgError):
    """A query of the packs is unknown, gets a bad parameter, or fails on the server."""

    code = "query_error"


class ExportError(PaperkgError):
    """An export (GraphML, GEXF, Neo4j import CSV), a view page or the query files cannot be
    written to the path given, or would replace something there without ``force``."""

    code = "export_error"


class FetchError(PaperkgError):
    """A request of ``paperkg fetch`` failed, was refused, or its answer cannot be used."""

    code = "fetch_error"


class ParameterError(PaperkgError):
    """An argument or setting has a value paperkg cannot use: ``k`` below 1, an empty query,
    a view that takes no target. ``param`` names the parameter, for the CLI's flag."""


class NotFoundError(PaperkgError):
    """What was named is not in the snapshot: no paper or cluster matches it, or several
    papers do and the name must be more specific."""


class AmbiguousError(NotFoundError):
    """A reference names several papers (a title fragment or a short name many titles
    share). ``candidates`` holds ``(id, title)`` of the first of them and ``total`` how
    many there are, so a caller can offer a choice; the message lists them too."""

    def __init__(self, message: str, *, candidates: list[tuple[str, str]], total: int) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.total = total


#: Every ``code`` a ``--json`` error can carry, with what it means (docs/reference/cli.md).
ERROR_CODES: dict[str, str] = {
    "input_error": "a source path or file cannot be read, or is not in a format paperkg reads",
    "model_error": "the embedding model cannot be found or loaded",
    "snapshot_error": "no snapshot at --out, or it is damaged or cannot be written",
    "tags_error": "the snapshot's tags.json is damaged or cannot be written, or a tag name "
    "is not allowed",
    "neo4j_error": "Neo4j cannot be reached, refuses the credentials or database, or a write "
    "fails; or --neo4j is not a Bolt URI",
    "query_error": "an unknown pack query, a bad --param, or a query the server refused",
    "export_error": "an export, view or query file cannot be written where asked, or the "
    "target exists (--force replaces it)",
    "fetch_error": "an API request of paperkg fetch failed or was refused",
    "error": "any other mistake paperkg can name: a paper or cluster that is not in the "
    "snapshot, an empty query, a bad setting",
    "usage_error": "the command line itself is wrong: a missing argument, an unknown "
    "option, a value of the wrong type (exit status 2)",
    "interrupted": "Ctrl-C (SIGINT) stopped the command (exit status 130)",
}
