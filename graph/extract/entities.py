"""Named methods and datasets in a paper's title and abstract, and what the paper does with them.

Two sources of names: the gazetteer (well-known names), and the names papers introduce
("We propose X", "X: ..." titles, "X, a new benchmark"). Names introduced anywhere in the
corpus are then looked for in every paper, which is what turns mentions into citations.
Relations: INTRODUCES (the paper's own contribution), EVALUATES_ON (datasets), USES (methods).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from paperkg.graph.extract.gazetteer import Gazetteer, GazetteerEntry, entity_key
from paperkg.graph.extract.normalize import match_text
from paperkg.graph.schema import RelType

__all__ = [
    "EVIDENCE_CHARS",
    "EntityMention",
    "PaperEntities",
    "evidence_window",
    "extract_entities",
    "introduced_names",
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
    re.compile(rf"\b(?:called|named|dubbed|termed|coined)\s+(?P<name>{_NAME})"),
    # "FoldLite, a new method for ..." at the start of a sentence
    re.compile(
        rf"^(?P<name>{_NAME}),?\s+(?:is\s+)?(?:a|an)\s+(?:new|novel|large|open|simple|"
        rf"unified|first|lightweight|[\w\-]+)"
    ),
    # "... framework (FoldLite)" in a sentence with an introduction verb
    re.compile(rf"\((?P<name>{_NAME})\)"),
]
#: Title prefixes before a colon that are phrases, not names.
_TITLE_WORDS = {
    "beyond",
    "towards",
    "toward",
    "rethinking",
    "revisiting",
    "scaling",
    "learning",
    "understanding",
    "benchmarking",
    "evaluating",
    "improving",
    "measuring",
    "exploring",
    "unveiling",
    "unlocking",
    "bridging",
    "demystifying",
    "why",
    "how",
    "what",
    "when",
    "where",
    "position",
    "survey",
    "overview",
    "introduction",
    "review",
    "tutorial",
    "on",
    "the",
    "a",
    "an",
    "from",
    "less",
    "more",
    "all",
    "one",
    "not",
    "no",
    "do",
    "does",
    "can",
    "is",
    "are",
    "attention",
    "language",
    "vision",
    "data",
    "deep",
    "efficient",
    "simple",
    "fast",
    "robust",
    "scalable",
    "generalist",
    "open",
    "mind",
    "lost",
    "sparse",
    "dense",
}
_MORE_GENERIC = """
plm plms fscil cil til dil ssl mllm lvlm lvlms vlm
mlm mim cl fl cf kv mtl slm slms eeg ecg mri ct nl sr hr lr svd pca peft ssl kd da dg tl
il fsl zsl ir cls seg t2i t2v i2v tta ttt nas hpo ft pt ppl acc auc map iou wer cer
"""
_GENERIC_ACRONYMS = {
    *_MORE_GENERIC.split(),
    "llm",
    "llms",
    "nlp",
    "rl",
    "gpu",
    "gpus",
    "tpu",
    "api",
    "apis",
    "sota",
    "asr",
    "tts",
    "rag",
    "mlp",
    "cnn",
    "cnns",
    "rnn",
    "rnns",
    "gnn",
    "gnns",
    "vlm",
    "vlms",
    "mllm",
    "mllms",
    "ai",
    "ml",
    "dl",
    "cv",
    "qa",
    "vqa",
    "nlu",
    "nlg",
    "lm",
    "lms",
    "mt",
    "ood",
    "iid",
    "sgd",
    "moe",
    "kg",
    "kgs",
    "ner",
    "pos",
    "ocr",
    "io",
    "cpu",
    "ram",
    "json",
    "html",
    "url",
    "pdf",
    "i",
    "ii",
    "iii",
    "iv",
    "we",
    "our",
    "this",
    "these",
    "in",
    "it",
    "a",
    "an",
    "the",
    "to",
    "on",
    "for",
    "with",
    "and",
    "by",
    "as",
    "at",
    "or",
    "finally",
    "code",
    "specifically",
    "experiments",
    "results",
    "however",
    "moreover",
    "furthermore",
    "additionally",
    "unlike",
    "existing",
    "extensive",
    "here",
    "then",
    "first",
    "second",
    "third",
    "both",
    "each",
    "all",
    "such",
    "most",
    "many",
    "several",
    "sft",
    "rlhf",
    "cot",
    "icl",
    "e2e",
    "3d",
    "2d",
    "4d",
    "1d",
    "uav",
    "ar",
    "vr",
    "iot",
}
_DESCRIPTIVE_SUFFIX = r"(?:based|style|like|guided|aware|driven|free|specific|only|level|inspired)"
#: Metrics, number formats, platforms and companies: name-shaped but not methods or datasets.
_NOT_ENTITIES_TEXT = """
flops gflops tflops miou map top1 top5 tmscore f1 macrof1 microf1 int8 int4 fp16 bf16
fp32 fp8 github gitlab pytorch tensorflow jax huggingface python arxiv openai google
deepmind meta microsoft nvidia anthropic cuda linux windows macos android ios gpt mrr
ndcg rmse mse psnr ssim lpips fid clipscore pass1 pass10 recall1 ndcg10 mrr10 em bleu
rouge rougel meteor wer cer auroc auprc ece
"""
_NOT_ENTITIES = frozenset(_NOT_ENTITIES_TEXT.split())
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec|approx|resp)\.$")


@dataclass(frozen=True)
class EntityMention:
    """One named entity in one paper: what it is, how the paper relates to it, and where.

    ``source`` says who names the relation: ``"text"`` (found in the title or abstract, with
    ``sentence`` as evidence) or ``"pwc"`` (Papers with Code says so; ``sentence`` is the
    text evidence when the text names it too, else empty).
    """

    key: str
    name: str
    kind: str
    relation: RelType
    sentence: str
    known: bool = False
    source: str = "text"


@dataclass
class PaperEntities:
    """Everything extracted from one paper."""

    mentions: list[EntityMention] = field(default_factory=list)

    def introduced(self) -> set[str]:
        return {m.key for m in self.mentions if m.relation == RelType.INTRODUCES}


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


def _name_shaped(name: str) -> bool:
    """Looks like a coined name: CamelCase, an acronym, letters with digits, or a hyphened cap."""
    core = re.sub(r"[\s\-.+]", "", name)
    if len(core) < 2 or entity_key(name) in _GENERIC_ACRONYMS:
        return False
    if name.lower() in _TITLE_WORDS:
        return False
    return bool(
        re.search(r"[a-z][A-Z]", name)  # CamelCase: FoldLite
        or re.match(r"[A-Z]{2,}[a-z]{2,}", name)  # VTrans, BIOptimus
        or re.fullmatch(r"[A-Z][A-Z0-9\-+]+[a-z]?", name)  # acronym: CLIP, GSM8K, SAM2
        or (re.search(r"\d", name) and re.search(r"[A-Za-z]", name))  # GPT-4o, CASP15
        or re.search(r"[A-Z]{2,}\w*-[A-Za-z]", name)  # SWE-bench
    )


def _defines_name(sentence: str, paren: int, verb: re.Match[str] | None) -> bool:
    """``Foo Bar (FB)`` after "we propose": a named contribution, not "continual learning (CL)"."""
    if verb is None or paren < verb.end():
        return False
    verb_end = verb.end()
    before = sentence[verb_end:paren].split()[-4:]
    capitalised = [w for w in before if w[:1].isupper()]
    return len(capitalised) >= 2 or (bool(before) and _name_shaped(before[-1]))


def _kind_from_context(context: str) -> str:
    return "dataset" if _DATASET_WORDS.search(context) else "method"


def _title_name(title: str) -> tuple[str, str] | None:
    """The name before a title's colon ("FoldLite: Fast Folding ..."), with the subtitle."""
    head, sep, tail = title.partition(":")
    if not sep or not tail.strip():
        return None
    head = head.strip()
    words = head.split()
    if not 1 <= len(words) <= 2 or len(head) > 40:
        return None
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]+", head):
        return (head, tail) if head.lower() not in _TITLE_WORDS else None
    return (head, tail) if _name_shaped(head) else None


