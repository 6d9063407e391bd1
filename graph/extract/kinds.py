"""Method or dataset: what the words around a name, its list neighbours and its own make-up
say it is. Each occurrence votes; the votes of all occurrences in the corpus decide.

"evaluated on X", "the X benchmark", "datasets (A, X and B)" and "mini-ImageNet" (a known
dataset inside the name) vote dataset; "the X model", "X outperforms", "fine-tune X" vote
method; a name listed beside known names votes with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["KindVote", "context_vote", "kind_of_name", "neighbour_vote"]

_DATASET_AFTER = re.compile(
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:(?:,|and|or)?\s*[\w\-.+]+\s+){0,4}?(?:benchmarks?|datasets?|"
    r"corpus|corpora|suites?|leaderboards?|splits?|test[ -]sets?|dev[ -]sets?|test-clean|"
    r"test-other|environments?|tasks?|collections?|subsets?)\b",
    re.IGNORECASE,
)
_METHOD_AFTER = re.compile(
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:,\s*(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?(?=[\w\-]+\s*"
    r"(?:algorithm|method|model|framework|architecture|optimi[sz]er|network|approach)))?(?:(?!(?:from|on|in|of|with|by|for|to|and|or|than|across|"
    r"like|as|at|into|via|using)\b)[\w\-]+\s+){0,2}?(?:models?|methods?|framework|architectures?|"
    r"algorithms?|approach|optimi[sz]ers?|networks?|agents?|backbones?|encoders?|decoders?|"
    r"modules?|layers?|policy|policies|baselines?|variants?|family|series|checkpoints?|"
    r"outperforms?|achieves?|learns?|generates?)\b",
    re.IGNORECASE,
)
_DATASET_BEFORE = re.compile(
    r"(?:\b(?:on|across|over|from)\s+(?:the\s+)?(?:[\w\-.+]+(?:\s+[\w\-.+]+)?\s*"
    r"(?:,\s*and|,\s*or|and|or|,)\s+)*"
    r"|\b(?:datasets?|benchmarks?|corpora|tasks)\b[^.;]{0,30}?(?:including|such as|namely|"
    r"like|e\.g\.,?|i\.e\.,?|:|\()\s*(?:[\w\-.+]+(?:\s+[\w\-.+]+)?\s*(?:\([^()]{0,30}\)\s*)?"
    r"(?:,\s*and|,\s*or|and|or|,)\s+)*"
    r"|\b(?:questions?|problems?|samples?|examples?|images?|instances?|splits?|subsets?|"
    r"portions?|posts?|articles?|documents?|data)\s+(?:in|from|of)\s+(?:the\s+)?)"
    r"(?-i:[A-Z][\w\-]*\s+)?$",
    re.IGNORECASE,
)
_METHOD_BEFORE = re.compile(
    r"\b(?:baselines?|methods?|models?|approaches|architectures?|algorithms?|optimi[sz]ers?)"
    r"\b[^.;]{0,30}?(?:including|such as|namely|like|e\.g\.,?|:|\()\s*(?:[\w\-.+]+"
    r"(?:\s+[\w\-.+]+)?\s*(?:\([^()]{0,30}\)\s*)?(?:,\s*and|,\s*or|and|or|,)\s+)*$"
    r"|\b(?:outperforms?|outperforming|than|compared (?:to|with)|fine-?tun(?:e|es|ed|ing)|"
    r"based on|built (?:up)?on|initiali[sz]ed (?:from|with)|distill(?:ed|ing)? from)\s+"
    r"(?:the\s+|a\s+)?(?:[\w\-.+]+\s*(?:,\s*and|,\s*or|and|or|,)\s+)*$",
    re.IGNORECASE,
)
#: Names built like datasets: "-Bench", "QA", "-Eval", "Arena", "MNIST", "-1K", "-2011".
_DATASET_NAME = re.compile(
    r"(?:[Bb]ench|QA|Eval|Arena|MNIST|NLI|Corpus|Set|-\d+[Kk]|-(?:19|20)\d\d|Gym)$"
)
#: What separates the items of a list: ", ", ", and ", " or ".
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_BRACKETS = "()[].;:"
#: One capitalised word before a listed name: "Split CIFAR-100, Split CUB-200".
_ITEM_PREFIX = re.compile(r"[A-Z][a-z]+\s+$")

#: A vote: positive for dataset, negative for method.
KindVote = int


def _neighbours(text: str, start: int, end: int, limit: int = 6) -> list[str]:
    """The names listed beside ``text[start:end]`` ("A, B and C"), nearest first. Only a
    window around it is read: a list is short, a sentence can be a megabyte."""
    found: list[str] = []
    left = text[max(0, start - 300) : start]
    prefix = _ITEM_PREFIX.search(left[-30:])
    if prefix is not None:
        left = left[: len(left) - len(prefix.group(0))]
    items = _LIST_SEPARATOR.split(left)
    if len(items) > 1 and items[-1] == "":
        for item in reversed(items[-limit - 1 : -1]):
            words = item.split()
            if not words:
                break
            found.append(words[-1].strip(_BRACKETS))
            if len(words) > 1 and not (len(words) == 2 and _ITEM_PREFIX.match(words[0] + " ")):
                break  # the list starts inside this piece of text
    items = _LIST_SEPARATOR.split(text[end : end + 300])
    if len(items) > 1 and items[0] == "":
        for item in items[1 : limit + 1]:
            words = item.split()
            if not words:
                break
            found.append(words[0].strip(_BRACKETS))
            if len(words) > 1:
                break
    return found


def context_vote(text: str, start: int, end: int) -> KindVote:
    """What the words around one occurrence say: +2 for a dataset hint ("evaluated on X",
    "X benchmark"), -2 for a method hint ("the X model", "X outperforms"), both: 0."""
    before, after = text[max(0, start - 120) : start], text[end : end + 80]
    vote = 0
    if _DATASET_AFTER.match(after) or _DATASET_BEFORE.search(before):
        vote += 2
    if _METHOD_AFTER.match(after) or _METHOD_BEFORE.search(before):
        vote -= 2
    return vote


def neighbour_vote(
    text: str, start: int, end: int, known_kind: Callable[[str], str | None]
) -> KindVote:
    """+1 per name listed beside the occurrence ("A, X and B") that ``known_kind`` (a name
    -> its kind, or None) knows as a dataset, -1 per known method."""
    vote = 0
    for neighbour in _neighbours(text, start, end):
        kind = known_kind(neighbour)
        vote += 1 if kind == "dataset" else -1 if kind == "method" else 0
    return vote


def kind_of_name(name: str, known_kind: Callable[[str], str | None]) -> KindVote:
    """What a name's own make-up says: +3 when it is built like a dataset's name or on a
    known dataset ("mini-ImageNet", "Split-CIFAR100"), -3 on a known method ("ViT-VQGAN")."""
    if _DATASET_NAME.search(name):
        return 3
    for part in re.split(r"[-_/]", name):
        if part and part != name:
            kind = known_kind(part)
            if kind is not None:
                return 3 if kind == "dataset" else -3
    return 0
