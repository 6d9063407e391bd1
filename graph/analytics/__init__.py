"""Graph analytics: two levels of topics (Leiden on the topic graph, then the clusters'
own graph), labels, stable cluster ids across updates, centrality, bridges and bursts."""

from paperkg.graph.analytics.analyse import (
    SUBTOPIC,
    TOPIC,
    AnalyticsOptions,
    analyse,
    cluster_node_id,
)
from paperkg.graph.analytics.bridging import (
    JOIN_SHARE,
    MAX_JOINS,
    Spread,
    entity_spread,
    paper_spread,
)
from paperkg.graph.analytics.bursts import Burst, detect_bursts, interval_f1
from paperkg.graph.analytics.centrality import EXACT_BETWEENNESS_LIMIT, Centrality, centrality
from paperkg.graph.analytics.cluster_changes import (
    SHARE,
    ClusterChange,
    ClusterFollowing,
    UpdateReport,
    follow_clusters,
    latest_update,
)
from paperkg.graph.analytics.clusters import UNCLUSTERED, Clustering, cluster_papers
from paperkg.graph.analytics.labels import MIN_COVERAGE, describe, label_coverage

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "JOIN_SHARE",
    "MAX_JOINS",
    "MIN_COVERAGE",
    "SHARE",
    "SUBTOPIC",
    "TOPIC",
    "UNCLUSTERED",
    "AnalyticsOptions",
    "Burst",
    "Centrality",
    "ClusterChange",
    "ClusterFollowing",
    "Clustering",
    "Spread",
    "UpdateReport",
    "analyse",
    "centrality",
    "cluster_node_id",
    "cluster_papers",
    "describe",
    "detect_bursts",
    "entity_spread",
    "follow_clusters",
    "interval_f1",
    "label_coverage",
    "latest_update",
    "paper_spread",
]
