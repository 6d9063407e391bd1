"""Named methods and datasets in a paper's title and abstract, and what the paper does with them.

Sources of names, most trusted first: the gazetteer (well-known names), the names papers
introduce ("We propose X", "X: ..." titles, "Full Name (X)" after "we propose"), names other
papers of the corpus introduce (which is what turns mentions into citations), acronyms
spelled out as names, and coined-looking names (CamelCase, letters with digits). Every
mention carries the ``basis`` that found it and its ``confidence`` (``confidence.py``).
Relations: INTRODUCES (the paper's own contribution), EVALUATES_ON (datasets), USES (methods).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from paperkg.graph.extract.aliases import (
    LIKENESS,
    Abbreviation,
    abbreviations,
    canonical_key,
    derived_base,
    family_name,
)
from paperkg.graph.extract.confidence import CONFIDENCE, Basis
from paperkg.graph.extract.english import ordinary_word
from paperkg.graph.extract.gazetteer import KINDS, Gazetteer, GazetteerEntry, entity_key
from paperkg.graph.extract.kinds import context_vote, kind_of_name, neighbour_vote
from paperkg.graph.extract.names import (
    TITLE_WORDS,
    coined,
    name_shaped,
    never_a_name,
)
from paperkg.graph.extract.normalize import match_text
from paperkg.graph.schema import RelType

__all__ = [
    "EVIDENCE_CHARS",
    "CorpusNames",
    "EntityMention",
    "PaperEntities",
    "Reading",
    "corpus_names",
    "entities_of",
    "evidence_window",
    "extract_entities",
    "introduced_names",
    "read_paper",
    "sentences",
]

#: Most characters of evidence a relation keeps: the whole sentence when it is this short
#: (nearly every real one), else a window of it around the mention. Every edge naming an
#: entity carried its sentence whole: a 1 MB sentence naming 40 names made 81 MB of graph.
EVIDENCE_CHARS = 300
_ELLIPSIS = "\u2026"

_DATASET_WORDS = re.compile(
    r"\b(?:benchmarks?|datasets?|corpus|corpora|suite|leaderboard|collection|test ?bed|arena|"
    r"challenge|hours of)\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z0-9][\w+]*(?:[-.][\w+]+)*(?:\s(?:v?\d+(?:\.\d+)*|[A-Z][\w]*\d[\w]*))?"
_INTRO_VERBS = (
    r"(?:propose|introduce|present|release|develop|design|build|create|construct|curate|"
    r"collect|contribute|open-source|unveil|describe|offer)"
)
_INTRO_PATTERNS = [
    # "we propose FoldLite, a ...", "we introduce a new benchmark, SWE-bench, ..."
    re.compile(
        rf"\b[Ww]e\s+(?:also\s+)?{_INTRO_VERBS}[ds]?\s+(?:(?:a|an|the)\s+)?(?:(?:new|novel|"
        rf"simple|large-scale|lightweight|unified|open|first)\s+)*(?:(?:[a-z\-]+\s+){{0,3}}"
        rf"(?:method|model|framework|approach|benchmark|dataset|corpus|system|architecture|"
        rf"algorithm|technique|pipeline|agent|suite|toolkit|library|family|network|"
        rf"strategy|objective|loss)s?\s*(?:,\s*)?(?:called|named|dubbed|termed)?\s*)?"
        rf"(?P<name>{_NAME})"
    ),
    re.compile(
        rf"\b(?:called|named|dubbed|termed|coined|we\s+call(?:\s+(?:it|this|them|our\s+"
        rf"[\w\-]+))?)\s+(?P<name>{_NAME})"
    ),
    # "FoldLite, a new method for ..." at the start of a sentence
    re.compile(
        rf"^(?P<name>{_NAME}),?\s+(?:is\s+)?(?:a|an)\s+(?:new|novel|large|open|simple|"
        rf"unified|first|lightweight|[\w\-]+)"
    ),
    # "Our method, FoldLite, ..." / "Our benchmark FoldSet ..."
    re.compile(
        rf"^(?:Our|This)\s+(?:[a-z\-]+\s+){{0,2}}(?:method|model|framework|approach|benchmark|"
        rf"dataset|system|algorithm|pipeline|agent|suite),?\s+(?P<name>{_NAME})"
    ),
]
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec|approx|resp)\.$")


@dataclass(frozen=True)
class EntityMention:
    """One named entity in one paper: what it is, how the paper relates to it, and where.

    ``source`` says who names the relation: ``"text"`` (found in the title or abstract, with
    ``sentence`` as evidence) or ``"pwc"`` (Papers with Code says so; ``sentence`` is the
    text evidence when the text names it too, else empty). ``spelling`` is the name as the
    text writes it ("ViT-L/16" for the entity ViT); ``basis`` and ``confidence`` say what
    evidence found it and how sure that makes extraction (``confidence.CONFIDENCE``);
    ``vote`` is what the words around it say of its kind (positive: dataset).
    """

    key: str
    name: str
    kind: str
    relation: RelType
    sentence: str
    known: bool = False
    source: str = "text"
    spelling: str = ""
    basis: Basis = Basis.SHAPE
    confidence: float = CONFIDENCE[Basis.SHAPE]
    vote: int = 0


@dataclass
class PaperEntities:
    """Everything extracted from one paper."""

    mentions: list[EntityMention] = field(default_factory=list)

    def introduced(self) -> set[str]:
        """Keys of the entities this paper introduces."""
        return {m.key for m in self.mentions if m.relation == RelType.INTRODUCES}


@dataclass(frozen=True)
class CorpusNames:
    """What the whole corpus says about names, for reading each paper: the names papers
    define (matched as spelled), and the acronyms papers spell out as ordinary words
    ("image-text retrieval (ITR)"), which are abbreviations, not names."""

    defined: Gazetteer
    generic: frozenset[str] = frozenset()


def evidence_window(text: str, start: int, end: int, width: int = EVIDENCE_CHARS) -> str:
    """``text`` when it has at most ``width`` characters, else at most ``width`` of it
    centred on ``text[start:end]`` (the mention), cut between words, "\u2026" marking a cut.

    >>> evidence_window("one two three four five six", 8, 13, width=17)
    '\u2026two three four\u2026'
    """
    if len(text) <= width:
        return text
    room = width - 2 * len(_ELLIPSIS)
    if end - start >= room:  # a mention longer than the window: its start is the evidence
        hi = start + room
    else:
        hi = min(len(text), max(start - (room - (end - start)) // 2, 0) + room)
    lo = max(0, hi - room)
    if lo > 0 and not text[lo - 1].isspace():
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    before = _ELLIPSIS if lo > 0 else ""
    after = _ELLIPSIS if hi < len(text) else ""
    return f"{before}{text[lo:hi].strip()}{after}"


def sentences(text: str) -> list[str]:
    """Split an abstract into sentences, not breaking on "e.g.", "et al." and friends."""
    parts: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])", text.strip()):
        if parts and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return [p for p in parts if p]


def _kind_from_context(context: str) -> str:
    """Dataset when the words defining a name speak of data ("a new benchmark, X")."""
    return "dataset" if _DATASET_WORDS.search(context) else "method"


def _title_name(title: str) -> tuple[str, str] | None:
    """The name before a title's colon ("FoldLite: Fast Folding ..."), with the subtitle."""
    head, sep, tail = title.partition(":")
    if not sep or not tail.strip():
        return None
    head = head.strip()
    words = head.split()
    if not 1 <= len(words) <= 2 or len(head) > 40 or never_a_name(head):
        return None
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]+", head):
        return (head, tail) if head.lower() not in TITLE_WORDS else None
    return (head, tail) if name_shaped(head) else None


