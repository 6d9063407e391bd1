"""Cluster labels that describe their clusters: terms and short phrases most of a cluster's
papers use and few others do.

A candidate is a word or a run of two or three words (no stop word at either end) of the
titles and abstracts. Its score in a cluster is ``coverage * log(coverage / outside)``:
the share of the cluster's papers that use it, times how much more often they do than the
papers of the other clusters (a KL-divergence term). Terms below ``MIN_COVERAGE`` are never
chosen. A term labels only the cluster of its level it scores highest in, so no two labels
of one level share a term; within a label, a term overlapping one already chosen (a shared
word, or nearly the same papers) is skipped, as maximal marginal relevance would, and a
phrase replaces its own word when most of the word's papers use the phrase. Words are
counted folded (case, plural ``s``) and shown in the spelling the cluster uses most.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

__all__ = [
    "MIN_COVERAGE",
    "STOP_WORDS",
    "Label",
    "describe",
    "fold_word",
    "label_coverage",
    "terms_of",
]

_T = TypeVar("_T")

#: A label term must occur in at least this share of its cluster's papers.
MIN_COVERAGE = 0.10
#: How many times more often a cluster must use a term than the rest of the corpus.
MIN_LIFT = 2.0
#: Papers read per cluster, and from the whole corpus, to count terms: beyond them the
#: shares are estimated from an even sample (labels of 100,000 papers in seconds).
_SAMPLE = 200
_CORPUS_SAMPLE = 2000
#: A term whose papers are mostly (this share) among a chosen term's, and fewer than half
#: of them, adds nothing to the label.
_SAME_PAPERS = 0.8
#: Candidates a label is chosen from, best scores first.
_CANDIDATES = 300
#: A phrase replaces its word when at least this share of the word's papers use it.
_PHRASE_SHARE = 0.6

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_BREAK = re.compile(r"[.;:!?()\[\]{},\"]")
_STOP_WORDS = """
a about above across after again against all almost along also although am among an and
another any are as at be because been before being below between both but by can cannot
could did do does doing done down during each either else enough especially even ever
every few for from further had has have having here how however i if in into is it its
itself just least less like made make makes many may more most much must neither no nor
not of off on once one only onto or other others our out over own per rather same several
should since so some such than that the their them then there these they this those
through thus to too toward towards under until up upon us very via was we were what when
where whether which while who whom whose why will with within without would yet you your
model models method methods approach approaches propose proposes proposed present presents
results result paper performance data using use used uses based new show shows shown
achieve achieves achieved state art work works framework frameworks existing study studies
improve improves improved improving improvement improvements outperforms outperform
significantly significant experiments experimental demonstrate demonstrates novel task
tasks various different however first second two three four five large small high low
better best effective effectively well often including include includes given specific
recent recently widely wide key main able ability allows allow enables enable general
provide provides extensive comprehensive simple strong stronger previous prior current
problem problems issue issues solution way ways number across range set sets setting
settings furthermore moreover additionally finally respectively still despite particular
particularly typically usually commonly code available publicly github https http www com
introduce introduces introduced evaluate evaluated evaluation analysis analyze paradigm
approach leverage leverages leveraging benchmark benchmarks dataset datasets
"""
#: Words never a label term or a trend term on their own.
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Label:
    """A cluster's label terms, best first, with the share of its papers using each."""

    terms: list[str]
    coverage: list[float]

    @property
    def text(self) -> str:
        """The first three terms, as the cluster's one-line label."""
        return ", ".join(self.terms[:3])


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """Lower case, and a plural's ``s`` / ``es`` / ``ies`` off ("classes" is "class");
    remembered, since labelling folds each of a corpus's few distinct words many times."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(term: str) -> str:
    """The folded form of a term, as candidates are counted."""
    return " ".join(fold_word(w) for w in _WORD.findall(term))


_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ers", "er", "ed", "es", "s")


def _stem(word: str) -> str:
    """A crude stem for telling word forms apart: one common suffix off ("selected",
    "selecting", "selection" are all "select")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _related(a: str, b: str) -> bool:
    """Two folded words of one family: after a suffix is taken off, one begins the other
    ("prompt", "prompting"; "select", "selection")."""
    a, b = _stem(a), _stem(b)
    return min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))


