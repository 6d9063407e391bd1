"""Text folding used to decide when two inputs name the same paper."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from itertools import groupby

__all__ = ["fold", "latin_look_alikes", "match_text", "title_key"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Invisible characters dropped, and the hyphens NFKC keeps (U+2010, U+2011) as "-".
_MATCHING = {**_INVISIBLE, **dict.fromkeys(map(ord, "\u2010\u2011"), "-")}
_NON_WORD = re.compile(r"[\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def latin_look_alikes(text: str) -> str:
    """Letters of other scripts drawn like Latin ones, as those Latin letters: Cyrillic
    "\u0430" and Greek "\u039d" become "a" and "N" (the Unicode TR39 confusables table, as
    the ``disarm`` package ships it). Latin letters stay as they are, accented or not ("\u0142"
    is a Polish letter, not a disguised "l"), and ASCII is never changed, so an ASCII text
    folds as it always did.

    >>> latin_look_alikes("H\u0430rbours \u039deed \u0141\u00f3d\u017a")
    'Harbours Need \u0141\u00f3d\u017a'
    """
    return _NON_ASCII.sub(lambda run: _look_alikes_of_run(run.group(0)), text)


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


@lru_cache(maxsize=1 << 16)
def _look_alikes_of_run(run: str) -> str:
    """One run of non-ASCII characters folded (runs repeat: "\u00e9", a Cyrillic word)."""
    from disarm import normalize_confusables  # 40 ms to import: only for non-ASCII text

    return "".join(
        piece if latin else normalize_confusables(piece)
        for latin, chars in groupby(run, _is_latin)
        for piece in ["".join(chars)]
    )


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
