"""Topics at two levels, their labels, PageRank, betweenness and bridges, written onto the graph.

Adds ``Cluster`` nodes (``level`` 1: broad topics; ``level`` 2: the clusters inside them)
with ``IN_CLUSTER`` edges from their papers to the level-2 cluster, ``SUBTOPIC_OF`` from
each level-2 cluster to its topic, and ``LINKS_TO {edges}`` between clusters of one level;
sets ``cluster`` (level 2), ``topic`` (level 1), ``pagerank``, ``betweenness``,
``participation`` and ``bridge_score`` on papers, and ``clusters``, ``joins``,
``bridging`` and ``bridge_score`` on methods, datasets and repos. Both levels share one
space of ids, so a cluster id names one cluster whatever its level.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np

from paperkg.graph.analytics.bridging import entity_spread
from paperkg.graph.analytics.centrality import centrality
from paperkg.graph.analytics.cluster_changes import follow_clusters
from paperkg.graph.analytics.clusters import UNCLUSTERED, cluster_papers, most_common
from paperkg.graph.analytics.hierarchy import TOPIC_RESOLUTION, group_clusters
from paperkg.graph.analytics.labels import describe
from paperkg.graph.analytics.similarity_graph import CITATION_WEIGHT, paper_network
from paperkg.graph.analytics.topic_space import topic_network
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = ["SUBTOPIC", "TOPIC", "AnalyticsOptions", "analyse", "cluster_node_id"]

_ENTITY_TYPES = {Label.METHOD, Label.DATASET, Label.REPO}
#: ``Cluster.level`` of broad topics and of the clusters inside them.
TOPIC, SUBTOPIC = 1, 2


@dataclass(frozen=True)
class AnalyticsOptions:
    """Knobs of the analytics; every stochastic step takes ``seed``. ``resolution`` is the
    clusters' (level 2), ``topic_resolution`` the broad topics' (level 1)."""

    resolution: float = 1.5
    min_cluster_size: int = 3
    seed: int = 42
    topic_resolution: float = TOPIC_RESOLUTION


def cluster_node_id(cluster: int) -> str:
    return f"cluster:{cluster}"


def _directed_papers(graph: nx.MultiDiGraph[str]) -> nx.DiGraph[str]:
    directed: nx.DiGraph[str] = nx.DiGraph()
    directed.add_nodes_from(n for n, d in graph.nodes(data=True) if is_paper(d))
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = relationship_type(key)
        weight = CITATION_WEIGHT if kind == RelType.CITES else float(data.get("score", 0.0))
        inside = u in directed and v in directed and u != v
        if kind in (RelType.CITES, RelType.SIMILAR_TO) and inside and weight > 0:
            old = directed.get_edge_data(u, v, {}).get("weight", 0.0)
            directed.add_edge(u, v, weight=max(old, weight))
    return directed


def analyse(
    graph: nx.MultiDiGraph[str],
    options: AnalyticsOptions | None = None,
    previous: Mapping[str, int] | None = None,
    next_id: int | None = None,
    *,
    embeddings: tuple[Sequence[str], np.ndarray] | None = None,
    previous_topics: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Compute topics, clusters and centrality, store them on ``graph``, return the
    manifest record.

    ``embeddings`` (paper ids and their vectors) lets clustering run on the topic graph
    (embedding and word vectors blended, plus citations); without them it runs on the
    graph's similarity and citation edges. With ``previous`` (paper id -> cluster id of the
    snapshot being updated; ``previous_topics`` likewise for topics) clusters and topics
    keep the ids of those they continue, and the record lists what changed.
    """
    options = options or AnalyticsOptions()
    network = paper_network(graph)
    if embeddings is not None:
        ids, vectors = embeddings
        clustered_on = topic_network(graph, list(ids), vectors, seed=options.seed)
    else:
        clustered_on = network
    clustering = cluster_papers(
        clustered_on,
        resolution=options.resolution,
        min_size=options.min_cluster_size,
        seed=options.seed,
    )
    assignment = clustering.assignment
    groups = group_clusters(
        clustered_on, assignment, resolution=options.topic_resolution, seed=options.seed
    )
    topics = {p: groups.get(c, UNCLUSTERED) for p, c in assignment.items()}
    changes: dict[str, Any] | None = None
    if previous is not None:
        following = follow_clusters(previous, assignment, next_id)
        assignment = following.assignment
        topic_following = follow_clusters(previous_topics or {}, topics, following.next_id)
        topics, next_id = topic_following.assignment, topic_following.next_id
        events = [asdict(change) for change in following.changes]
        events += [{**asdict(change), "level": TOPIC} for change in topic_following.changes]
        changes = {
            "events": events,
            "unchanged": following.unchanged + topic_following.unchanged,
        }
    else:
        offset = max(assignment.values(), default=UNCLUSTERED) + 1
        topics = {p: (t + offset if t != UNCLUSTERED else t) for p, t in topics.items()}
        next_id = max(topics.values(), default=offset - 1) + 1
    scores = centrality(_directed_papers(graph), network, assignment, seed=options.seed)
    for paper, cluster in assignment.items():
        graph.nodes[paper].update(
            cluster=cluster,
            topic=topics[paper],
            pagerank=scores.pagerank.get(paper, 0.0),
            betweenness=scores.betweenness.get(paper, 0.0),
            participation=scores.participation.get(paper, 0.0),
            bridge_score=scores.bridge_score.get(paper, 0.0),
        )
    _add_clusters(graph, network, assignment, SUBTOPIC)
    _add_clusters(graph, network, topics, TOPIC)
    _nest(graph, assignment, topics)
    _mark_bridging_entities(graph, assignment)
    counts = Counter(assignment.values())
    return {
        "algorithm": clustering.algorithm,
        "graph": "topic graph (embedding + TF-IDF/LSA kNN, citations)"
        if embeddings is not None
        else "similarity and citation edges",
        "resolution": options.resolution,
        "topic_resolution": options.topic_resolution,
        "seed": options.seed,
        "min_cluster_size": options.min_cluster_size,
        "modularity": clustering.modularity,
        "clusters": len([c for c in counts if c != UNCLUSTERED]),
        "topics": len({t for t in topics.values() if t != UNCLUSTERED}),
        "unclustered": counts.get(UNCLUSTERED, 0),
        "next_id": next_id,
        "changes": changes,
        "betweenness": "exact"
        if scores.betweenness_sample is None
        else f"estimated (networkit), {scores.betweenness_sample} sources, seed {options.seed}",
    }