@lru_cache(maxsize=1 << 16)
def _is_stop(word: str) -> bool:
    """Whether a word can neither begin nor end a candidate term (remembered, like folds)."""
    return len(word) < 2 or word.lower() in STOP_WORDS or fold_word(word) in STOP_WORDS


def _grams(text: str) -> list[tuple[str, str]]:
    """(folded key, spelling) of every candidate term in ``text``, in order: at each word
    that is no stop word, the word, then the pair and the triple ending on no stop word."""
    found: list[tuple[str, str]] = []
    add = found.append
    for piece in _BREAK.split(text):
        words = _WORD.findall(piece)
        if not words:
            continue
        folded = [fold_word(w) for w in words]
        stop = [_is_stop(w) for w in words]
        last = len(words) - 1
        for start in range(last + 1):
            if stop[start]:
                continue
            add((folded[start], words[start]))
            if start + 1 > last:
                continue
            if not stop[start + 1]:
                add((f"{folded[start]} {folded[start + 1]}", f"{words[start]} {words[start + 1]}"))
            # "mixture of experts", but not "efficiency and effectiveness"
            third = start + 2 <= last and not stop[start + 2]
            if third and (not stop[start + 1] or folded[start + 1] == "of"):
                add((" ".join(folded[start : start + 3]), " ".join(words[start : start + 3])))
    return found


def terms_of(text: str) -> set[str]:
    """The folded candidate terms one text contains."""
    return {key for key, _spelling in _grams(text)}


def _labels_can_use(coverage: float) -> bool:
    """Whether a term used by this share of a cluster's papers may label it; one test for
    scoring and for keeping spellings, so every scored term has its spellings."""
    return coverage >= MIN_COVERAGE


def _sample(items: Sequence[_T], size: int) -> Sequence[_T]:
    """An even, deterministic sample of at most ``size`` items."""
    if len(items) <= size:
        return items
    step = len(items) / size
    return [items[int(i * step)] for i in range(size)]


def describe(
    texts: Mapping[int, Sequence[str]], top: int = 6, names: Iterable[Sequence[str]] = ()
) -> dict[int, Label]:
    """Label terms for each cluster of one level (``texts``: cluster id -> its papers'
    titles and abstracts); a cluster no term describes gets an empty label. ``names`` are
    the spellings of one entity each (a method's name and aliases: "MLM", "masked language
    modeling"): one label holds at most one of them."""
    clusters = sorted(c for c in texts if texts[c])
    # The corpus sample's texts mostly fall in the clusters' samples: their terms are kept
    # when first read, not read twice.
    corpus = [(c, i) for c in clusters for i in range(len(texts[c]))]
    in_corpus = set(_sample(corpus, _CORPUS_SAMPLE))
    known: dict[tuple[int, int], set[str]] = {}
    counts: dict[int, dict[str, int]] = {}
    spellings: dict[int, dict[str, dict[str, int]]] = {}
    papers: dict[int, dict[str, set[int]]] = {}
    for cluster in clusters:
        pairs: Counter[tuple[str, str]] = Counter()
        where: dict[str, set[int]] = defaultdict(set)
        for number, i in enumerate(_sample(range(len(texts[cluster])), _SAMPLE)):
            grams = _grams(texts[cluster][i])
            pairs.update(grams)
            seen = {key for key, _spelling in grams}
            for key in seen:
                where[key].add(number)
            if (cluster, i) in in_corpus:
                known[(cluster, i)] = seen
        # spellings only of terms common enough to be chosen, in first-seen order
        size = min(len(texts[cluster]), _SAMPLE)
        spelled: dict[str, dict[str, int]] = {}
        for (key, spelling), n in pairs.items():
            if _labels_can_use(len(where[key]) / size):
                spelled.setdefault(key, {})[spelling] = n
        counts[cluster] = {key: len(numbers) for key, numbers in where.items()}
        spellings[cluster], papers[cluster] = spelled, where
    sizes = {c: min(len(texts[c]), _SAMPLE) for c in clusters}
    corpus_count: Counter[str] = Counter()
    own_count: dict[int, Counter[str]] = defaultdict(Counter)
    own_size: Counter[int] = Counter()
    for cluster, i in _sample(corpus, _CORPUS_SAMPLE):
        found = known.get((cluster, i))
        if found is None:
            found = terms_of(texts[cluster][i])
        corpus_count.update(found)
        own_count[cluster].update(found)
        own_size[cluster] += 1
    sampled = sum(own_size.values())
    scores: dict[int, dict[str, float]] = {}
    for cluster in clusters:
        scored: dict[str, float] = {}
        others = sampled - own_size[cluster]
        for key, n in counts[cluster].items():
            coverage = n / sizes[cluster]
            if not _labels_can_use(coverage):
                continue
            outside = (corpus_count[key] - own_count[cluster][key] + 0.5) / (others + 1.0)
            if coverage < MIN_LIFT * outside:
                continue
            scored[key] = coverage * math.log(coverage / outside)
        scores[cluster] = scored
    family = {
        _key(spelling): number for number, spellings in enumerate(names) for spelling in spellings
    }
    owner: dict[str, int] = {}
    for cluster in clusters:
        for key, value in scores[cluster].items():
            if key not in owner or (value, -cluster) > (scores[owner[key]][key], -owner[key]):
                owner[key] = cluster
    return {
        cluster: _choose(
            scores[cluster],
            owner,
            cluster,
            papers[cluster],
            spellings[cluster],
            sizes[cluster],
            top,
            family,
        )
        for cluster in clusters
    }


