"""What the CLI and the Python API report: counts, entity, cluster and bridge rows, a paper's
profile, and what is new in a window of time (trends)."""

from paperkg.graph.report.lookup import (
    EntityLink,
    EntityRow,
    PaperProfile,
    entity_rows,
    find_paper,
    paper_profile,
)
from paperkg.graph.report.stats import snapshot_stats
from paperkg.graph.report.topics import (
    BridgeEntity,
    BridgeLink,
    BridgePaper,
    BridgeReport,
    ClusterRow,
    bridge_report,
    cluster_rows,
)
from paperkg.graph.report.trends import (
    NewPaper,
    TopicEvent,
    TopicTrend,
    TrendBurst,
    TrendsReport,
    TrendWindow,
    trends,
)

__all__ = [
    "BridgeEntity",
    "BridgeLink",
    "BridgePaper",
    "BridgeReport",
    "ClusterRow",
    "EntityLink",
    "EntityRow",
    "NewPaper",
    "PaperProfile",
    "TopicEvent",
    "TopicTrend",
    "TrendBurst",
    "TrendWindow",
    "TrendsReport",
    "bridge_report",
    "cluster_rows",
    "entity_rows",
    "find_paper",
    "paper_profile",
    "snapshot_stats",
    "trends",
]
