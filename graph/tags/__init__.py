"""Tags: the papers a user cares about (and thumbs down on), kept beside the snapshot in
``tags.json``, which every build carries over (docs/guides/tags.md)."""

from paperkg.graph.tags.listing import (
    TagListing,
    TagRow,
    TagSummary,
    missing_tag_warnings,
    tag_listing,
)
from paperkg.graph.tags.model import (
    NAME_RULE,
    TAGS_FILE,
    Tag,
    TagChange,
    TaggedPaper,
    check_tag_name,
)
from paperkg.graph.tags.store import LOCK_WAIT, TagStore, unknown_tag

__all__ = [
    "LOCK_WAIT",
    "NAME_RULE",
    "TAGS_FILE",
    "Tag",
    "TagChange",
    "TagListing",
    "TagRow",
    "TagStore",
    "TagSummary",
    "TaggedPaper",
    "check_tag_name",
    "missing_tag_warnings",
    "tag_listing",
    "unknown_tag",
]