def _add_clusters(
    graph: nx.MultiDiGraph[str], network: nx.Graph[str], assignment: dict[str, int], level: int
) -> None:
    """One level's Cluster nodes with their labels, entities and links to each other."""
    members: dict[int, list[str]] = defaultdict(list)
    for paper, cluster in sorted(assignment.items()):
        members[cluster].append(paper)
    if level == TOPIC:
        members.pop(UNCLUSTERED, None)  # the unclustered group is a level-2 node only
    texts = {
        cluster: [f"{graph.nodes[p]['title']}. {graph.nodes[p]['abstract']}" for p in papers]
        for cluster, papers in members.items()
        if cluster != UNCLUSTERED
    }
    labels = describe(texts, names=_entity_names(graph))
    for cluster, papers in sorted(members.items()):
        entities: dict[str, list[str]] = {Label.METHOD: [], Label.DATASET: []}
        for paper in papers:
            for _u, target, key in graph.out_edges(paper, keys=True):
                kind = graph.nodes[target].get("type")
                if kind in entities and key != RelType.INTRODUCES:
                    entities[kind].append(graph.nodes[target]["name"])
        label = labels.get(cluster)
        node = cluster_node_id(cluster)
        graph.add_node(
            node,
            type=Label.CLUSTER,
            id=cluster,
            level=level,
            size=len(papers),
            label="unclustered" if cluster == UNCLUSTERED else (label.text if label else ""),
            keywords=label.terms if label else [],
            coverage=label.coverage if label else [],
            methods=most_common(entities[Label.METHOD]),
            datasets=most_common(entities[Label.DATASET]),
        )
        if level == SUBTOPIC:
            for paper in papers:
                graph.add_edge(paper, node, key=RelType.IN_CLUSTER)
    between: Counter[tuple[int, int]] = Counter()
    for u, v in network.edges:
        a, b = assignment[u], assignment[v]
        if a != b and UNCLUSTERED not in (a, b):
            between[(min(a, b), max(a, b))] += 1
    for (a, b), count in sorted(between.items()):
        graph.add_edge(cluster_node_id(a), cluster_node_id(b), key=RelType.LINKS_TO, edges=count)


def _entity_names(graph: nx.MultiDiGraph[str]) -> list[list[str]]:
    """Each method's and dataset's name with its aliases: one entity's spellings."""
    return [
        [str(data["name"]), *data.get("aliases", [])]
        for _node, data in graph.nodes(data=True)
        if data.get("type") in (Label.METHOD, Label.DATASET) and data.get("aliases")
    ]


def _nest(
    graph: nx.MultiDiGraph[str], assignment: Mapping[str, int], topics: Mapping[str, int]
) -> None:
    """``SUBTOPIC_OF`` from every level-2 cluster to its topic, and ``topic`` on it."""
    parents = {c: topics[p] for p, c in assignment.items() if c != UNCLUSTERED}
    for cluster, topic in sorted(parents.items()):
        node = cluster_node_id(cluster)
        graph.nodes[node]["topic"] = topic
        graph.add_edge(node, cluster_node_id(topic), key=RelType.SUBTOPIC_OF)


def _mark_bridging_entities(graph: nx.MultiDiGraph[str], assignment: dict[str, int]) -> None:
    """``clusters`` (every cluster its papers sit in), ``joins``, ``bridging`` and
    ``bridge_score`` (``bridging.entity_spread``) on every method, dataset and repo."""
    corpus = len(assignment)
    for node, data in graph.nodes(data=True):
        if data.get("type") not in _ENTITY_TYPES:
            continue
        papers = {u for u, _v in graph.in_edges(node) if u in assignment}
        spread = entity_spread((assignment[p] for p in papers), corpus)
        data["clusters"] = sorted(c for c in spread.shares if c != UNCLUSTERED)
        data["joins"] = spread.joins
        data["bridging"] = spread.score > 0
        data["bridge_score"] = spread.score
