"""Clusters, cluster labels, PageRank, betweenness and bridges, written onto the graph.

Adds ``Cluster`` nodes with ``IN_CLUSTER`` edges from their papers and ``LINKS_TO {edges}``
between clusters; sets ``cluster``, ``pagerank``, ``betweenness``, ``participation`` and
``bridge_score`` on papers, and ``clusters`` / ``bridging`` on methods, datasets and repos.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from paperkg.graph.analytics.centrality import centrality
from paperkg.graph.analytics.cluster_changes import follow_clusters
from paperkg.graph.analytics.clusters import (
    UNCLUSTERED,
    cluster_papers,
    keywords_by_cluster,
    most_common,
)
from paperkg.graph.analytics.similarity_graph import CITATION_WEIGHT, paper_network
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = ["AnalyticsOptions", "analyse", "cluster_node_id"]

_ENTITY_TYPES = {Label.METHOD, Label.DATASET, Label.REPO}


@dataclass(frozen=True)
class AnalyticsOptions:
    """Knobs of the analytics; every stochastic step takes ``seed``."""

    resolution: float = 1.0
    min_cluster_size: int = 3
    seed: int = 42


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
) -> dict[str, Any]:
    """Compute clusters and centrality, store them on ``graph``, return the manifest record.

    With ``previous`` (paper id -> cluster id of the snapshot being updated) clusters keep
    the ids of the clusters they continue, and the record lists what changed.
    """
    options = options or AnalyticsOptions()
    network = paper_network(graph)
    clustering = cluster_papers(
        network, resolution=options.resolution, min_size=options.min_cluster_size, seed=options.seed
    )
    assignment = clustering.assignment
    changes: dict[str, Any] | None = None
    if previous is not None:
        following = follow_clusters(previous, assignment, next_id)
        assignment, next_id = following.assignment, following.next_id
        changes = {
            "events": [asdict(change) for change in following.changes],
            "unchanged": following.unchanged,
        }
    else:
        next_id = max(assignment.values(), default=UNCLUSTERED) + 1
    scores = centrality(_directed_papers(graph), network, assignment, seed=options.seed)
    for paper, cluster in assignment.items():
        graph.nodes[paper].update(
            cluster=cluster,
            pagerank=scores.pagerank.get(paper, 0.0),
            betweenness=scores.betweenness.get(paper, 0.0),
            participation=scores.participation.get(paper, 0.0),
            bridge_score=scores.bridge_score.get(paper, 0.0),
        )
    _add_clusters(graph, network, assignment)
    _mark_bridging_entities(graph, assignment)
    counts = Counter(assignment.values())
    return {
        "algorithm": clustering.algorithm,
        "resolution": options.resolution,
        "seed": options.seed,
        "min_cluster_size": options.min_cluster_size,
        "modularity": clustering.modularity,
        "clusters": len([c for c in counts if c != UNCLUSTERED]),
        "unclustered": counts.get(UNCLUSTERED, 0),
        "next_id": next_id,
        "changes": changes,
        "betweenness": "exact"
        if scores.betweenness_sample is None
        else f"estimated (networkit), {scores.betweenness_sample} sources, seed {options.seed}",
    }


def _add_clusters(
    graph: nx.MultiDiGraph[str], network: nx.Graph[str], assignment: dict[str, int]
) -> None:
    members: dict[int, list[str]] = defaultdict(list)
    for paper, cluster in sorted(assignment.items()):
        members[cluster].append(paper)
    texts = {
        cluster: [f"{graph.nodes[p]['title']}. {graph.nodes[p]['abstract']}" for p in papers]
        for cluster, papers in members.items()
        if cluster != UNCLUSTERED
    }
    keywords = keywords_by_cluster(texts)
    for cluster, papers in sorted(members.items()):
        entities: dict[str, list[str]] = {Label.METHOD: [], Label.DATASET: []}
        for paper in papers:
            for _u, target, key in graph.out_edges(paper, keys=True):
                kind = graph.nodes[target].get("type")
                if kind in entities and key != RelType.INTRODUCES:
                    entities[kind].append(graph.nodes[target]["name"])
        words = keywords.get(cluster, [])
        node = cluster_node_id(cluster)
        graph.add_node(
            node,
            type=Label.CLUSTER,
            id=cluster,
            size=len(papers),
            label="unclustered" if cluster == UNCLUSTERED else ", ".join(words[:3]),
            keywords=words,
            methods=most_common(entities[Label.METHOD]),
            datasets=most_common(entities[Label.DATASET]),
        )
        for paper in papers:
            graph.add_edge(paper, node, key=RelType.IN_CLUSTER)
    between: Counter[tuple[int, int]] = Counter()
    for u, v in network.edges:
        a, b = assignment[u], assignment[v]
        if a != b and UNCLUSTERED not in (a, b):
            between[(min(a, b), max(a, b))] += 1
    for (a, b), count in sorted(between.items()):
        graph.add_edge(cluster_node_id(a), cluster_node_id(b), key=RelType.LINKS_TO, edges=count)


def _mark_bridging_entities(graph: nx.MultiDiGraph[str], assignment: dict[str, int]) -> None:
    for node, data in graph.nodes(data=True):
        if data.get("type") not in _ENTITY_TYPES:
            continue
        clusters = sorted(
            {
                assignment[u]
                for u, _v in graph.in_edges(node)
                if u in assignment and assignment[u] != UNCLUSTERED
            }
        )
        data["clusters"] = clusters
        data["bridging"] = len(clusters) >= 2
