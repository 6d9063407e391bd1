"""Every Cypher statement the Neo4j store runs, as named constants.

Labels and relationship types are part of the statement text (Cypher cannot take them as
parameters): they are the fixed names written in this module, never input. Every value
travels as a query parameter.
"""

from __future__ import annotations

__all__ = [
    "CONSTRAINTS",
    "COUNT_LABEL",
    "COUNT_TYPE",
    "DELETE_STALE_RELATIONSHIPS",
    "FULLTEXT_INDEX",
    "KEY_PROPERTY",
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
    "Paper": "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (n:Paper) REQUIRE n.id IS UNIQUE",
    "Method": "CREATE CONSTRAINT method_key IF NOT EXISTS FOR (n:Method) REQUIRE n.key IS UNIQUE",
    "Dataset": (
        "CREATE CONSTRAINT dataset_key IF NOT EXISTS FOR (n:Dataset) REQUIRE n.key IS UNIQUE"
    ),
    "Repo": "CREATE CONSTRAINT repo_url IF NOT EXISTS FOR (n:Repo) REQUIRE n.url IS UNIQUE",
    "Cluster": "CREATE CONSTRAINT cluster_id IF NOT EXISTS FOR (n:Cluster) REQUIRE n.id IS UNIQUE",
}

FULLTEXT_INDEX = (
    "CREATE FULLTEXT INDEX paper_text IF NOT EXISTS FOR (n:Paper) ON EACH [n.title, n.abstract]"
)

#: ``$dimension`` is a parameter; index options accept parameters since Neo4j 5.
VECTOR_INDEX = (
    "CREATE VECTOR INDEX paper_embedding IF NOT EXISTS FOR (n:Paper) ON n.embedding "
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

RELATIONSHIP_TYPES = (
    "SIMILAR_TO",
    "CITES",
    "INTRODUCES",
    "USES",
    "EVALUATES_ON",
    "HAS_CODE",
    "IN_CLUSTER",
    "LINKS_TO",
)
NODE_LABELS = ("Paper", "Method", "Dataset", "Repo", "Cluster")

#: Property that identifies a node of each label (the MERGE key).
KEY_PROPERTY = {"Paper": "id", "Method": "key", "Dataset": "key", "Repo": "url", "Cluster": "id"}

#: ``$rows``: a list of ``{key, props}``; ``props`` replaces the node's properties but keeps
#: any the snapshot does not know (a user's own annotations survive a push).
MERGE_NODES = {
    "Paper": (
        "UNWIND $rows AS row MERGE (n:Paper {id: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    ),
    "Method": (
        "UNWIND $rows AS row MERGE (n:Method {key: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    ),
    "Dataset": (
        "UNWIND $rows AS row MERGE (n:Dataset {key: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    ),
    "Repo": (
        "UNWIND $rows AS row MERGE (n:Repo {url: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    ),
    "Cluster": (
        "UNWIND $rows AS row MERGE (n:Cluster {id: row.key}) "
        "SET n += row.props, n.paperkg_push = $push"
    ),
}

#: ``$rows``: a list of ``{source, target, props}`` (node keys), per (type, target label).
MERGE_RELATIONSHIPS = {
    ("SIMILAR_TO", "Paper"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Paper {id: row.target}) "
        "MERGE (a)-[r:SIMILAR_TO]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("CITES", "Paper"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Paper {id: row.target}) "
        "MERGE (a)-[r:CITES {source: row.props.source}]->(b) "
        "SET r += row.props, r.paperkg_push = $push"
    ),
    ("INTRODUCES", "Method"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Method {key: row.target}) "
        "MERGE (a)-[r:INTRODUCES]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("INTRODUCES", "Dataset"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Dataset {key: row.target}) "
        "MERGE (a)-[r:INTRODUCES]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("USES", "Method"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Method {key: row.target}) "
        "MERGE (a)-[r:USES]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("EVALUATES_ON", "Dataset"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Dataset {key: row.target}) "
        "MERGE (a)-[r:EVALUATES_ON]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("HAS_CODE", "Repo"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Repo {url: row.target}) "
        "MERGE (a)-[r:HAS_CODE]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("IN_CLUSTER", "Cluster"): (
        "UNWIND $rows AS row "
        "MATCH (a:Paper {id: row.source}) MATCH (b:Cluster {id: row.target}) "
        "MERGE (a)-[r:IN_CLUSTER]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
    ("LINKS_TO", "Cluster"): (
        "UNWIND $rows AS row "
        "MATCH (a:Cluster {id: row.source}) MATCH (b:Cluster {id: row.target}) "
        "MERGE (a)-[r:LINKS_TO]->(b) SET r += row.props, r.paperkg_push = $push"
    ),
}

#: Label of the start node of each (type, end label) above: the rows a push can MATCH.
RELATIONSHIP_SOURCE = {
    (rel, target): "Cluster" if rel == "LINKS_TO" else "Paper"
    for rel, target in MERGE_RELATIONSHIPS
}

#: Relationships of a type paperkg computes that this push did not write: stale, removed in
#: batches of ``$limit`` (the caller repeats until a batch deletes nothing).
DELETE_STALE_RELATIONSHIPS = {
    rel: (
        f"MATCH ()-[r:{rel}]->() WHERE coalesce(r.paperkg_push, '') <> $push "
        "WITH r LIMIT $limit DELETE r RETURN count(*) AS n"
    )
    for rel in RELATIONSHIP_TYPES
}

#: Nodes of a paperkg label that the snapshot no longer has (``--prune``), in batches.
PRUNE_NODES = {
    label: (
        f"MATCH (n:{label}) WHERE coalesce(n.paperkg_push, '') <> $push "
        "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    )
    for label in NODE_LABELS
}

COUNT_LABEL = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in NODE_LABELS}
COUNT_TYPE = {rel: f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n" for rel in RELATIONSHIP_TYPES}