def _introducible(name: str) -> bool:
    """A name a defining sentence can introduce: coined-looking, and no metric, hardware or
    generic abbreviation (an ordinary word is allowed: the definition says it is a name)."""
    return name_shaped(name) and not never_a_name(name)


@dataclass(frozen=True)
class Reading:
    """One paper's text as extraction reads it, once: its sentences, the acronyms each
    spells out, and the names the paper introduces (``introduced_names``)."""

    title: str
    sentences: tuple[str, ...]
    pairs: tuple[tuple[Abbreviation, ...], ...]
    introduced: tuple[tuple[str, str, str], ...]


def read_paper(title: str, abstract: str) -> Reading:
    """Read a paper's title and abstract for names (see ``introduced_names``). Markdown
    emphasis around a name ("**FoldLite**") is dropped."""
    title, abstract = match_text(title), match_text(abstract).replace("**", "")
    parts = tuple(sentences(abstract))
    pairs = tuple(tuple(abbreviations(sentence)) for sentence in parts)
    return Reading(title, parts, pairs, tuple(_introduced(title, parts, pairs)))


def introduced_names(title: str, abstract: str) -> list[tuple[str, str, str]]:
    """``(name, kind, evidence)`` for every name this paper presents as its own; evidence is
    the sentence (or the title) saying so, windowed as ``evidence_window`` does.

    Defining contexts: "we propose X", "called X", "Our method, X", a "X: ..." title, and an
    acronym spelled out as a name ("Balanced Averaging (BANG)", "X for short") in a sentence
    that introduces something. The words of a spelled-out acronym are never names of their
    own: "we propose BAlaNced averaGing (BANG)" introduces BANG.
    """
    return list(read_paper(title, abstract).introduced)


