"""Self-contained interactive HTML views of a built graph (pyvis + an inlined vis-network),
and the linked offline site of all of them (``write_site``)."""

from paperkg.viz.html import PHYSICS_LIMIT, is_view_page, render_html, write_page
from paperkg.viz.site import SITE_FOLDER, SiteReport, check_site_folder, write_site
from paperkg.viz.views import ViewGraph, bridges_view, cluster_view, overview, paper_view

__all__ = [
    "PHYSICS_LIMIT",
    "SITE_FOLDER",
    "SiteReport",
    "ViewGraph",
    "bridges_view",
    "check_site_folder",
    "cluster_view",
    "is_view_page",
    "overview",
    "paper_view",
    "render_html",
    "write_page",
    "write_site",
]
