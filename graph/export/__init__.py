"""File exports of a snapshot (GraphML, GEXF, VOSviewer JSON) and the rule for writing files
the user names."""

from paperkg.graph.export.files import (
    FileExport,
    check_target,
    export_gexf,
    export_graphml,
    flat_graph,
    write_atomically,
)
from paperkg.graph.export.vosviewer import export_vosviewer, vosviewer_map

__all__ = [
    "FileExport",
    "check_target",
    "export_gexf",
    "export_graphml",
    "export_vosviewer",
    "flat_graph",
    "vosviewer_map",
    "write_atomically",
]
