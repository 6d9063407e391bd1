"""File exports of a snapshot (GraphML, GEXF) and the rule for writing files the user names."""

from paperkg.graph.export.files import (
    FileExport,
    check_target,
    export_gexf,
    export_graphml,
    flat_graph,
    write_atomically,
)

__all__ = [
    "FileExport",
    "check_target",
    "export_gexf",
    "export_graphml",
    "flat_graph",
    "write_atomically",
]
