"""Ordinary English words, from the word-frequency list the ``wordfreq`` package ships.

A capitals-only "LARGE" or a word-play "BAlaNced" is an ordinary word written oddly, not a
coined name: a name-shaped token whose letters spell a common English word is kept only
when something else (the gazetteer, a defining context) says it is a name.

The list is read straight from the package's data file (``small_en.msgpack.gz``, wordfreq's
documented "cBpack" format: buckets of words, bucket ``i`` at frequency ``10**(-i/100)``):
importing ``wordfreq`` itself costs 80 ms of imports (ftfy, langcodes) extraction has no
use for, longer than extracting the seed pages' entities takes.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from functools import cache
from itertools import pairwise
from pathlib import Path

import msgpack

from paperkg.errors import ModelError

__all__ = ["COMMON_ZIPF", "is_common_word", "odd_casing", "ordinary_word", "zipf"]

#: Zipf frequency (log10 of uses per billion words) from which a word counts as common:
#: 3.0 is once per million words ("gradient" 3.5, "grape" 3.7; "mamba" 2.6, "llama" 3.0).
COMMON_ZIPF = 3.0
#: Oddly cased, a rarer word is still a word: "PrOvable" (2.6) plays on "provable".
ODD_CASING_ZIPF = 2.0
_WORD_PART = re.compile(r"[A-Za-z]+")


@cache
def _buckets() -> dict[str, float]:
    """Word -> Zipf frequency for the English words of wordfreq's small list."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the wordfreq package is missing: pip install wordfreq")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "small_en.msgpack.gz"
    data = msgpack.unpackb(gzip.decompress(path.read_bytes()), raw=False)
    header, buckets = data[0], data[1:]
    if not isinstance(header, dict) or header.get("format") != "cB":
        raise ModelError(f"{path}: not a wordfreq cBpack word list")
    return {word: 9 - index / 100 for index, words in enumerate(buckets) for word in words}


def zipf(word: str) -> float:
    """The Zipf frequency of ``word`` (any case) in English; 0 when the list lacks it.

    >>> zipf("large") > 5 > zipf("transformer") > 0 == zipf("qwen")
    True
    """
    return _buckets().get(word.lower(), 0.0)


def is_common_word(word: str) -> bool:
    """``word`` (any case) is an English word used at least once per million words."""
    return zipf(word) >= COMMON_ZIPF


def _odd(part: str) -> bool:
    return not (part.islower() or part.isupper() or (part[0].isupper() and part[1:].islower()))


def odd_casing(token: str) -> bool:
    """Letters cased as no ordinary word is: not lower, Capitalised or CAPITALS, in some
    part ("BAlaNced", "pre-traiNing", "GaLore"; not "Large", "pre-training", "LARGE")."""
    return any(_odd(part) for part in _WORD_PART.findall(token))


_CAMEL_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")


def _compound(token: str) -> bool:
    """CamelCase of whole words ("ToMe", "FoldLite"): a coined compound, not word play,
    whose capitals split a word into pieces that are no words ("BAlaNced", "GaLore")."""
    if token.isupper():
        return False
    pieces = _CAMEL_PIECE.findall(token)
    # a two-letter piece must be a function word ("To", "Me"), not a fragment ("Ga")
    return (
        len(pieces) >= 2
        and all(zipf(p) >= (COMMON_ZIPF if len(p) > 2 else 5.0) for p in pieces if len(p) > 1)
        and all(len(p) > 1 for p in pieces)
    )


_CAPITALS_FIRST = re.compile(r"[A-Z]{2,}[a-z]{3,}")


def _played(part: str) -> bool:
    """Capitals scattered through a word for an acronym's sake: two case switches or more
    in a word of six letters or more ("BAlaNced", "averaGing"), or a word's first letters
    in capitals ("GENerate", "UNifying"). A short mixed-case word ("CoCa", "HyDE") is
    more likely a coined name than word play."""
    switches = sum(1 for a, b in pairwise(part) if a.isupper() != b.isupper())
    return (len(part) >= 6 and switches >= 2) or _CAPITALS_FIRST.fullmatch(part) is not None


def ordinary_word(token: str) -> bool:
    """``token`` spells only common English words, written in capitals or odd casing
    ("LARGE", "BAlaNced", "visiOn-Language"), so its shape alone makes no name of it.
    Letters with digits, and words of three letters or fewer ("SAM", "LID"), are not
    judged: short capitals are acronyms far more often than words.

    >>> [ordinary_word(t) for t in ("LARGE", "BAlaNced", "GaLore", "CLIP", "ViT", "GPT-4")]
    [True, True, True, True, False, False]
    """
    if any(ch.isdigit() for ch in token):
        return False
    parts = _WORD_PART.findall(token)
    if not parts or not (token.isupper() or odd_casing(token)):
        return False
    letters = "".join(parts)
    if len(letters) <= 3 or _compound(token):
        return False
    if not token.isupper() and not all(_played(p) for p in parts if _odd(p)):
        return False
    floor = COMMON_ZIPF if token.isupper() else ODD_CASING_ZIPF
    # a single letter ("DiT-L") is a variant mark, not a word
    words = all(len(part) > 1 and zipf(part) >= floor for part in parts)
    return words or (len(parts) == 1 and zipf(letters) >= floor)
