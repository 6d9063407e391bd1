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
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
#: Write transactions in flight at once, each in its own session over disjoint rows: the
#: client packs the next batch while the server writes one, and a server with two or more
#: cores writes two (measured in docs/benchmarks.md, section neo4j_load).
WORKERS = 2
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
    lists = snapshot.embeddings.vectors.tolist()  # float32 to exact Python floats
    vectors = dict(zip(snapshot.embeddings.ids, lists, strict=True))
    nodes = [(n, d) for n, d in snapshot.graph.nodes(data=True) if d.get("type") == label]
    names = sorted({name for _n, d in nodes for name in d if name != "type"} | TIME_PROPERTIES)
    rows = []
    for node, data in nodes:
        props = {name: neo4j_value(name, data.get(name)) for name in names}
        if node in vectors:
            props["embedding"] = vectors[node]
        rows.append({"key": _key_value(snapshot, node), "props": props})
    return rows


def _relationship_rows(
    snapshot: StoredSnapshot,
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Rows per (relationship type, target label), grouped in one pass over the edges. Each
    row names every property any relationship of the kind has, None where it has none:
    ``SET r += props`` then removes what an earlier push left (a ``spelling`` or
    ``evidence`` no longer found)."""
    graph = snapshot.graph
    types = {node: data.get("type") for node, data in graph.nodes(data=True)}
    keys: dict[str, Any] = {}

    def key_of(node: str) -> Any:
        if node not in keys:
            keys[node] = _key_value(snapshot, node)
        return keys[node]

    edges: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        edges.setdefault((relationship_type(key), str(types[v])), []).append((u, v, data))
    rows = {}
    for kind, group in edges.items():
        names = sorted({name for _u, _v, d in group for name in d})
        rows[kind] = [
            {
                "source": key_of(u),
                "target": key_of(v),
                "props": {name: neo4j_value(name, d.get(name)) for name in names},
            }
            for u, v, d in group
        ]
    return rows


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
    A relationship type the database held none of when the push began is not swept: two
    pushes of different snapshots into one empty database at once can leave both's edges
    of it, until the next push sweeps them.
    """
    check_batch_size(batch_size)
    push = push_id(snapshot, tags)
    nodes: dict[str, int] = {}
    relationships: dict[str, int] = {}
    writer = _Writer(driver, database, batch_size, push, progress)
    try:
        create_schema(driver, snapshot.manifest.model.dimension, database)
        held = _types_held(driver, database)
        for label, statement in cypher.MERGE_NODES.items():
            rows = _node_rows(snapshot, label)
            if rows:
                nodes[label] = writer.write(statement, rows, f"{label} nodes")
        grouped = _relationship_rows(snapshot)
        for rel, target in cypher.MERGE_RELATIONSHIPS:
            rows = grouped.get((rel, target), [])
            if rows:
                statement = writer.relationship_statement(rel, target)
                relationships[rel] = relationships.get(rel, 0) + writer.write(
                    statement, rows, f"{rel} ({target})"
                )
        written, missing = _write_tags(writer, snapshot, tags)
        for name, count in written.items():
            counts = nodes if name == Label.TAG else relationships
            counts[name] = count
        with driver.session(database=database) as session:
            # A type the database held none of before this push has nothing stale: not
            # scanned (a million SIMILAR_TO read for nothing took a first push 30 s).
            deleted = sum(
                _delete_until_done(session, statement, push, batch_size * 10)
                for rel, statement in cypher.DELETE_STALE_RELATIONSHIPS.items()
                if rel in held
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


def _types_held(driver: neo4j.Driver, database: str | None) -> set[RelType]:
    """The relationship types the database holds at least one of (from its count store)."""
    # A type never written is "unknown" to the server: no warning for asking.
    quiet = neo4j.NotificationMinimumSeverity.OFF
    with driver.session(database=database, notifications_min_severity=quiet) as session:
        return {
            rel
            for rel, statement in cypher.COUNT_TYPE.items()
            if session.run(statement).single(strict=True)["n"]
        }


def _write_tags(
    writer: _Writer, snapshot: StoredSnapshot, tags: Sequence[PushedTag]
) -> tuple[dict[str, int], int]:
    """Tag nodes, TAGGED and RECOMMENDS rows (to papers the graph has), stamped with the
    push: rows written per label and type, and the tagged papers left out."""
    papers = {n for n, d in snapshot.graph.nodes(data=True) if d.get("type") == Label.PAPER}
    nodes, tagged, recommended, missing = tag_rows(tags, papers)
    written: dict[str, int] = {}
    if nodes:
        statement = cypher.MERGE_NODES[Label.TAG]
        written[Label.TAG] = writer.write(statement, nodes, f"{Label.TAG} nodes")
    for rel, rows in ((RelType.TAGGED, tagged), (RelType.RECOMMENDS, recommended)):
        if rows:
            statement = writer.relationship_statement(rel, Label.PAPER)
            written[rel] = writer.write(statement, rows, f"{rel} ({Label.PAPER})")
    return written, missing


class _Batch(list[dict[str, Any]]):
    """The rows of one write transaction: a list, shown by its length. The driver formats
    every query's parameters for its debug log even while that log is off (neo4j 6.4,
    ``Bolt5x5.run``); for 1,000 papers with their embeddings that took more of the
    client's CPU than packing and sending them, CPU the server on the same machine needs."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class _Writer:
    """Batched writes of one push: ``WORKERS`` managed transactions in flight, each in its
    own session (a session serves one thread), progress reported from the caller's thread."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None,
        size: int,
        push: str,
        progress: Callable[[str, int, int], None] | None,
    ) -> None:
        self.driver, self.database, self.size = driver, database, size
        self.push, self.progress = push, progress

    def relationship_statement(self, rel: RelType, target: Label) -> str:
        """Always ``MERGE``: it locks both ends, so two pushes running at once into one
        database still write each relationship once. (``CREATE`` for a kind the database
        held none of saved little and let two concurrent first pushes duplicate every row,
        duplicates no later push removes.)"""
        return cypher.MERGE_RELATIONSHIPS[(rel, target)]

    def _one(self, statement: str, batch: _Batch) -> int:
        with self.driver.session(database=self.database) as session:
            session.execute_write(_write, statement, rows=batch, push=self.push)
        return len(batch)

    def write(self, statement: str, rows: Sequence[dict[str, Any]], stage: str) -> int:
        """Write ``rows`` in batches; the first failure cancels the batches not started."""
        done = 0
        if self.progress is not None:
            self.progress(stage, 0, len(rows))
        batches = iter(_batches(rows, self.size))
        pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="paperkg-push")
        running: set[Future[int]] = set()
        try:
            while True:
                for batch in batches:
                    running.add(pool.submit(self._one, statement, _Batch(batch)))
                    if len(running) >= 2 * WORKERS:
                        break
                if not running:
                    return done
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done += future.result()
                    if self.progress is not None:
                        self.progress(stage, done, len(rows))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


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
