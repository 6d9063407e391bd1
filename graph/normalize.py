"""Text folding used to decide when two inputs name the same paper."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["fold", "match_text", "title_key"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Invisible characters dropped, and the hyphens NFKC keeps (U+2010, U+2011) as "-".
_MATCHING = {**_INVISIBLE, **dict.fromkeys(map(ord, "\u2010\u2011"), "-")}
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """NFKC, case-folded, punctuation and runs of whitespace turned into single spaces.

    >>> fold("Attention Is  All You\\u00a0Need!")
    'attention is all you need'
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def match_text(text: str) -> str:
    """Text as names are looked for in it: NFKC (full-width letters, ligatures and
    non-breaking spaces become plain ones), invisible characters (zero-width, soft hyphen)
    dropped, hyphen variants as "-". Case is kept: extraction reads it.

    >>> match_text("\\uff22\\uff25\\uff32\\uff34 and Ro\\u200bBERTa")
    'BERT and RoBERTa'
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_MATCHING)


def title_key(title: str) -> str:
    """A short stable hash of the folded title: the identity of a paper known only by title."""
    return hashlib.sha1(fold(title).encode("utf-8")).hexdigest()[:16]