def _introduced(
    title: str, parts: Sequence[str], pairs_of: Sequence[Sequence[Abbreviation]]
) -> list[tuple[str, str, str]]:
    """``introduced_names`` over a paper's sentences and their acronym pairs."""
    found: dict[str, tuple[str, str, str]] = {}

    def add(name: str, kind: str, sentence: str, at: int, strong: bool = True) -> None:
        key = entity_key(name)
        if key not in found and _introducible(name) and (strong or not ordinary_word(name)):
            found[key] = (name, kind, evidence_window(sentence, at, at + len(name)))

    for sentence, pairs in zip(parts, pairs_of, strict=True):
        verb = _INTRO_VERB.search(sentence)
        for number, pattern in enumerate(_INTRO_PATTERNS):
            for match in pattern.finditer(sentence):
                at = match.start("name")
                pair = next((p for p in pairs if p.long_start <= at < p.long_end), None)
                if pair is not None:
                    name, at = pair.short, pair.start
                else:
                    name = match.group("name").rstrip(".,;:")
                context = sentence[max(0, match.start() - 40) : match.end() + 60]
                # "named SKIP, COPY and GENerate": an ordinary word needs "we propose"
                add(name, _kind_from_context(context), sentence, at, number == 0 or bool(pair))
        for pair in pairs:
            # "we propose a method called Balanced Averaging (BANG)", "we propose a
            # pixel-aware diffusion (PAD) network": the verb governs the acronym
            distance = pair.long_start - verb.end() if verb is not None else -1
            # a two-letter acronym of lower-case words is generic ("reward model (RM)")
            coined = pair.named or sum(c.isalnum() for c in pair.short) > 2
            defining = 0 <= distance <= 60 and (
                pair.named
                or (coined and (distance <= 12 or _NAMED_THING.match(sentence, pair.end + 1)))
            )
            if defining or sentence[pair.end : pair.end + 10].strip().startswith("for short"):
                context = sentence[max(0, pair.long_start - 60) : pair.end + 60]
                add(pair.short, _kind_from_context(context), sentence, pair.start)
    titled = _title_name(title)
    if titled is not None:
        name, subtitle = titled
        key = entity_key(name)
        kind = found[key][1] if key in found else _kind_from_context(subtitle)
        at = max(title.find(name), 0)
        evidence = evidence_window(title, at, at + len(name))
        found = {key: (name, kind, evidence), **{k: v for k, v in found.items() if k != key}}
    return list(found.values())


