"""Recommendations per tag: the papers a user has not tagged yet, ranked by a linear
classifier trained on the tag's papers (``paperkg recommend``), each with its reasons."""

from __future__ import annotations

from paperkg.graph.recommend.rank import (
    MIN_POSITIVES,
    Recommendations,
    Recommended,
    TagLike,
    recommend,
)

__all__ = ["MIN_POSITIVES", "Recommendations", "Recommended", "TagLike", "recommend"]
