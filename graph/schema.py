"""The graph's schema: node labels, relationship types, and what keys and links them.

The one place these names are spelled. In the networkx graph a node's label is its ``type``
attribute and a relationship type is its edge key (``CITES:<source>`` where one pair has
several); the Neo4j statements, the admin CSV files, the views, the exports and the reports
all name them from here. Both enums are ``StrEnum``s, so a member is the string itself:
``Label.PAPER == "Paper"``, ``json.dumps(RelType.CITES) == '"CITES"'``, and what is written
from them is byte for byte what the plain strings gave. The ``.cypher`` query packs are
checked against this module by the test suite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["KEY_PROPERTY", "RELATIONSHIPS", "Label", "RelType", "RelationshipKind"]


class Label(StrEnum):
    """A node label in Neo4j, the ``type`` attribute of a node in the networkx graph."""

    #: A paper of the corpus, or (with ``stub: true``) a work outside it that one cites.
    PAPER = "Paper"
    METHOD = "Method"
    DATASET = "Dataset"
    REPO = "Repo"
    CLUSTER = "Cluster"
    #: A user's tag (``paperkg tag add``): written by ``paperkg push`` from the snapshot's
    #: tags.json, never part of graph.json.
    TAG = "Tag"

    @property
    def key(self) -> str:
        """The property that identifies a node of this label (unique; the MERGE key)."""
        return KEY_PROPERTY[self]


class RelType(StrEnum):
    """A relationship type in Neo4j, an edge key (before any ``:``) in the networkx graph."""

    SIMILAR_TO = "SIMILAR_TO"
    CITES = "CITES"
    INTRODUCES = "INTRODUCES"
    USES = "USES"
    EVALUATES_ON = "EVALUATES_ON"
    HAS_CODE = "HAS_CODE"
    IN_CLUSTER = "IN_CLUSTER"
    LINKS_TO = "LINKS_TO"
    SUBTOPIC_OF = "SUBTOPIC_OF"
    #: A tag's paper: ``positive`` false for a thumbs down (Neo4j only, from tags.json).
    TAGGED = "TAGGED"
    #: A tag's recommended paper, ranked at push time (Neo4j only).
    RECOMMENDS = "RECOMMENDS"


#: Property that identifies a node of each label: ``Paper.id``, ``Method.key``, ... (keyed
#: by the members, so the plain ``type`` string of a node read from a file finds it too).
KEY_PROPERTY: Mapping[str, str] = MappingProxyType(
    {
        Label.PAPER: "id",
        Label.METHOD: "key",
        Label.DATASET: "key",
        Label.REPO: "url",
        Label.CLUSTER: "id",
        Label.TAG: "name",
    }
)


@dataclass(frozen=True)
class RelationshipKind:
    """A relationship type between two labels, as paperkg writes it."""

    type: RelType
    start: Label
    end: Label
    #: The property that tells apart several relationships of this type between one pair of
    #: nodes (one ``CITES`` per source that names the citation), if there can be several.
    key: str | None = None


#: Every relationship paperkg writes, in the order pushes and exports go through them.
RELATIONSHIPS: tuple[RelationshipKind, ...] = (
    RelationshipKind(RelType.SIMILAR_TO, Label.PAPER, Label.PAPER),
    RelationshipKind(RelType.CITES, Label.PAPER, Label.PAPER, key="source"),
    RelationshipKind(RelType.INTRODUCES, Label.PAPER, Label.METHOD),
    RelationshipKind(RelType.INTRODUCES, Label.PAPER, Label.DATASET),
    RelationshipKind(RelType.USES, Label.PAPER, Label.METHOD),
    RelationshipKind(RelType.EVALUATES_ON, Label.PAPER, Label.DATASET),
    RelationshipKind(RelType.HAS_CODE, Label.PAPER, Label.REPO),
    RelationshipKind(RelType.IN_CLUSTER, Label.PAPER, Label.CLUSTER),
    RelationshipKind(RelType.LINKS_TO, Label.CLUSTER, Label.CLUSTER),
    RelationshipKind(RelType.SUBTOPIC_OF, Label.CLUSTER, Label.CLUSTER),
    RelationshipKind(RelType.TAGGED, Label.TAG, Label.PAPER),
    RelationshipKind(RelType.RECOMMENDS, Label.TAG, Label.PAPER),
)
