"""Loading a snapshot into Neo4j: schema first, then batched ``UNWIND ... MERGE`` writes.

Store functions take a ``neo4j.Driver`` and never open one themselves (``connect`` does).
Writes run in managed transactions (``execute_write``) so the driver retries transient
errors; every value is a query parameter. A push is idempotent: running it again, or
re-running an interrupted one, converges on the same graph.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from paperkg.errors import Neo4jError
from paperkg.graph.model import relationship_type
from paperkg.graph.neo4j import cypher as cypher
from paperkg.graph.neo4j.tags import PushedTag, tag_rows, tags_digest
from paperkg.graph.neo4j.values import TIME_PROPERTIES, neo4j_value
from paperkg.graph.schema import KEY_PROPERTY, Label, RelType
from paperkg.graph.snapshot.read import StoredSnapshot

__all__ = [
    "BOLT_SCHEMES",
    "MIN_SERVER_VERSION",
    "Neo4jSettings",
    "PushReport",
    "check_batch_size",
    "check_server_version",
    "check_uri",
    "connect",
    "count_graph",
    "create_schema",
    "push_id",
    "push_snapshot",
]

#: Vector indexes became generally available in Neo4j 5.13; the query packs compute exact
#: cosine with ``vector.similarity.cosine``, which came in 5.18.
MIN_SERVER_VERSION = (5, 18)
START_HINT = "start one with 'docker compose up -d' (or 'make neo4j' in a paperkg checkout)"
#: URI schemes the driver speaks Bolt over (``http`` is Neo4j Browser's web page instead).
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> str:
    """``uri`` when its scheme is a Bolt one; else one line saying what to give instead.

    The driver would take ``http://`` for its HTTP route and fail on a missing module, and a
    bare ``host:port`` with a confusing parse error.
    """
    scheme = uri.partition("://")[0].lower() if "://" in uri else ""
    if scheme in BOLT_SCHEMES:
        return uri
    if scheme in ("http", "https"):
        try:
            host = urlsplit(uri).hostname or "localhost"
        except ValueError:
            host = "localhost"
        host = f"[{host}]" if ":" in host else host
        raise Neo4jError(
            f"uri {uri} is Neo4j Browser's address; give the Bolt URI, e.g. bolt://{host}:7687",
            param="uri",
        )
    schemes = ", ".join(f"{name}://" for name in BOLT_SCHEMES)
    raise Neo4jError(
        f"uri {uri!r} is not a Bolt URI: give one starting with {schemes}, "
        "e.g. bolt://localhost:7687",
        param="uri",
    )


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect. ``database=None`` means the server's default database."""

    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None

    def __post_init__(self) -> None:
        check_uri(self.uri)


@dataclass(frozen=True)
class PushReport:
    """What a push wrote: rows per label and type, stale rows removed, and the tagged
    papers left out for not being in the snapshot's graph."""

    uri: str
    database: str | None
    nodes: dict[str, int]
    relationships: dict[str, int]
    deleted_relationships: int
    pruned_nodes: int
    tagged_missing: int = 0


def _translate(
    exc: Exception, uri: str, database: str | None = None, user: str = "neo4j"
) -> Neo4jError:
    """One actionable line for what went wrong talking to the server (never the password);
    ``uri`` is empty for a driver of the caller's, whose URI paperkg does not know."""
    where = f"Neo4j at {uri}" if uri else "the Neo4j server"
    if isinstance(exc, neo4j_errors.AuthError):
        return Neo4jError(
            f"{where} rejected user {user!r}: wrong user or password "
            "(set NEO4J_USER and NEO4J_PASSWORD)"
        )
    code = getattr(exc, "code", "") or ""
    if code.endswith("DatabaseNotFound"):
        return Neo4jError(
            f"{where} has no database {database!r}; "
            "'SHOW DATABASES' in Neo4j Browser lists them (or omit --database)"
        )
    if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return Neo4jError(f"cannot reach {where} ({_first_line(exc)}); {START_HINT}")
    if isinstance(exc, neo4j_errors.ConfigurationError | ValueError):
        return Neo4jError(f"cannot use Neo4j URI {uri!r}: {_first_line(exc)}")
    return Neo4jError(f"{where} failed: {_first_line(exc)}")


