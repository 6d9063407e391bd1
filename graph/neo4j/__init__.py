"""Neo4j: the store that pushes a snapshot (batched MERGE), its Cypher constants and the admin-
import CSV export."""

from paperkg.graph.neo4j.admin_csv import (
    AFTER_IMPORT,
    EMPTY_LISTS,
    CsvExport,
    CsvFile,
    after_import_statements,
    export_neo4j_csv,
)
from paperkg.graph.neo4j.store import (
    BOLT_SCHEMES,
    MIN_SERVER_VERSION,
    Neo4jSettings,
    PushReport,
    check_batch_size,
    check_server_version,
    check_uri,
    connect,
    count_graph,
    create_schema,
    push_id,
    push_snapshot,
)

__all__ = [
    "AFTER_IMPORT",
    "BOLT_SCHEMES",
    "EMPTY_LISTS",
    "MIN_SERVER_VERSION",
    "CsvExport",
    "CsvFile",
    "Neo4jSettings",
    "PushReport",
    "after_import_statements",
    "check_batch_size",
    "check_server_version",
    "check_uri",
    "connect",
    "count_graph",
    "create_schema",
    "export_neo4j_csv",
    "push_id",
    "push_snapshot",
]
