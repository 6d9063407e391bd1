"""One node per thing named several ways: size and variant suffixes, plurals, derived forms.

"ViT-L/16", "ViTs" and "ViT" are one entity (ViT, the spelling kept on the edge); so are
"Llama-2-7B-chat" and "Llama 2". "CLIP-based" and "ImageNet-pretrained" are uses of CLIP
and ImageNet, not names of their own. Acronyms and their expansions ("MAE" and "Masked
Autoencoder") are paired where a paper writes one beside the other (``definitions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperkg.graph.extract.english import is_common_word, odd_casing
from paperkg.graph.extract.gazetteer import Gazetteer

__all__ = [
    "LIKENESS",
    "Abbreviation",
    "abbreviations",
    "canonical_key",
    "derived_base",
    "family_name",
]

#: Size and variant suffixes that name a member of a family: "-L", "-B/16", "-7B", "-XL",
#: "-Large", "-Instruct", "_XXL", "-1.3B". Kept on the edge as the spelling. Not folded:
#: versions ("-v2", a model of its own, as the gazetteer has it) and counts in thousands
#: ("-5k", "-21K": a dataset's size is part of its name).
_VARIANT = re.compile(
    r"(?:[-_\s](?:[SBLHGMT]|XS|XL|XXL|Huge|Giant|Large|Base|Small|Tiny|Mini|Medium|"
    r"large|base|small|tiny|mini|medium|huge|Instruct|instruct|Chat|chat|"
    r"\d+(?:\.\d+)?[BMbm]|[BLSH]/\d+)"
    r"(?:/\d+(?:\.\d+)?[BMbm]?)*|(?<=[a-z])(?:Base|Large|Small|Tiny|Huge))+$"
)
#: Words that turn a name into an adjective or a participle of its use: "CLIP-based",
#: "GPT-series", "MCTS-optimized" name a use of CLIP, GPT, MCTS.
_DERIVING = re.compile(
    r"-(?:[a-z]+(?:ed|ing)|based|like|wise|sized|size|style|type|family|series|scale|"
    r"free|only|aware|driven|guided|specific|oriented|centric|friendly|"
    r"compatible|agnostic|powered|enabled|equipped|initiali[sz]ed)$"
)
#: A lower-case common word after a hyphen ("X-caches", "X-variants") is a noun the name
#: modifies; these endings are, on the contrary, how names are coined ("SWE-bench").
_NAME_ENDINGS = frozenset({"bench", "net", "former", "set", "eval", "coder", "gpt", "zero"})
#: Words that liken something to a name without using it: "GPT-2-level supervision",
#: "BERT-inspired" say what a thing resembles, not what the paper uses. ("ResNet-style" and
#: "-like" backbones are mostly the architecture itself, so they count as uses.)
LIKENESS = re.compile(r"-(?:level|inspired|esque|alike)\b")


def derived_base(name: str) -> str:
    """``name`` without a deriving suffix ("MCTS-optimized" -> "MCTS"), else ``name``.

    >>> derived_base("ImageNet-pretrained"), derived_base("SWE-bench")
    ('ImageNet', 'SWE-bench')
    """
    if len(name) <= 3:
        return name
    head, hyphen, tail = name.rpartition("-")
    noun = tail.isalpha() and tail.islower() and tail not in _NAME_ENDINGS
    plural = tail.endswith("s") and is_common_word(tail[:-1])
    if hyphen and head and noun and (is_common_word(tail) or plural):
        return head
    return _DERIVING.sub("", name)


def family_name(name: str) -> str:
    """The family a variant spelling belongs to: size and variant suffixes and a plural
    "s" after a capital dropped ("ViT-L/16", "ViTs" -> "ViT"); other names as they are.

    >>> family_name("ViT-L/16"), family_name("ViTs"), family_name("FoldLite-1.3B")
    ('ViT', 'ViT', 'FoldLite')
    """
    stem = _VARIANT.sub("", name)
    if stem != name and (len(re.sub(r"\W", "", stem)) < 3 or is_common_word(stem)):
        stem = name  # "Time-300B", "BM-6B", "IN-21K": the size is part of the name
    if re.search(r"[A-Z]s$", stem) and len(stem) > 2:
        stem = stem[:-1]
    return stem


def canonical_key(name: str, gazetteer: Gazetteer) -> str:
    """The key of the entity ``name`` names: the gazetteer's when it knows the name (with
    its size suffixes), else the key of its family (``family_name``)."""
    known = gazetteer.key_of(name)
    if known in gazetteer.entries:
        return known
    base = derived_base(name)
    member = gazetteer.key_of(_VARIANT.sub("", base) or base)
    if member in gazetteer.entries:  # "Whisper-large-v3": a known family's member
        return member
    return gazetteer.key_of(family_name(base))


@dataclass(frozen=True)
class Abbreviation:
    """An acronym and the words it abbreviates, as one sentence writes them side by side:
    "Balanced Averaging (BANG)", "FRUGAL (Full-Rank Updates with Gradient Splitting)",
    "Leave-One-Out KNN, or LOOK for short". ``start``/``end``: the acronym's span."""

    short: str
    long: str
    start: int
    end: int
    long_start: int
    long_end: int

    @property
    def named(self) -> bool:
        """The pair names one thing: the long form is written as a name (capitalised words,
        letters capitalised for the acronym's sake) or the acronym is coined in mixed case
        ("CoTTA"), not ordinary lower-case words abbreviated ("image retrieval (IR)")."""
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", self.long) if len(w) > 3]
        if len(words) > 1:  # a sentence's first word is capitalised whatever it is
            words = words[1:]
        capitals = [w for w in words if w[0].isupper() or odd_casing(w)]
        coined = re.search(r"[A-Z][a-z]+[A-Z]", self.short) is not None  # "CoTTA", "LoRA"
        return coined or (bool(words) and 2 * len(capitals) >= len(words))


