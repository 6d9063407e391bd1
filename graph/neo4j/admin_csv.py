"""CSV files for ``neo4j-admin database import full``: the database ``paperkg push`` makes,
written offline in one pass instead of through transactions.

One file per label (``nodes-Paper.csv``, ...) and per relationship type
(``relationships-SIMILAR_TO.csv``, ...), each with its header on the first line. Node ids
are the snapshot's node ids in one global id space (``:ID`` without a name, so not stored);
the properties are exactly those a push writes: ``Paper.id``, ``Method.key``,
``Dataset.key``, ``Repo.url``, ``Cluster.id`` and the rest, ``embedding:float[]`` on
papers, and the push stamp ``paperkg_push``, so a later ``paperkg push`` of the same
snapshot finds nothing to change.

CSV rules (RFC 4180, as the importer reads it by default): every string is quoted and an
inner ``"`` is doubled; an empty unquoted field is no property; newlines stay inside quotes
(``--multiline-fields=true`` is added when a value has one). Arrays are split on a control
character no element contains (U+001F unless one does), so ``;``, ``,`` and ``|`` inside
names are safe. Types: ``long``, ``double``, ``boolean``, ``string`` and their arrays
(``float[]`` for the float32 embeddings).

``neo4j-admin`` cannot store an empty list, and Community edition cannot create indexes
during an import, so ``after-import.cypher`` (run once against the started server) puts back
the empty lists recorded in the temporary ``paperkg_empty_lists`` property, then creates the
constraints and the full-text and vector indexes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from paperkg import atomic
from paperkg.errors import ExportError
from paperkg.graph.export.files import check_target
from paperkg.graph.model import relationship_type
from paperkg.graph.neo4j import cypher as cypher
from paperkg.graph.neo4j.store import push_id
from paperkg.graph.neo4j.tags import PushedTag, tag_rows
from paperkg.graph.neo4j.values import neo4j_value
from paperkg.graph.schema import KEY_PROPERTY, Label, RelType
from paperkg.graph.snapshot.read import StoredSnapshot

__all__ = [
    "AFTER_IMPORT",
    "EMPTY_LISTS",
    "CsvExport",
    "CsvFile",
    "after_import_statements",
    "export_neo4j_csv",
]

AFTER_IMPORT = "after-import.cypher"
#: Temporary property naming a row's empty lists; after-import.cypher turns it back into [].
EMPTY_LISTS = "paperkg_empty_lists"
#: Array delimiters tried in turn: control characters that text practically never holds.
_ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x1b", "\x1a")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CSV_TYPE = {
    bool: "boolean",
    int: "long",
    float: "double",
    str: "string",
    date: "date",
    datetime: "datetime",
}
#: Import id of a Tag node: no paper, method, dataset, repo or cluster id starts so.
_TAG_ID = "paperkg-tag:"
_BATCH = 10_000
#: How long after-import.cypher waits for the indexes to be populated (a big vector index
#: takes a while; they keep building if the wait times out).
AWAIT_INDEXES_SECONDS = 3600


@dataclass(frozen=True)
class CsvFile:
    """One import file: nodes of one label or relationships of one type."""

    path: Path
    kind: str
    name: str
    rows: int
    header: list[str]


@dataclass(frozen=True)
class CsvExport:
    """What was written and the ``neo4j-admin`` command that imports it."""

    folder: Path
    database: str
    files: list[CsvFile]
    after_import: Path
    array_delimiter: str
    multiline: bool
    command: list[str] = field(default_factory=list)

    @property
    def nodes(self) -> dict[str, int]:
        return {f.name: f.rows for f in self.files if f.kind == "nodes"}

    @property
    def relationships(self) -> dict[str, int]:
        return {f.name: f.rows for f in self.files if f.kind == "relationships"}

    def command_line(self) -> str:
        """The command as one shell line."""
        return shlex.join(self.command)


@dataclass(frozen=True)
class _Column:
    name: str
    type: str
    array: bool

    @property
    def header(self) -> str:
        return f"{self.name}:{self.type}{'[]' if self.array else ''}"


@dataclass
class _Table:
    """Rows of one file before writing: ``(ids, properties)`` per row, columns found so far."""

    kind: str
    name: str
    rows: list[tuple[tuple[str, ...], dict[str, Any]]] = field(default_factory=list)
    scalars: dict[str, set[type]] = field(default_factory=dict)
    elements: dict[str, set[type]] = field(default_factory=dict)
    emptied: set[str] = field(default_factory=set)

    def add(self, ids: tuple[str, ...], props: dict[str, Any]) -> None:
        for name, value in props.items():
            if isinstance(value, list):
                kinds = self.elements.setdefault(name, set())
                kinds.update(type(v) for v in value)
                if not value:
                    self.emptied.add(name)
            else:
                self.scalars.setdefault(name, set()).add(type(value))
        self.rows.append((ids, props))

    def columns(self, first: str | None) -> list[_Column]:
        names = set(self.scalars) | set(self.elements)
        for name in names:
            if not _NAME.match(name):
                raise ExportError(
                    f"{self.name} has a property named {name!r}, which a CSV header cannot hold"
                )
        ordered = sorted(names, key=lambda n: (n != first, n == "embedding", n))
        columns = [self._column(name) for name in ordered]
        if self.emptied:
            columns.append(_Column(EMPTY_LISTS, "string", True))
        return columns

    def _column(self, name: str) -> _Column:
        if name in self.scalars and name in self.elements:
            raise self._mixed(name, "lists and single values")
        if name == "embedding":
            return _Column(name, "float", True)
        kinds = self.elements.get(name) or self.scalars.get(name) or {str}
        if kinds == {int, float}:
            kinds = {float}
        if len(kinds) != 1 or next(iter(kinds)) not in _CSV_TYPE:
            raise self._mixed(name, ", ".join(sorted(k.__name__ for k in kinds)))
        return _Column(name, _CSV_TYPE[next(iter(kinds))], name in self.elements)

    def _mixed(self, name: str, what: str) -> ExportError:
        return ExportError(
            f"property {name!r} of {self.name} holds {what}, which one CSV column cannot; "
            "the snapshot is damaged: rebuild it with paperkg build SOURCES --out SNAPSHOT"
        )


def _props(data: dict[str, Any]) -> dict[str, Any]:
    """The properties a push stores (``neo4j_value``), without those it leaves out."""
    return {
        k: v
        for k, v in ((k, neo4j_value(k, v)) for k, v in data.items() if k != "type")
        if v is not None
    }


def _tables(
    snapshot: StoredSnapshot, stamp: str, tags: Sequence[PushedTag] = ()
) -> tuple[list[_Table], list[_Table]]:
    """The rows of every file, as a push would write them (same labels, same pairs, the
    same tags)."""
    graph = snapshot.graph
    vectors = {node: row for row, node in enumerate(snapshot.embeddings.ids)}
    nodes = {label: _Table("nodes", label) for label in cypher.MERGE_NODES}
    for node, data in graph.nodes(data=True):
        table = nodes.get(data.get("type", ""))
        if table is None:
            continue
        props = _props(data)
        if table.name == Label.PAPER:
            props[Label.PAPER.key] = node
        if node in vectors:
            props["embedding"] = vectors[node]  # a row number, formatted when written
        props["paperkg_push"] = stamp
        table.add((node,), props)
    relationships: dict[str, _Table] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        rel = relationship_type(key)
        target = graph.nodes[v].get("type", "")
        source = cypher.RELATIONSHIP_SOURCE.get((rel, target))
        if source is None or graph.nodes[u].get("type") != source:
            continue  # push MATCHes both ends by label: it writes no such relationship
        props = {**_props(data), "paperkg_push": stamp}
        relationships.setdefault(rel, _Table("relationships", rel)).add((u, v, rel), props)
    papers = {n for n, d in graph.nodes(data=True) if d.get("type") == Label.PAPER}
    tag_nodes, tagged, recommended, _missing = tag_rows(tags, papers)
    for row in tag_nodes:
        props = {Label.TAG.key: row["key"], "paperkg_push": stamp}
        nodes[Label.TAG].add((_TAG_ID + row["key"],), props)
    for rel, rows in ((RelType.TAGGED, tagged), (RelType.RECOMMENDS, recommended)):
        for row in rows:
            ids = (_TAG_ID + row["source"], row["target"], rel)
            props = {k: v for k, v in row["props"].items() if v is not None}
            props["paperkg_push"] = stamp
            relationships.setdefault(rel, _Table("relationships", rel)).add(ids, props)
    order: dict[str, int] = {rel: i for i, rel in enumerate(RelType)}
    rels = sorted(relationships.values(), key=lambda t: (order.get(t.name, len(order)), t.name))
    return [t for t in nodes.values() if t.rows], rels


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _strings(tables: list[_Table]) -> Iterator[str]:
    for table in tables:
        for ids, props in table.rows:
            yield from ids
            for value in props.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))


def _array_delimiter(tables: list[_Table]) -> str:
    """The first candidate delimiter that no array element contains."""
    left = list(_ARRAY_DELIMITERS)
    for table in tables:
        for _ids, props in table.rows:
            for value in props.values():
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            left = [d for d in left if d not in item]
                            if not left:
                                raise ExportError(
                                    "list values contain every array delimiter paperkg can use "
                                    "(U+001A to U+001F); remove those control characters from "
                                    "the inputs and rebuild"
                                )
    return left[0]


def _write_table(
    handle: TextIO,
    table: _Table,
    columns: list[_Column],
    delimiter: str,
    vectors: np.ndarray,
) -> None:
    head = [":ID", ":LABEL"] if table.kind == "nodes" else [":START_ID", ":END_ID", ":TYPE"]
    handle.write(",".join(head + [c.header for c in columns]) + "\n")
    lines = []
    for ids, props in table.rows:
        cells = [_quote(i) for i in ids]
        if table.kind == "nodes":
            cells.append(table.name)
        empty: list[str] = []
        for column in columns:
            value = props.get(column.name)
            if column.name == EMPTY_LISTS:
                cells.append(_quote(delimiter.join(empty)) if empty else "")
            elif value is None:
                cells.append("")
            elif column.name == "embedding" and table.name == Label.PAPER:
                vector = vectors[value]
                cells.append(delimiter.join([f"{x:.9g}" for x in vector.tolist()]))
            elif column.array:
                if not value:
                    empty.append(column.name)
                    cells.append("")
                elif column.type == "string":
                    cells.append(_quote(delimiter.join(value)))
                else:
                    cells.append(delimiter.join(_text(v) for v in value))
            elif column.type == "string":
                cells.append(_quote(value))
            else:
                cells.append(_text(value))
        lines.append(",".join(cells))
        if len(lines) >= _BATCH:
            handle.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        handle.write("\n".join(lines) + "\n")


def _unicode_name(char: str) -> str:
    return f"U+{ord(char):04X}"


def import_command(
    files: list[CsvFile], database: str, delimiter: str, multiline: bool
) -> list[str]:
    """``neo4j-admin database import full`` with every file, the delimiter and ``database``."""
    command = ["neo4j-admin", "database", "import", "full"]
    command += [f"--nodes={f.path}" for f in files if f.kind == "nodes"]
    command += [f"--relationships={f.path}" for f in files if f.kind == "relationships"]
    command.append(f"--array-delimiter={_unicode_name(delimiter)}")
    if multiline:
        command.append("--multiline-fields=true")
    command.append(database)
    return command


def after_import_statements(dimension: int, emptied: dict[tuple[str, str], list[str]]) -> list[str]:
    """The Cypher that completes an import: first the empty lists (``emptied``: property
    names per ("nodes", label) or ("relationships", type)) put back from
    ``paperkg_empty_lists``, before any index has to follow those writes; then the
    constraints and indexes ``paperkg push`` creates, and a wait for them to be populated.
    Each statement runs in its own (auto-commit) transaction."""
    statements = []
    for (kind, name), props in emptied.items():
        var = "n" if kind == "nodes" else "r"
        match = f"MATCH (n:{name})" if kind == "nodes" else f"MATCH ()-[r:{name}]->()"
        sets = " ".join(
            f"FOREACH (_ IN CASE WHEN '{p}' IN {var}.{EMPTY_LISTS} THEN [1] ELSE [] END | "
            f"SET {var}.{p} = [])"
            for p in props
        )
        statements.append(
            f"{match} WHERE {var}.{EMPTY_LISTS} IS NOT NULL "
            f"CALL ({var}) {{ {sets} REMOVE {var}.{EMPTY_LISTS} }} "
            "IN TRANSACTIONS OF 10000 ROWS"
        )
    statements += cypher.CONSTRAINTS.values()
    statements.append(cypher.FULLTEXT_INDEX)
    statements.append(cypher.VECTOR_INDEX.replace("$dimension", str(int(dimension))))
    statements.append(f"CALL db.awaitIndexes({AWAIT_INDEXES_SECONDS})")
    return statements


def _after_import_text(statements: list[str], command: list[str]) -> str:
    lines = [
        "// paperkg: run once after `neo4j-admin database import full` and starting Neo4j:",
        "//   cypher-shell -u neo4j -f after-import.cypher",
        "// (in Neo4j Browser, put :auto before the statements with IN TRANSACTIONS).",
        "// It puts back the empty lists neo4j-admin cannot store, creates the constraints and",
        "// indexes `paperkg push` creates and waits for them to be populated (SHOW INDEXES",
        "// shows progress if the wait times out). The import command was:",
        f"//   {shlex.join(command)}",
        "",
    ]
    lines += [f"{statement};" for statement in statements]
    return "\n".join(lines) + "\n"


_EXPORT_FILE = re.compile(r"(?:nodes|relationships)-[^/]+\.csv")


def _check_folder(folder: Path, force: bool) -> None:
    """A new or empty folder is written; with ``force`` also one holding an earlier export
    (only its CSV files and after-import.cypher), never a folder holding anything else."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ExportError(f"{folder} is not a folder; give a new or empty folder for the CSV files")
    check_target(folder, force=force, folder=True)
    if force and folder.is_dir():
        for entry in sorted(folder.iterdir()):
            ours = entry.name == AFTER_IMPORT or _EXPORT_FILE.fullmatch(entry.name)
            if not ours or entry.is_symlink() or not entry.is_file():
                raise ExportError(
                    f"{folder} holds {entry.name!r}, which no CSV export writes; --force "
                    "replaces only an earlier export: give a new or empty folder"
                )