_TOKEN = re.compile(
    r"(?<![\w/.\-\\])(?<!\\\")[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*"
    r"(?:/\d+(?:\.\d+)?[BMKbmk]?)*(?![\w/])"  # sizes listed: "FoldLite-1.5B/7B"
)
_VARIANT_TAIL = re.compile(r"^(?:/\d+|-[BLSHG]/\d+)")
_INTRO_VERB = re.compile(
    rf"\b(?:[Ww]e\s+(?:also\s+)?{_INTRO_VERBS}|[Tt]he\s+proposed|[Oo]ur\s+proposed)"
)
#: "(PAD) network": what follows an acronym says it names one method or dataset.
_NAMED_THING = re.compile(
    r"\s*(?:method|model|network|framework|approach|algorithm|architecture|benchmark|dataset|"
    r"system|pipeline)\b"
)


def _shape_basis(name: str, context: int) -> Basis:
    """How much a coined-looking name found by its shape alone is worth: a telling context
    (``context_vote``) makes it a pattern, CamelCase, digits or capitals joined by a hyphen
    ("RT-DETR": abbreviations of generic terms come single) a shape, one run of bare
    capitals only an acronym."""
    if context:
        return Basis.PATTERN
    if re.fullmatch(r"[A-Z]+\+?", name):
        return Basis.ACRONYM
    return Basis.SHAPE


def shaped_names(
    sentence: str, generic: frozenset[str] = frozenset()
) -> list[tuple[str, str, int]]:
    """``(spelling, name, start)`` for tokens shaped like coined names (CamelCase, acronyms,
    letters with digits) that are no ordinary word, metric, hardware or generic
    abbreviation; ``name`` is the spelling without a deriving suffix ("CLIP-based")."""
    found = []
    for match in _TOKEN.finditer(sentence):
        spelling = match.group(0).rstrip(".")
        if spelling.islower() and spelling.isalpha():
            continue  # most tokens: plain words, never names (the checks below agree)
        if "://" in sentence[max(0, match.start() - 8) : match.start() + 3]:
            continue
        if LIKENESS.search(spelling):
            continue  # "FoldLite-style": a likeness, not a use
        name = derived_base(spelling)
        if re.fullmatch(r"[A-Z]{1,2}\d?", name) or name[0].isdigit():
            continue  # "A", "AI", "3D", "7B", "90M-parameter": not names
        if _plural_acronym(name):
            continue  # "LLMs", "FNNs": plural acronyms name kinds of things
        if name[0].islower() and not re.search(r"[a-z][A-Z]", name):
            continue  # "large-v3", "wav2vec": lower-case words are names only when listed
        after = sentence[match.end() : match.end() + 20]
        if never_a_name(name, after) or not coined(name):
            continue
        if entity_key(family_name(name)) in generic or entity_key(name) in generic:
            continue
        tail = _VARIANT_TAIL.match(sentence[match.end() :])
        found.append((spelling + (tail.group(0) if tail else ""), name, match.start()))
    return found


def _known_kind(gazetteer: Gazetteer) -> Callable[[str], str | None]:
    """Name -> the gazetteer's kind for it, or None: for votes by list neighbours."""

    def kind(name: str) -> str | None:
        entry = gazetteer.entries.get(gazetteer.key_of(name))
        return entry.kind if entry is not None else None

    return kind


def extract_entities(
    title: str,
    abstract: str,
    gazetteer: Gazetteer,
    corpus: CorpusNames | None = None,
    *,
    shapes: bool = True,
) -> PaperEntities:
    """Entities of one paper (``entities_of`` its ``read_paper``). The text is matched as
    ``match_text`` reads it, so "\uff22\uff25\uff32\uff34" and "Ro\u200bBERTa" are BERT and
    RoBERTa (evidence sentences are quoted that way too)."""
    return entities_of(read_paper(title, abstract), gazetteer, corpus, shapes=shapes)


