"""Graph analytics: clusters (Louvain), stable cluster ids across updates, centrality and
bridges."""

from paperkg.graph.analytics.analyse import AnalyticsOptions, analyse, cluster_node_id
from paperkg.graph.analytics.centrality import EXACT_BETWEENNESS_LIMIT, Centrality, centrality
from paperkg.graph.analytics.cluster_changes import (
    SHARE,
    ClusterChange,
    ClusterFollowing,
    UpdateReport,
    follow_clusters,
    latest_update,
)
from paperkg.graph.analytics.clusters import (
    LARGE_NETWORK,
    UNCLUSTERED,
    ClusterInfo,
    Clustering,
    cluster_papers,
    keywords_by_cluster,
)

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "LARGE_NETWORK",
    "SHARE",
    "UNCLUSTERED",
    "AnalyticsOptions",
    "Centrality",
    "ClusterChange",
    "ClusterFollowing",
    "ClusterInfo",
    "Clustering",
    "UpdateReport",
    "analyse",
    "centrality",
    "cluster_node_id",
    "cluster_papers",
    "follow_clusters",
    "keywords_by_cluster",
    "latest_update",
]