def introduced_names(title: str, abstract: str) -> list[tuple[str, str, str]]:
    """``(name, kind, evidence)`` for every name this paper presents as its own; evidence is
    the sentence (or the title) saying so, windowed as ``evidence_window`` does."""
    title, abstract = match_text(title), match_text(abstract)
    found: dict[str, tuple[str, str, str]] = {}
    for sentence in sentences(abstract):
        verb = re.search(rf"\b[Ww]e\s+(?:also\s+)?{_INTRO_VERBS}", sentence)
        for number, pattern in enumerate(_INTRO_PATTERNS):
            if number == 3 and verb is None:
                continue
            for match in pattern.finditer(sentence):
                if number == 3 and not _defines_name(sentence, match.start(), verb):
                    continue
                if number == 3 and re.fullmatch(r"[A-Z]{2,3}", match.group("name")):
                    continue  # "(CL)", "(MLM)": abbreviations of generic terms
                name = match.group("name").rstrip(".,;:")
                if not _name_shaped(name) or entity_key(name) in found:
                    continue
                context = match.group(0) + sentence[match.end() : match.end() + 60]
                at = match.start("name")
                evidence = evidence_window(sentence, at, at + len(name))
                found[entity_key(name)] = (name, _kind_from_context(context), evidence)
    titled = _title_name(title)
    if titled is not None:
        name, subtitle = titled
        key = entity_key(name)
        kind = found[key][1] if key in found else _kind_from_context(subtitle)
        at = max(title.find(name), 0)
        evidence = evidence_window(title, at, at + len(name))
        found = {key: (name, kind, evidence), **{k: v for k, v in found.items() if k != key}}
    return list(found.values())