_SHORT = r"[A-Za-z0-9][\w\-+.]*[A-Za-z0-9+]|[A-Z]"
_PAREN = re.compile(r"\(\s*([^()]{1,120}?)\s*\)")
_FOR_SHORT = re.compile(
    rf"(?P<long>[^,;:()]{{3,120}}?),?\s+(?:or|abbreviated as|short for)\s+"
    rf"(?P<short>{_SHORT})\s+for\s+short$"
)
_LAST_TOKEN = re.compile(rf"({_SHORT})\s*$")


def _long_form(short: str, before: str) -> tuple[int, int] | None:
    """Where in ``before`` (text ending at the parenthesis) the long form of ``short``
    starts and ends: Schwartz and Hearst's (2003) match, every letter and digit of the
    acronym found right to left, its first at the start of a word, within
    ``min(len + 5, 2 * len)`` words. Characters are compared one by one in ``before``
    itself, so offsets hold whatever case folding does to a letter's length."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters or not short[0].isalnum():
        return None
    end = len(before.rstrip(" ,~"))
    words = list(re.finditer(r"\S+", before[:end]))
    window = words[-min(len(letters) + 5, 2 * len(letters)) :]
    if not window:
        return None
    lo = window[0].start()
    s, t = len(letters) - 1, end - 1
    while s >= 0:
        while t >= lo and (
            before[t].lower() != letters[s] or (s == 0 and t > lo and before[t - 1].isalnum())
        ):
            t -= 1
        if t < lo:
            return None
        s, t = s - 1, t - 1
    start = t + 1
    while start > lo and not before[start - 1].isspace():
        start -= 1
    long = before[start:end]
    if len(long) <= len(short) or short.lower() in long.lower().split():
        return None
    return start, end


#: Characters before a parenthesis a long form may span: an acronym of at most 12
#: characters abbreviates at most 24 words, and reading the whole sentence again for every
#: parenthesis made a long one quadratic.
_LONG_WINDOW = 600


def abbreviations(sentence: str) -> list[Abbreviation]:
    """Every acronym of ``sentence`` written beside its long form, either way round, or as
    "LONG, or SHORT for short"."""
    found: list[Abbreviation] = []
    if "(" not in sentence and "for short" not in sentence:
        return found  # most sentences: nothing to read
    for match in _PAREN.finditer(sentence):
        lo = max(0, match.start() - _LONG_WINDOW)
        before = sentence[lo : match.start()]
        inside = re.split(r"[;,]\s|\s(?:or|and|for)\s", match.group(1))[0].strip()
        if re.fullmatch(_SHORT, inside) and len(inside) <= 12 and re.search(r"[A-Z]", inside):
            span = _long_form(inside, before)
            if span is not None:
                at, long_start, long_end = match.start(1), lo + span[0], lo + span[1]
                found.append(
                    Abbreviation(
                        inside,
                        sentence[long_start:long_end],
                        at,
                        at + len(inside),
                        long_start,
                        long_end,
                    )
                )
                continue
        last = _LAST_TOKEN.search(before[-40:])
        words = len(match.group(1).split())
        if last and 2 <= words <= 12 and re.search(r"[A-Z]", last.group(1)):
            short = last.group(1)
            span = _long_form(short, match.group(1))
            if span is not None and span[0] == 0:
                at = match.start(1)
                short_start = match.start() - len(before[-40:]) + last.start(1)
                found.append(
                    Abbreviation(
                        short,
                        sentence[at : at + span[1]],
                        short_start,
                        short_start + len(short),
                        at,
                        at + span[1],
                    )
                )
    for end in _ends_of("for short", sentence):
        lo = max(0, end - 200)
        spelled = _FOR_SHORT.search(sentence, lo, end)
        if spelled is None:
            continue
        span = _long_form(spelled.group("short"), spelled.group("long"))
        if span is not None:
            at = spelled.start("long")
            found.append(
                Abbreviation(
                    spelled.group("short"),
                    spelled.group("long")[span[0] : span[1]],
                    spelled.start("short"),
                    spelled.end("short"),
                    at + span[0],
                    at + span[1],
                )
            )
    return found


def _ends_of(phrase: str, text: str) -> list[int]:
    """Where each occurrence of ``phrase`` in ``text`` ends."""
    ends, at = [], text.find(phrase)
    while at != -1:
        ends.append(at + len(phrase))
        at = text.find(phrase, at + 1)
    return ends
