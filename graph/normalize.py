"""Text folding used to decide when two inputs name the same paper."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["fold", "title_key"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """NFKC, case-folded, punctuation and runs of whitespace turned into single spaces.

    >>> fold("Attention Is  All You\\u00a0Need!")
    'attention is all you need'
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def title_key(title: str) -> str:
    """A short stable hash of the folded title: the identity of a paper known only by title."""
    return hashlib.sha1(fold(title).encode("utf-8")).hexdigest()[:16]