def entities_of(
    reading: Reading,
    gazetteer: Gazetteer,
    corpus: CorpusNames | None = None,
    *,
    shapes: bool = True,
) -> PaperEntities:
    """Entities of one read paper: its introduced names, then known names from the
    gazetteer and from ``corpus`` (names other papers define), acronyms spelled out as
    names, then names found by their shape. Each mention says on what basis it was found;
    its kind is what the votes of its occurrences say, unless a list or the paper's own
    introduction says otherwise."""
    found = _Finding(reading, gazetteer, corpus)
    found.introductions()
    found.known_names()
    found.spelled_out_acronyms()
    if shapes:
        found.shaped()
    return found.result()


class _Finding:
    """The mentions of one paper as they are found, and which characters of each text
    (the title, then each sentence) a found name already covers."""

    def __init__(self, reading: Reading, gazetteer: Gazetteer, corpus: CorpusNames | None) -> None:
        self.reading = reading
        self.gazetteer = gazetteer
        self.corpus = corpus
        self.generic = corpus.generic if corpus is not None else frozenset()
        self.texts: list[str] = [reading.title, *reading.sentences]
        # one byte per character: is it part of a name found already?
        self.covered = [bytearray(len(text)) for text in self.texts]
        self.mentions: dict[str, EntityMention] = {}
        self.known_kind = _known_kind(gazetteer)

    def _cover(self, number: int, start: int, end: int) -> None:
        self.covered[number][start:end] = b"\x01" * (end - start)

    def _add(self, mention: EntityMention, vote: int) -> None:
        held = self.mentions.get(mention.key)
        base = mention if held is None else held
        self.mentions[mention.key] = replace(base, vote=base.vote + vote)

    def introductions(self) -> None:
        title = self.reading.title
        for name, kind, sentence in self.reading.introduced:
            key = canonical_key(name, self.gazetteer)
            known = self.gazetteer.entries.get(key)
            # A well-known name is introduced only by a paper whose title leads with it
            # ("Qwen2.5 Technical Report"); elsewhere "we propose ... LoRA" is a use.
            if known is not None and (
                known.kind not in KINDS or not title.lstrip().startswith(name)
            ):
                continue
            basis = Basis.GAZETTEER if known else Basis.DEFINED
            self.mentions[key] = EntityMention(
                key,
                known.name if known else family_name(name),
                known.kind if known else kind,
                RelType.INTRODUCES,
                sentence,
                known=known is not None,
                spelling=name,
                basis=basis,
                confidence=CONFIDENCE[basis],
                vote=0 if known else (6 if kind == "dataset" else -6),
            )

    def known_names(self) -> None:
        sources: list[tuple[Gazetteer, Basis]] = [(self.gazetteer, Basis.GAZETTEER)]
        if self.corpus is not None:
            sources.append((self.corpus.defined, Basis.CORPUS))
        for source, basis in sources:
            for number, text in enumerate(self.texts):
                for match in source.find(text):
                    if self.covered[number][match.start]:
                        continue
                    self._cover(number, match.start, match.end)
                    entry: GazetteerEntry = match.entry
                    if entry.kind not in KINDS:
                        continue  # a metric, a piece of hardware or software: never a node
                    if LIKENESS.match(text, match.end):
                        continue  # "GPT-2-level": a likeness, not a use
                    gazetteer = basis is Basis.GAZETTEER
                    key = entry.key if gazetteer else canonical_key(entry.name, self.gazetteer)
                    relation = RelType.EVALUATES_ON if entry.kind == "dataset" else RelType.USES
                    mention = EntityMention(
                        key,
                        entry.name,
                        entry.kind,
                        relation,
                        evidence_window(text, match.start, match.end),
                        known=gazetteer,
                        spelling=match.text,
                        basis=basis,
                        confidence=CONFIDENCE[basis],
                    )
                    # a name the gazetteer knows has its kind; a corpus name is voted on
                    vote = 0 if gazetteer else self._vote(text, match.start, match.end)[1]
                    self._add(mention, vote)

    def _vote(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The context's vote, and the context's and the list neighbours' together."""
        context = context_vote(text, start, end)
        return context, context + neighbour_vote(text, start, end, self.known_kind)

    def spelled_out_acronyms(self) -> None:
        for number, pairs in enumerate(self.reading.pairs, start=1):
            text = self.texts[number]
            for pair in pairs:
                key = canonical_key(pair.short, self.gazetteer)
                inside = self.covered[number][pair.start]
                # the words an acronym abbreviates are never names of their own ("BAlaNced")
                self._cover(number, min(pair.long_start, pair.start), max(pair.long_end, pair.end))
                if key in self.mentions or not pair.named or not _introducible(pair.short):
                    continue
                if inside or _plural_acronym(pair.short):
                    continue
                mention = EntityMention(
                    key,
                    family_name(pair.short),
                    "method",
                    RelType.USES,
                    evidence_window(text, pair.start, pair.end),
                    spelling=pair.short,
                    basis=Basis.PATTERN,
                    confidence=CONFIDENCE[Basis.PATTERN],
                )
                self._add(mention, self._vote(text, pair.start, pair.end)[1])

    def shaped(self) -> None:
        for number, text in enumerate(self.texts[1:], start=1):
            for spelling, name, at in shaped_names(text, self.generic):
                if self.covered[number][at]:
                    continue
                key = canonical_key(name, self.gazetteer)
                context, vote = self._vote(text, at, at + len(spelling))
                basis = _shape_basis(name, context)
                held = self.mentions.get(key)
                if held is not None:
                    if CONFIDENCE[basis] > held.confidence and held.basis in _SHAPE_BASES:
                        held = replace(held, basis=basis, confidence=CONFIDENCE[basis])
                    self.mentions[key] = replace(held, vote=held.vote + vote)
                    continue
                self.mentions[key] = EntityMention(
                    key,
                    family_name(name),
                    "method",
                    RelType.USES,
                    evidence_window(text, at, at + len(spelling)),
                    spelling=spelling,
                    basis=basis,
                    confidence=CONFIDENCE[basis],
                    vote=vote + kind_of_name(name, self.known_kind),
                )

    def result(self) -> PaperEntities:
        """The mentions, each with the kind its votes give it (known and introduced names
        keep theirs) and the relation that kind implies."""
        found = PaperEntities()
        for mention in self.mentions.values():
            kind = mention.kind
            if not mention.known and mention.relation != RelType.INTRODUCES:
                kind = "dataset" if mention.vote > 0 else "method"
            relation = mention.relation
            if relation != RelType.INTRODUCES:
                relation = RelType.EVALUATES_ON if kind == "dataset" else RelType.USES
            found.mentions.append(replace(mention, kind=kind, relation=relation))
        return found


_SHAPE_BASES = frozenset({Basis.PATTERN, Basis.SHAPE, Basis.ACRONYM})


def _plural_acronym(name: str) -> bool:
    """ "FNNs", "PFMs": an acronym in the plural names a kind of thing, not one method."""
    return re.fullmatch(r"[A-Z][A-Z0-9\-]*[A-Z]s", name) is not None


def corpus_names(introduced: Iterable[tuple[str, str]], generic: Iterable[str] = ()) -> CorpusNames:
    """The names papers in the corpus define, as ``(name, kind)`` pairs, matched as spelled
    (a paper's "PRIOR" must not match every "prior"), and the keys of acronyms the corpus
    spells out as ordinary words."""
    defined = Gazetteer(
        GazetteerEntry(name, kind, case_sensitive=True) for name, kind in introduced
    )
    return CorpusNames(defined, frozenset(generic))