_TOKEN = re.compile(r"(?<![\w/.\-])[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*(?![\w/])")
_EVAL_CONTEXT = re.compile(
    r"\b(?:on|across|over|from)\s+(?:the\s+)?(?:[\w\-.+]+(?:\s+[\w\-.+]+)?\s*"
    r"(?:,\s*and|,\s*or|and|or|,)\s+)*$",
    re.IGNORECASE,
)


def shaped_names(sentence: str) -> list[tuple[str, str]]:
    """``(name, kind)`` for tokens shaped like coined names (CamelCase, acronyms of three or
    more letters, letters with digits) that no list knows, with the kind guessed from the
    words around them ("evaluated on X", "the X benchmark")."""
    found = []
    for match in _TOKEN.finditer(sentence):
        name = match.group(0).rstrip(".")
        if name.islower() and name.isalpha():
            continue  # most tokens: plain words, never names (the checks below agree)
        if "://" in sentence[max(0, match.start() - 8) : match.start() + 3]:
            continue
        name = re.sub(rf"-{_DESCRIPTIVE_SUFFIX}$", "", name)
        if re.fullmatch(r"[A-Z]{1,2}\d?", name) or name[0].isdigit():
            continue  # "A", "AI", "3D", "7B", "90M-parameter": not names
        if re.fullmatch(r"[A-Z]{2,}s", name):
            continue  # "LLMs", "PLMs": plurals of generic acronyms
        if name[0].islower() and not re.search(r"[a-z][A-Z]", name):
            continue  # "large-v3", "wav2vec": lower-case words are names only when listed
        if entity_key(name) in _NOT_ENTITIES:
            continue
        if not _name_shaped(name):
            continue
        before = sentence[: match.start()]
        after = sentence[match.end() : match.end() + 60]
        dataset = bool(
            re.match(
                r"\s*(?:(?:,|and|or)?\s*[\w\-.+]+\s+){0,4}?(?:benchmarks?|datasets?|corpus|"
                r"corpora|suites?|leaderboards?|splits?|test[ -]sets?|test-clean|test-other|"
                r"environments?|tasks)\b",
                after,
                re.IGNORECASE,
            )
            or _EVAL_CONTEXT.search(before[-80:])
        )
        found.append((name, "dataset" if dataset else "method"))
    return found


def extract_entities(
    title: str,
    abstract: str,
    gazetteer: Gazetteer,
    corpus_names: Gazetteer | None = None,
    *,
    shapes: bool = True,
) -> PaperEntities:
    """Entities of one paper: its introduced names, then known names from the gazetteer and
    from ``corpus_names`` (names other papers in the corpus introduce). The text is matched
    as ``match_text`` reads it, so "\uff22\uff25\uff32\uff34" and "Ro\u200bBERTa" are BERT and
    RoBERTa (evidence sentences are quoted that way too)."""
    title, abstract = match_text(title), match_text(abstract)
    result = PaperEntities()
    seen: set[str] = set()
    intro = introduced_names(title, abstract)
    for name, kind, sentence in intro:
        key = gazetteer.key_of(name)
        known = gazetteer.entries.get(key)
        # A well-known name is introduced only by a paper whose title leads with it
        # ("Qwen2.5 Technical Report"); elsewhere "we propose ... LoRA" is a use.
        if known is not None and not title.lstrip().startswith(name):
            continue
        result.mentions.append(
            EntityMention(
                key,
                known.name if known else name,
                known.kind if known else kind,
                RelType.INTRODUCES,
                sentence,
                known=known is not None,
            )
        )
        seen.add(key)
    texts: Sequence[str] = [title, *sentences(abstract)]
    known_in = {text: list(gazetteer.find(text)) for text in texts}
    for source in (gazetteer, corpus_names):
        if source is None:
            continue
        for text in texts:
            for match in known_in[text] if source is gazetteer else source.find(text):
                entry: GazetteerEntry = match.entry
                key = entry.key
                if key in seen:
                    continue
                seen.add(key)
                relation = RelType.EVALUATES_ON if entry.kind == "dataset" else RelType.USES
                result.mentions.append(
                    EntityMention(
                        key,
                        entry.name,
                        entry.kind,
                        relation,
                        evidence_window(text, match.start, match.end),
                        known=source is gazetteer,
                    )
                )
    if shapes:
        for text in texts[1:]:
            covered = [(m.start, m.end) for m in known_in[text]]
            for name, kind in shaped_names(text):
                key = gazetteer.key_of(name)
                at = text.find(name)
                if key in seen or any(a <= at < b for a, b in covered):
                    continue
                seen.add(key)
                relation = RelType.EVALUATES_ON if kind == "dataset" else RelType.USES
                evidence = evidence_window(text, at, at + len(name))
                result.mentions.append(EntityMention(key, name, kind, relation, evidence))
    return result


def corpus_gazetteer(introduced: Iterable[tuple[str, str]]) -> Gazetteer:
    """A gazetteer of the ``(name, kind)`` pairs papers in the corpus introduce, matched as
    spelled (a paper's "PRIOR" must not match every "prior")."""
    return Gazetteer(GazetteerEntry(name, kind, case_sensitive=True) for name, kind in introduced)