def _first_line(exc: Exception) -> str:
    """The driver's message folded onto one line (its messages often span two)."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(text.split())[:300]


def connect(settings: Neo4jSettings) -> neo4j.Driver:
    """A driver whose connection, credentials and database have been checked."""
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), connection_timeout=10
        )
    except (neo4j_errors.ConfigurationError, ValueError) as exc:
        raise _translate(exc, settings.uri, settings.database, settings.user) from exc
    try:
        driver.verify_connectivity()
        with driver.session(database=settings.database) as session:
            session.run("RETURN 1").consume()
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as exc:
        driver.close()
        raise _translate(exc, settings.uri, settings.database, settings.user) from exc
    return driver


def check_server_version(version: str) -> tuple[int, ...]:
    """Parse a server version and refuse one too old for vector indexes and the packs'
    exact cosine."""
    numbers = tuple(int(part) for part in re.findall(r"\d+", version)[:3])
    if numbers[:2] < MIN_SERVER_VERSION:
        wanted = ".".join(map(str, MIN_SERVER_VERSION))
        raise Neo4jError(
            f"Neo4j {version} is too old: paperkg needs {wanted} or newer for vector indexes "
            "and vector.similarity.cosine (the docker-compose.yml in paperkg runs 5.26 LTS)"
        )
    return numbers


def create_schema(driver: neo4j.Driver, dimension: int, database: str | None = None) -> None:
    """Constraints, the full-text index and the vector index; safe to run any number of times."""
    with driver.session(database=database) as session:
        record = session.run(cypher.SERVER_VERSION).single()
        check_server_version(record["version"] if record else "0")
        for statement in cypher.CONSTRAINTS.values():
            session.run(statement).consume()
        session.run(cypher.FULLTEXT_INDEX).consume()
        session.run(cypher.VECTOR_INDEX, dimension=dimension).consume()
        found = session.run(cypher.VECTOR_INDEX_DIMENSION).single()
        existing = found["dimension"] if found else None
        if existing is not None and int(existing) != dimension:
            raise Neo4jError(
                f"the database's vector index paper_embedding has {existing} dimensions but "
                f"this snapshot's model has {dimension}; drop it in Neo4j Browser with "
                "'DROP INDEX paper_embedding' (or use another --database), then push again"
            )
        session.run("CALL db.awaitIndexes(300)").consume()


def push_id(snapshot: StoredSnapshot, tags: Sequence[PushedTag] = ()) -> str:
    """Identity of a snapshot's content (and of the ``tags`` pushed with it): the same
    snapshot with the same tags always pushes under the same id."""
    listed = {name: entry.to_json() for name, entry in snapshot.manifest.files.items()}
    files = json.dumps(listed, sort_keys=True)
    stamp = hashlib.sha256(files.encode()).hexdigest()[:16]
    return f"{stamp}-{tags_digest(tags)}" if tags else stamp


def _key_value(snapshot: StoredSnapshot, node: str) -> Any:
    """The value of a node's MERGE key property (``Paper.id``, ``Method.key``, ``Repo.url``)."""
    data = snapshot.graph.nodes[node]
    return node if data["type"] == Label.PAPER else data[KEY_PROPERTY[data["type"]]]


def _node_rows(snapshot: StoredSnapshot, label: str) -> list[dict[str, Any]]:
    """One row per node of ``label``. Each row names every property any node of the label
    has, and every time property (``TIME_PROPERTIES``), None where it has none: ``SET n +=
    props`` then removes what an earlier push left (a burst that is over, a citation
    velocity no longer computed); properties a user set in Neo4j are not named, so stay."""
    vectors = dict(zip(snapshot.embeddings.ids, snapshot.embeddings.vectors, strict=True))
    nodes = [(n, d) for n, d in snapshot.graph.nodes(data=True) if d.get("type") == label]
    names = sorted({name for _n, d in nodes for name in d if name != "type"} | TIME_PROPERTIES)
    rows = []
    for node, data in nodes:
        props = {name: neo4j_value(name, data.get(name)) for name in names}
        if node in vectors:
            props["embedding"] = vectors[node].astype(float).tolist()
        rows.append({"key": _key_value(snapshot, node), "props": props})
    return rows


def _relationship_rows(snapshot: StoredSnapshot, rel: str, target: str) -> list[dict[str, Any]]:
    """One row per relationship of type ``rel`` to a ``target`` node. Each row names every
    property any relationship of the kind has, None where it has none: ``SET r += props``
    then removes what an earlier push left (a ``spelling`` or ``evidence`` no longer found)."""
    graph = snapshot.graph
    edges = [
        (u, v, d)
        for u, v, key, d in graph.edges(keys=True, data=True)
        if relationship_type(key) == rel and graph.nodes[v]["type"] == target
    ]
    names = sorted({name for _u, _v, d in edges for name in d})
    return [
        {
            "source": _key_value(snapshot, u),
            "target": _key_value(snapshot, v),
            "props": {name: neo4j_value(name, d.get(name)) for name in names},
        }
        for u, v, d in edges
    ]


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _write(tx: neo4j.ManagedTransaction, /, statement: str, **params: Any) -> int:
    result = tx.run(statement, **params)
    record = result.single()
    result.consume()
    return int(record.data().get("n", 0)) if record is not None else 0


def check_batch_size(batch_size: int) -> int:
    """``batch_size`` (rows per write transaction) when it is at least 1; else one line
    naming the parameter, before anything connects."""
    if batch_size < 1:
        raise Neo4jError(f"batch_size must be at least 1, got {batch_size}", param="batch_size")
    return batch_size