def _choose(
    scores: Mapping[str, float],
    owner: Mapping[str, int],
    cluster: int,
    papers: Mapping[str, set[int]],
    spellings: Mapping[str, Mapping[str, int]],
    size: int,
    top: int,
    family: Mapping[str, int],
) -> Label:
    """Up to ``top`` terms this cluster owns: best first, none overlapping another."""
    mine = [key for key in scores if owner[key] == cluster]
    mine.sort(key=lambda key: (-scores[key], key))
    del mine[_CANDIDATES:]  # a label is chosen from the best; a megabyte abstract has 10^5
    chosen: list[str] = []
    used_words: set[str] = set()
    for key in mine:
        if len(chosen) == top:
            break
        key = _phrase_for(key, mine, papers)
        words = set(key.split()) - {"of"}
        if key in chosen or any(_related(w, u) for w in words for u in used_words):
            continue
        if key in family and any(family.get(other) == family[key] for other in chosen):
            continue
        if any(_aspect_of(papers[key], papers[other]) for other in chosen):
            continue
        chosen.append(key)
        used_words.update(words)
    return Label(
        # the most frequent spelling, the first seen on a tie (as Counter.most_common)
        [max(spellings[key].items(), key=lambda item: item[1])[0] for key in chosen],
        [round(len(papers[key]) / size, 4) for key in chosen],
    )


def _phrase_for(key: str, candidates: Sequence[str], papers: Mapping[str, set[int]]) -> str:
    """The longest phrase holding ``key`` that most of ``key``'s papers use, else ``key``."""
    best = key
    wanted = _PHRASE_SHARE * len(papers[key])
    for other in candidates:
        if len(other) > len(best) and f" {key} " in f" {other} " and len(papers[other]) >= wanted:
            best = other
    return best


def _aspect_of(candidate: set[int], chosen: set[int]) -> bool:
    """A term used only by a small part of a chosen term's papers ("bidirectional encoder
    representations" beside "BERT") names an aspect of it, not more of the cluster."""
    inside = len(candidate & chosen) / len(candidate) if candidate else 0.0
    return inside >= _SAME_PAPERS and len(candidate) < 0.5 * len(chosen)


def label_coverage(texts: Sequence[str], terms: Sequence[str]) -> list[float]:
    """The share of ``texts`` that contain each label term (folded as labels are)."""
    found = [terms_of(text) for text in texts]
    keys = [_key(term) for term in terms]
    return [sum(1 for f in found if key in f) / len(found) if found else 0.0 for key in keys]