def export_neo4j_csv(
    snapshot: StoredSnapshot,
    folder: str | Path,
    *,
    database: str = "neo4j",
    force: bool = False,
    tags: Sequence[PushedTag] = (),
) -> CsvExport:
    """Write the import files of ``snapshot`` into ``folder`` (new or empty, or with
    ``force`` an earlier export's) and return them with the ``neo4j-admin`` command that
    imports them into ``database``; ``tags`` as a push writes them (Tag nodes, TAGGED and
    RECOMMENDS).

    The files are written into a temporary sibling folder and renamed into place when all
    are complete (:func:`paperkg.atomic.write_folder`); an earlier export there is deleted
    only once the new one is in place.
    """
    folder = Path(folder).absolute()
    _check_folder(folder, force)
    node_tables, rel_tables = _tables(snapshot, push_id(snapshot, tags), tags)
    tables = node_tables + rel_tables
    delimiter = _array_delimiter(tables)
    multiline = any("\n" in s or "\r" in s for s in _strings(tables))
    vectors = snapshot.embeddings.vectors
    columns = [table.columns(KEY_PROPERTY.get(table.name)) for table in tables]
    files = [
        CsvFile(
            folder / f"{table.kind}-{table.name}.csv",
            table.kind,
            table.name,
            len(table.rows),
            [c.header for c in table_columns],
        )
        for table, table_columns in zip(tables, columns, strict=True)
    ]
    emptied = {(t.kind, t.name): sorted(t.emptied) for t in tables if t.emptied}
    command = import_command(files, database, delimiter, multiline)

    def fill(tmp: Path) -> None:
        for table, table_columns, file in zip(tables, columns, files, strict=True):
            with (tmp / file.path.name).open("w", encoding="utf-8", newline="") as handle:
                _write_table(handle, table, table_columns, delimiter, vectors)
        dimension = snapshot.manifest.model.dimension
        text = _after_import_text(after_import_statements(dimension, emptied), command)
        (tmp / AFTER_IMPORT).write_text(text, encoding="utf-8")

    try:
        atomic.write_folder(folder, fill, check=lambda: _check_folder(folder, force))
    except OSError as exc:
        raise ExportError(f"cannot write into {folder}: {exc.strerror or exc}") from exc
    return CsvExport(folder, database, files, folder / AFTER_IMPORT, delimiter, multiline, command)
