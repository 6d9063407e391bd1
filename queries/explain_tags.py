"""Why a query of the ``tags`` pack answered nothing: no tag in the database, a tag name no
Tag has, a tag with no positive paper (so nothing recommended) or whose papers are not in
the pushed snapshot, said in one line with the tags there are.

:func:`explain_tags` is asked by :func:`paperkg.queries.explain.explain_empty`.
"""

from __future__ import annotations

from typing import Any

import neo4j

from paperkg.graph.schema import Label, RelType
from paperkg.queries.catalog import QuerySpec

__all__ = ["TAGS", "explain_tags"]

#: The pack of a user's tags.
TAGS = "tags"
#: At most this many tag names are listed in a message.
_SHOWN = 20
_NO_TAGS = (
    "the database has no tags: tag papers with paperkg tag add NAME PAPER..., "
    "then push the snapshot (paperkg push)"
)

_TAGS = f"""
MATCH (t:{Label.TAG})
RETURN t.name AS name,
       COUNT {{ (t)-[g:{RelType.TAGGED} WHERE g.positive]->(:{Label.PAPER}) }} AS positives,
       COUNT {{ (t)-[:{RelType.TAGGED}]->(:{Label.PAPER}) }} AS tagged,
       COUNT {{ (t)-[:{RelType.RECOMMENDS}]->(:{Label.PAPER}) }} AS recommended
ORDER BY positives DESC, name
"""


def explain_tags(
    tx: neo4j.ManagedTransaction, spec: QuerySpec, values: dict[str, Any]
) -> tuple[str, Any, str] | None:
    """(parameter, value, message) naming why a ``tags`` query answered nothing, or None
    (another pack, or nothing to say)."""
    if spec.pack != TAGS:
        return None
    ref = str(values.get("tag", "")).strip()
    tags = [record.data() for record in tx.run(_TAGS)]
    if not tags:
        return ("tag", ref, _NO_TAGS)
    names = [t["name"] for t in tags]
    if ref:
        named = [t for t in tags if t["name"].lower() == ref.lower()]
        if not named:
            shown = ", ".join(names[:_SHOWN]) + (" ..." if len(names) > _SHOWN else "")
            return ("tag", ref, f"no tag {ref!r}; tags: {shown}")
        tag = named[0]
    elif "tag" in {p.name for p in spec.params}:
        tag = tags[0]
    else:
        return None
    return _about(spec.name, tag)


def _about(name: str, tag: dict[str, Any]) -> tuple[str, Any, str] | None:
    """Why ``tag`` (its name and counts) gives query ``name`` nothing."""
    title = repr(tag["name"])
    if not tag["tagged"]:
        return (
            "tag",
            tag["name"],
            f"none of the papers of tag {title} is in the pushed snapshot "
            f"(paperkg tag list {tag['name']} names them)",
        )
    if name in ("recommended-for-tag", "tag-neighbourhood") and not tag["positives"]:
        return (
            "tag",
            tag["name"],
            f"tag {title} has no positive paper in the pushed snapshot, only thumbs down: "
            f"add some with paperkg tag add {tag['name']} PAPER..., then push",
        )
    if name == "recommended-for-tag" and not tag["recommended"]:
        return (
            "tag",
            tag["name"],
            f"tag {title} has no recommendations in the database: push the snapshot again "
            "(paperkg push ranks them)",
        )
    if name == "tag-neighbourhood":
        return (
            "tag",
            tag["name"],
            f"the {tag['positives']} positive papers of tag {title} have no untagged similar paper",
        )
    return None
