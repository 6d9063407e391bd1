"""Every Cypher statement the Neo4j store runs, as named constants.

Labels, relationship types and key properties are part of the statement text (Cypher cannot
take them as parameters): they are the schema's names (:mod:`paperkg.graph.schema`), never
input. Every value travels as a query parameter.
"""

from __future__ import annotations

from paperkg.graph.schema import RELATIONSHIPS, Label, RelationshipKind, RelType

__all__ = [
    "CONSTRAINTS",
    "COUNT_LABEL",
    "COUNT_TYPE",
    "DELETE_STALE_RELATIONSHIPS",
    "FULLTEXT_INDEX",
    "MERGE_NODES",
    "MERGE_RELATIONSHIPS",
    "PRUNE_NODES",
    "RELATIONSHIP_SOURCE",
    "SERVER_VERSION",
    "VECTOR_INDEX",
    "VECTOR_INDEX_DIMENSION",
]

#: Uniqueness constraint per label on its key property; also the lookup index for MERGE.
CONSTRAINTS = {
    label: (
        f"CREATE CONSTRAINT {label.lower()}_{label.key} IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.{label.key} IS UNIQUE"
    )
    for label in Label
}

FULLTEXT_INDEX = (
    f"CREATE FULLTEXT INDEX paper_text IF NOT EXISTS FOR (n:{Label.PAPER}) "
    "ON EACH [n.title, n.abstract]"
)

#: ``$dimension`` is a parameter; index options accept parameters since Neo4j 5.
VECTOR_INDEX = (
    f"CREATE VECTOR INDEX paper_embedding IF NOT EXISTS FOR (n:{Label.PAPER}) ON n.embedding "
    "OPTIONS {indexConfig: {`vector.dimensions`: $dimension, "
    "`vector.similarity_function`: 'cosine'}}"
)

VECTOR_INDEX_DIMENSION = (
    "SHOW VECTOR INDEXES YIELD name, options WHERE name = 'paper_embedding' "
    "RETURN options.indexConfig['vector.dimensions'] AS dimension"
)

SERVER_VERSION = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)

#: ``$rows``: a list of ``{key, props}``; ``props`` replaces the node's properties but keeps
#: any the snapshot does not know (a user's own annotations survive a push).
MERGE_NODES = {
    label: (
        f"UNWIND $rows AS row MERGE (n:{label} {{{label.key}: row.key}}) "
        "SET n += row.props, n.paperkg_push = $push"
    )
    for label in Label
}


def _merge_relationship(rel: RelationshipKind) -> str:
    """MERGE of one relationship per row between nodes found by their key; a type with
    several per pair (``CITES``, one per source) MERGEs on that property too."""
    identity = f" {{{rel.key}: row.props.{rel.key}}}" if rel.key else ""
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{rel.start} {{{rel.start.key}: row.source}}) "
        f"MATCH (b:{rel.end} {{{rel.end.key}: row.target}}) "
        f"MERGE (a)-[r:{rel.type}" + identity + "]->(b) "
        "SET r += row.props, r.paperkg_push = $push"
    )


#: ``$rows``: a list of ``{source, target, props}`` (node keys), per (type, target label).
MERGE_RELATIONSHIPS = {(rel.type, rel.end): _merge_relationship(rel) for rel in RELATIONSHIPS}


#: Label of the start node of each (type, end label) above: the rows a push can MATCH.
RELATIONSHIP_SOURCE: dict[tuple[str, str], Label] = {
    (rel.type, rel.end): rel.start for rel in RELATIONSHIPS
}

#: Relationships of a type paperkg computes that this push did not write: stale, removed in
#: batches of ``$limit`` (the caller repeats until a batch deletes nothing). A tag's edges go
#: only from a Tag paperkg wrote: a Tag a user made in Neo4j keeps the edges they drew.
DELETE_STALE_RELATIONSHIPS = {
    rel: (
        (
            f"MATCH (t:{Label.TAG})-[r:{rel}]->() WHERE t.paperkg_push IS NOT NULL AND "
            if rel in (RelType.TAGGED, RelType.RECOMMENDS)
            else f"MATCH ()-[r:{rel}]->() WHERE "
        )
        + "coalesce(r.paperkg_push, '') <> $push "
        "WITH r LIMIT $limit DELETE r RETURN count(*) AS n"
    )
    for rel in RelType
}

#: Nodes of a paperkg label that the snapshot no longer has (``--prune``), in batches. A
#: Tag goes only when paperkg wrote it (one a user made in Neo4j has no push stamp).
PRUNE_NODES = {
    label: (
        f"MATCH (n:{label}) WHERE coalesce(n.paperkg_push, '') <> $push "
        + ("AND n.paperkg_push IS NOT NULL " if label == Label.TAG else "")
        + "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    )
    for label in Label
}

COUNT_LABEL = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in Label}
COUNT_TYPE = {rel: f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n" for rel in RelType}