def push_snapshot(
    driver: neo4j.Driver,
    snapshot: StoredSnapshot,
    *,
    database: str | None = None,
    batch_size: int = 1000,
    prune: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    uri: str = "",
    tags: Sequence[PushedTag] = (),
) -> PushReport:
    """Write every node and relationship of ``snapshot`` to Neo4j, then ``tags`` (Tag
    nodes, their TAGGED and RECOMMENDS relationships to the papers the graph has).

    Everything paperkg computes mirrors the snapshot: relationships, and Method, Dataset,
    Repo and Cluster nodes (and Tag nodes paperkg wrote) left from an earlier push that
    this snapshot no longer has are deleted. Paper nodes are deleted only with ``prune``.
    """
    check_batch_size(batch_size)
    push = push_id(snapshot, tags)
    nodes: dict[str, int] = {}
    relationships: dict[str, int] = {}
    try:
        create_schema(driver, snapshot.manifest.model.dimension, database)
        with driver.session(database=database) as session:
            for label, statement in cypher.MERGE_NODES.items():
                rows = _node_rows(snapshot, label)
                if not rows:
                    continue
                nodes[label] = _write_batches(
                    session, statement, rows, batch_size, push, progress, f"{label} nodes"
                )
            for (rel, target), statement in cypher.MERGE_RELATIONSHIPS.items():
                rows = _relationship_rows(snapshot, rel, target)
                if not rows:
                    continue
                relationships[rel] = relationships.get(rel, 0) + _write_batches(
                    session, statement, rows, batch_size, push, progress, f"{rel} ({target})"
                )
            written, missing = _write_tags(session, snapshot, tags, batch_size, push, progress)
            for name, count in written.items():
                counts = nodes if name == Label.TAG else relationships
                counts[name] = count
            deleted = sum(
                _delete_until_done(session, statement, push, batch_size * 10)
                for statement in cypher.DELETE_STALE_RELATIONSHIPS.values()
            )
            # Methods, datasets, repos and clusters are computed from the papers by every
            # build: the ones this snapshot no longer has always go. Papers only with --prune.
            pruned = sum(
                _delete_until_done(session, statement, push, batch_size * 10)
                for label, statement in cypher.PRUNE_NODES.items()
                if prune or label != Label.PAPER
            )
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise _translate(exc, uri, database) from exc
    return PushReport(uri, database, nodes, relationships, deleted, pruned, missing)


def _write_tags(
    session: neo4j.Session,
    snapshot: StoredSnapshot,
    tags: Sequence[PushedTag],
    size: int,
    push: str,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[dict[str, int], int]:
    """Tag nodes, TAGGED and RECOMMENDS rows (to papers the graph has), stamped ``push``:
    rows written per label and type, and the tagged papers left out."""
    papers = {n for n, d in snapshot.graph.nodes(data=True) if d.get("type") == Label.PAPER}
    nodes, tagged, recommended, missing = tag_rows(tags, papers)
    written: dict[str, int] = {}
    for name, statement, rows in (
        (Label.TAG, cypher.MERGE_NODES[Label.TAG], nodes),
        (RelType.TAGGED, cypher.MERGE_RELATIONSHIPS[(RelType.TAGGED, Label.PAPER)], tagged),
        (
            RelType.RECOMMENDS,
            cypher.MERGE_RELATIONSHIPS[(RelType.RECOMMENDS, Label.PAPER)],
            recommended,
        ),
    ):
        if rows:
            stage = f"{name} nodes" if name == Label.TAG else f"{name} ({Label.PAPER})"
            written[name] = _write_batches(session, statement, rows, size, push, progress, stage)
    return written, missing


def _write_batches(
    session: neo4j.Session,
    statement: str,
    rows: Sequence[dict[str, Any]],
    size: int,
    push: str,
    progress: Callable[[str, int, int], None] | None,
    stage: str,
) -> int:
    done = 0
    if progress is not None:
        progress(stage, 0, len(rows))
    for batch in _batches(rows, size):
        session.execute_write(_write, statement, rows=list(batch), push=push)
        done += len(batch)
        if progress is not None:
            progress(stage, done, len(rows))
    return done


def _delete_until_done(session: neo4j.Session, statement: str, push: str, limit: int) -> int:
    total = 0
    while True:
        deleted = session.execute_write(_write, statement, push=push, limit=limit)
        total += deleted
        if deleted < limit:
            return total


def count_graph(driver: neo4j.Driver, database: str | None = None) -> dict[str, dict[str, int]]:
    """Nodes per paperkg label and relationships per paperkg type, as Neo4j holds them."""
    with driver.session(database=database) as session:
        return {
            "nodes": {
                label: session.run(statement).single(strict=True)["n"]
                for label, statement in cypher.COUNT_LABEL.items()
            },
            "relationships": {
                rel: session.run(statement).single(strict=True)["n"]
                for rel, statement in cypher.COUNT_TYPE.items()
            },
        }
