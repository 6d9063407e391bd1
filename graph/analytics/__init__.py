"""Graph analytics: two levels of topics (Leiden on the topic graph, then the clusters'
own graph), labels, stable cluster ids across updates, centrality, bridges, and time: bursts,
topic timelines, recent PageRank and citation velocity (``analyse_time``)."""

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
from paperkg.graph.analytics.periods import Periods, choose_periods
from paperkg.graph.analytics.recency import (
    HALF_LIFE_DAYS,
    citation_velocity,
    recent_pagerank,
)
from paperkg.graph.analytics.timeline import (
    TIMELINE,
    BurstOptions,
    TimedBurst,
    Timeline,
    TopicTimeline,
    analyse_time,
    find_bursts,
    read_timeline,
)

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "HALF_LIFE_DAYS",
    "JOIN_SHARE",
    "MAX_JOINS",
    "MIN_COVERAGE",
    "SHARE",
    "SUBTOPIC",
    "TIMELINE",
    "TOPIC",
    "UNCLUSTERED",
    "AnalyticsOptions",
    "Burst",
    "BurstOptions",
    "Centrality",
    "ClusterChange",
    "ClusterFollowing",
    "Clustering",
    "Periods",
    "Spread",
    "TimedBurst",
    "Timeline",
    "TopicTimeline",
    "UpdateReport",
    "analyse",
    "analyse_time",
    "centrality",
    "choose_periods",
    "citation_velocity",
    "cluster_node_id",
    "cluster_papers",
    "describe",
    "detect_bursts",
    "entity_spread",
    "find_bursts",
    "follow_clusters",
    "interval_f1",
    "label_coverage",
    "latest_update",
    "paper_spread",
    "read_timeline",
    "recent_pagerank",
]
