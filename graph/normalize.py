"""Text folding used to decide when two inputs name the same paper."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["fold", "latin_look_alikes", "match_text", "title_key"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Invisible characters dropped, and the hyphens NFKC keeps (U+2010, U+2011) as "-".
_MATCHING = {**_INVISIBLE, **dict.fromkeys(map(ord, "\u2010\u2011"), "-")}
_NON_WORD = re.compile(r"[\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def latin_look_alikes(text: str) -> str:
    """Non-ASCII letters drawn like Latin ones as those Latin letters: Cyrillic "\u0430" and
    Greek "\u039d" become "a" and "N" (the Unicode TR39 confusables table, as the ``disarm``
    package ships it). ASCII is never changed, so an ASCII text folds as it always did.

    >>> latin_look_alikes("H\u0430rbours \u039deed")
    'Harbours Need'
    """
    from disarm import normalize_confusables  # 40 ms to import: only for non-ASCII text

    return _NON_ASCII.sub(lambda run: normalize_confusables(run.group(0)), text)


def fold(text: str) -> str:
    """NFKC, confusable letters as the Latin ones they look like, case-folded, punctuation
    and runs of whitespace turned into single spaces.

    Look-alikes are folded before the case: the Greek capital Nu looks like "N", its lower
    case like "v".

    >>> fold("Attention Is  All You\\u00a0Need!")
    'attention is all you need'
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if not text.isascii():
        text = latin_look_alikes(text)
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


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
    """A short stable hash of the folded title: the identity of a paper known only by title.

    A title that folds to nothing ("???", an em dash, emoji) is hashed as written (NFC), so
    such titles stay apart instead of all sharing the hash of the empty string.
    """
    basis = fold(title) or unicodedata.normalize("NFC", title.strip())
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
