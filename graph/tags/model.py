"""Tags: named sets of papers a user cares about (positive) or not (negative, thumbs down).

A tag holds stable paper ids (graph node ids) with the title each had when tagged and when,
so a paper that later leaves the snapshot is still shown by name. Tag names follow one rule
(:func:`check_tag_name`) so they work unquoted on a command line, in file names and in
Cypher parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperkg.errors import TagsError

__all__ = [
    "NAME_RULE",
    "TAGS_FILE",
    "Tag",
    "TagChange",
    "TaggedPaper",
    "check_tag_name",
    "is_tag_name",
]

#: The tags file, inside the snapshot folder: a user file, carried over by every build.
TAGS_FILE = "tags.json"
#: The tag name rule, as users read it (docs/guides/tags.md).
NAME_RULE = "1 to 64 characters: letters, digits, '-', '_' and '.', starting with a letter or digit"
_NAME = re.compile(r"[^\W_][\w.-]{0,63}")


@dataclass(frozen=True)
class TaggedPaper:
    """One paper in a tag: its stable ``id``, its ``title`` when tagged, and when it was
    ``added`` (ISO 8601, UTC)."""

    id: str
    title: str
    added: str


@dataclass(frozen=True)
class Tag:
    """A tag: its papers, in the order added, thumbs up (``positive``) and down
    (``negative``); a paper is in at most one of the two."""

    name: str
    positive: list[TaggedPaper]
    negative: list[TaggedPaper]

    def positive_ids(self) -> list[str]:
        """The ids of the positive papers, in the order added."""
        return [paper.id for paper in self.positive]

    def negative_ids(self) -> list[str]:
        """The ids of the negative (thumbs-down) papers, in the order added."""
        return [paper.id for paper in self.negative]


@dataclass(frozen=True)
class TagChange:
    """What one ``add`` or ``remove`` did to ``tag``: ids newly tagged, ids that switched
    between positive and negative, ids removed, and ids it left as they were."""

    tag: str
    added: list[str]
    moved: list[str]
    removed: list[str]
    unchanged: list[str]


def is_tag_name(name: object) -> bool:
    """Whether ``name`` follows the tag name rule (:data:`NAME_RULE`)."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def check_tag_name(name: str) -> str:
    """``name`` when it follows the tag name rule (:data:`NAME_RULE`), else ``TagsError``."""
    if not is_tag_name(name):
        raise TagsError(f"tag name {name!r} is not allowed: use {NAME_RULE}")
    return name
