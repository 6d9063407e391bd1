"""The build pipeline: sources -> records -> papers -> embeddings -> kNN edges -> snapshot."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from paperkg.errors import InputError, ParameterError, SnapshotError, TagsError
from paperkg.graph.analytics.analyse import AnalyticsOptions, analyse
from paperkg.graph.analytics.recency import future_papers
from paperkg.graph.analytics.timeline import TIMELINE, Timeline, analyse_time
from paperkg.graph.embed.embeddings import DEFAULT_MODEL, Embedder, embed_texts
from paperkg.graph.embed.knn import build_knn_index, knn_edges
from paperkg.graph.extract.cache import cache_version, decode_cache, encode_cache
from paperkg.graph.extract.citations import ExternalWork, external_citations
from paperkg.graph.extract.confidence import DEFAULT_MIN_CONFIDENCE, check_min_confidence
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.model import (
    add_external_works,
    add_extraction,
    count_labels,
    count_types,
    paper_graph,
)
from paperkg.graph.papers import date_sources, merge_records
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search.lexical import SEARCH_INDEX, LexicalIndex
from paperkg.graph.snapshot.incremental import (
    PreviousBuild,
    combine,
    encode_clusters,
    read_previous,
)
from paperkg.graph.snapshot.lock import snapshot_lock
from paperkg.graph.snapshot.manifest import (
    Analytics,
    Counts,
    Knn,
    Manifest,
    Model,
    Settings,
    Update,
)
from paperkg.graph.snapshot.read import (
    CLUSTERS,
    EXTRACTION,
    RECORDS,
    Embeddings,
    read_cache,
    read_extraction,
    read_manifest,
)
from paperkg.graph.snapshot.records import StoredRecord, encode_records
from paperkg.graph.snapshot.store import check_replaceable, write_snapshot
from paperkg.graph.tags import TagStore, missing_tag_warnings
from paperkg.loaders import EntityRecord, InputFile, PaperRecord, RecordFilter, load_sources
from paperkg.loaders.listing_dates import FROM_FILE, check_year, saved_time, with_listing_year
from paperkg.memory import available_bytes, estimated_peak_bytes
from paperkg.progress import Progress, stage_progress

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULTS", "BuildOptions", "BuildReport", "build"]

T = TypeVar("T")

_VERSIONED = ("paperkg", "networkx", "numpy", "faiss-cpu", "sentence-transformers", "torch")


#: The one default of each setting a snapshot keeps, for a build that is not given it and
#: adds to no snapshot that has it (the CLI's options show these).
DEFAULTS = Settings(
    k=10,
    min_score=None,
    model=DEFAULT_MODEL,
    resolution=1.5,
    min_cluster_size=3,
    seed=42,
    gazetteers=(),
    external_refs=False,
    min_confidence=DEFAULT_MIN_CONFIDENCE,
)


@dataclass(frozen=True)
class BuildOptions:
    """What a build does besides reading sources.

    The settings a snapshot keeps (``k``, ``min_score``, ``model``, ``gazetteers``,
    ``resolution``, ``min_cluster_size``, ``seed``, ``external_refs``, ``min_confidence``)
    are None when not given: a build adding to a snapshot then keeps the snapshot's, else
    takes ``DEFAULTS``'. So ``min_score=None`` keeps a snapshot's threshold (``-1.0`` links
    all ``k``).
    """

    k: int | None = None
    min_score: float | None = None
    model: str | None = None
    format: str | None = None
    batch_size: int = 32
    device: str | None = None
    #: Embedding backend (``paperkg.graph.embed.embeddings.BACKENDS``): ``auto`` (OpenVINO on
    #: CPU at the precision the CPU runs best: bf16, int8 or f32), ``openvino``,
    #: ``openvino-f32``, ``openvino-bf16``, ``openvino-int8`` or ``torch``.
    backend: str = "auto"
    gazetteers: tuple[str, ...] | None = None
    resolution: float | None = None
    min_cluster_size: int | None = None
    seed: int | None = None
    html: bool = False
    keep: RecordFilter = field(default_factory=RecordFilter)
    #: Start from nothing instead of adding to the snapshot already at ``out``.
    fresh: bool = False
    #: Keep works outside the corpus that reference lists name as ``Paper {stub: true}``.
    external_refs: bool | None = None
    #: Refuse to build more papers than this (None: only the memory check applies).
    max_papers: int | None = None
    #: Keep the method and dataset links extraction is at least this sure of (0 to 1;
    #: ``DEFAULT_MIN_CONFIDENCE`` drops only undefined bare acronyms).
    min_confidence: float | None = None
    #: The year of listing dates printed without one ("Mar 17") when the paper has no
    #: arXiv id to tell it; None: the year of the file's modification date.
    year: int | None = None

    def __post_init__(self) -> None:
        _check_settings(self.k, self.min_score, self.resolution, self.min_cluster_size)
        if self.min_confidence is not None:
            check_min_confidence(self.min_confidence)
        check_year(self.year)
        if self.max_papers is not None and self.max_papers < 1:
            raise ParameterError(
                f"max_papers must be at least 1, got {self.max_papers}", param="max_papers"
            )
        if self.batch_size < 1:
            raise ParameterError(
                f"batch_size must be at least 1, got {self.batch_size}", param="batch_size"
            )

    def settings(self, kept: Settings = DEFAULTS) -> Settings:
        """The settings a build with these options uses: each one given, else ``kept``'s
        (the snapshot's it adds to, else ``DEFAULTS``)."""
        settings = Settings(
            k=_given(self.k, kept.k),
            min_score=_given(self.min_score, kept.min_score),
            model=_given(self.model, kept.model),
            resolution=_given(self.resolution, kept.resolution),
            min_cluster_size=_given(self.min_cluster_size, kept.min_cluster_size),
            seed=_given(self.seed, kept.seed),
            gazetteers=_given(self.gazetteers, kept.gazetteers),
            external_refs=_given(self.external_refs, kept.external_refs),
            min_confidence=_given(self.min_confidence, kept.min_confidence),
        )
        _check_settings(
            settings.k, settings.min_score, settings.resolution, settings.min_cluster_size
        )
        check_min_confidence(settings.min_confidence)
        return settings


def _given(value: T | None, kept: T) -> T:
    return kept if value is None else value


def _check_settings(
    k: int | None, min_score: float | None, resolution: float | None, min_cluster_size: int | None
) -> None:
    """Refuse a setting out of range (None: not given, nothing to check)."""
    if k is not None and k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    if min_score is not None and not -1.0 <= min_score <= 1.0:
        raise ParameterError(
            f"min_score must be a cosine between -1 and 1, got {min_score}", param="min_score"
        )
    if resolution is not None and resolution <= 0:
        raise ParameterError(f"resolution must be positive, got {resolution}", param="resolution")
    if min_cluster_size is not None and min_cluster_size < 1:
        raise ParameterError(
            f"min_cluster_size must be at least 1, got {min_cluster_size}",
            param="min_cluster_size",
        )


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts, cache use and seconds per stage; ``warnings`` are lines for
    the user about what it could not tidy (a previous folder kept aside, and where)."""

    out: str
    files: int
    records: int
    papers: int
    similar_to: int
    methods: int
    datasets: int
    repos: int
    cites: int
    clusters: int
    stubs: int
    added: int
    embedded: int
    reused: int
    model: str
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _site(
    graph: nx.MultiDiGraph[str],
    out: Path,
    manifest: Manifest | None,
    seed: int,
    seconds: dict[str, float],
    timeline: Timeline | None = None,
) -> list[str]:
    """With the new snapshot's ``manifest`` (``--html``), the linked site into ``out/site``
    (written once the snapshot is in place, replacing the previous site whole, with its
    ``timeline`` page); without, a warning when an earlier site is there, since it no
    longer shows this snapshot."""
    from paperkg.viz import SITE_FOLDER, write_site

    folder = out / SITE_FOLDER
    if manifest is None:
        if (folder / "index.html").is_file():
            return [
                f"{folder} is the site of an earlier build: build with --html, or run "
                f"paperkg site --out {out} -o {folder}, to bring it up to date"
            ]
        return []
    started = time.perf_counter()
    try:
        tags = list(TagStore(out).read().values())
    except TagsError:
        tags = []  # the build warns about the file (missing_tag_warnings); the site goes on
    write_site(graph, folder, seed=seed, manifest=manifest, timeline=timeline, tags=tags)
    seconds["site"] = time.perf_counter() - started
    return []


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def build(
    sources: list[str | Path],
    out: str | Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
) -> BuildReport:
    """Build ``sources`` into the snapshot at ``out``, adding to what it already holds.

    The records of an existing snapshot are kept (those of inputs read again are replaced),
    only texts new to ``out`` are embedded, and kNN, extraction and analytics run on the
    whole; cluster ids follow the previous ones, and settings not given in ``options`` are
    the snapshot's (see ``BuildOptions``). ``options.fresh`` starts from nothing. ``embedder``
    reuses an already loaded model (its name then overrides the model setting).

    Every input is read and checked before anything is written, and the snapshot is swapped
    into place whole, so any error leaves a previous snapshot at ``out`` untouched. One
    build at a time may write ``out``: another fails at once (``SnapshotError``).
    """
    with snapshot_lock(out) as tidied:
        report = _build(sources, Path(out), options or BuildOptions(), progress, embedder)
    return replace(report, warnings=[*tidied, *report.warnings])


def _build(
    sources: list[str | Path],
    out: Path,
    options: BuildOptions,
    progress: Progress | None,
    embedder: Embedder | None,
) -> BuildReport:
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    check_replaceable(
        out,
        writes=(
            RECORDS,
            CLUSTERS,
            TIMELINE,
            EXTRACTION,
            *(("overview.html",) if options.html else ()),
        ),
    )
    if options.html:
        from paperkg.viz import SITE_FOLDER, check_site_folder

        check_site_folder(out / SITE_FOLDER)
    previous = None if options.fresh else read_previous(out, (PaperRecord, EntityRecord))
    settings = options.settings(previous.manifest.settings(DEFAULTS) if previous else DEFAULTS)
    model = embedder.name if embedder is not None else settings.model
    gazetteer = load_gazetteer(settings.gazetteers)
    loaded = load_sources(
        sources,
        fmt=options.format,
        progress=stage_progress(progress, "parse"),
        keep=options.keep,
        year=options.year,
    )
    stored, inputs = combine(previous, [*loaded.records, *loaded.entities], loaded.files)
    stored, upgraded = _dated(stored, options.year)
    records = [s.record for s in stored if isinstance(s.record, PaperRecord)]
    catalogue = [s.record for s in stored if isinstance(s.record, EntityRecord)]
    papers = merge_records(records)
    if not papers:
        raise InputError(
            "no papers to build: the inputs only describe papers held elsewhere (Papers with "
            "Code links or catalogues); give the papers' own source too"
        )
    _check_size(len(papers), options.max_papers)
    seconds["parse"] = time.perf_counter() - started

    started = time.perf_counter()
    cached = read_extraction(out)
    extraction = extract_corpus(
        papers,
        gazetteer,
        progress=stage_progress(progress, "extract"),
        catalogue=catalogue,
        min_confidence=settings.min_confidence,
        cache=decode_cache(cached, cache_version(gazetteer)) if cached else None,
    )
    seconds["extract"] = time.perf_counter() - started

    def load() -> Embedder:
        started = time.perf_counter()
        loaded = embedder or Embedder(
            model, device=options.device, batch_size=options.batch_size, backend=options.backend
        )
        used.update(backend=loaded.backend, precision=loaded.precision)
        seconds["model"] = time.perf_counter() - started
        return loaded

    started = time.perf_counter()
    seconds["model"] = 0.0
    used: dict[str, str] = {}
    vectors_from = _cached_model(out, model)
    embedded = embed_texts(
        [paper.text for paper in papers],
        cache=read_cache(out, model),
        load=load,
        progress=stage_progress(progress, "embed"),
    )
    seconds["embed"] = time.perf_counter() - started - seconds["model"]

    started = time.perf_counter()
    index, choice = build_knn_index(embedded.vectors, seed=settings.seed)
    neighbours = knn_edges(index, embedded.vectors, settings.k, settings.min_score)
    graph = paper_graph(papers, neighbours)
    add_extraction(graph, extraction)
    stubs: list[ExternalWork] = []
    if settings.external_refs:
        stubs, outside = external_citations(papers)
        add_external_works(graph, stubs, outside)
    seconds["index"] = time.perf_counter() - started

    started = time.perf_counter()
    record = analyse(
        graph,
        AnalyticsOptions(settings.resolution, settings.min_cluster_size, settings.seed),
        previous=previous.clusters if previous is not None else None,
        next_id=_next_id(previous),
        embeddings=([p.id for p in papers], embedded.vectors),
        previous_topics=previous.topics if previous is not None else None,
    )
    analytics = Analytics.from_json(record, "analytics")
    seconds["analyse"] = time.perf_counter() - started

    started = time.perf_counter()
    timeline = analyse_time(graph)
    seconds["time"] = time.perf_counter() - started

    started = time.perf_counter()
    backend, precision = _backend(vectors_from, used, embedded.reused)
    manifest = Manifest(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        model=Model(model, embedded.dimension, backend, precision),
        knn=Knn(
            k=settings.k,
            min_score=settings.min_score,
            index=choice.index,
            metric="cosine",
            nlist=choice.nlist,
            nprobe=choice.nprobe,
            recall_at_10=choice.recall_at_10,
            sample=choice.sample,
        ),
        inputs=tuple(inputs),
        counts=Counts(
            nodes=count_labels(graph),
            relationships=count_types(graph),
            records=len(records),
            stubs=len(stubs),
        ),
        versions=_versions(),
        gazetteers=settings.gazetteers,
        external_refs=settings.external_refs,
        min_confidence=settings.min_confidence,
        analytics=analytics,
        updates=_updates(previous, loaded.files, len(papers), embedded.computed, analytics),
        dates=date_sources(papers, records),
    )
    extra: dict[str, str | bytes] = {
        RECORDS: encode_records(stored),
        SEARCH_INDEX: LexicalIndex.build((p.id, p.title, p.abstract) for p in papers).to_bytes(),
        CLUSTERS: encode_clusters(
            {p.id: graph.nodes[p.id]["cluster"] for p in papers},
            {p.id: graph.nodes[p.id]["topic"] for p in papers},
        ),
        TIMELINE: timeline.to_json(),
    }
    if extraction.cache is not None:
        extra[EXTRACTION] = encode_cache(extraction.cache)
    if options.html:
        from paperkg.viz import overview, render_html

        extra["overview.html"] = render_html(overview(graph), seed=settings.seed)
    warnings = write_snapshot(
        out,
        graph=graph,
        embeddings=Embeddings([p.id for p in papers], embedded.hashes, embedded.vectors),
        index=index,
        manifest=manifest,
        extra_files=extra,
    )
    seconds["write"] = time.perf_counter() - started
    warnings += _site(
        graph, out, manifest if options.html else None, settings.seed, seconds, timeline
    )
    warnings += _guessed_years([*loaded.records, *upgraded])
    warnings += _future_dated(graph)
    warnings += missing_tag_warnings(graph, out)

    return BuildReport(
        out=str(out),
        files=len(inputs),
        records=len(records),
        papers=len(papers),
        similar_to=len(neighbours),
        methods=manifest.counts.nodes.get(Label.METHOD, 0),
        datasets=manifest.counts.nodes.get(Label.DATASET, 0),
        repos=manifest.counts.nodes.get(Label.REPO, 0),
        cites=manifest.counts.relationships.get(RelType.CITES, 0),
        clusters=analytics.clusters or 0,
        stubs=len(stubs),
        added=len(papers) - _papers_in(previous),
        embedded=embedded.computed,
        reused=embedded.reused,
        model=model,
        seconds={name: round(value, 3) for name, value in seconds.items()},
        warnings=warnings,
    )


def _dated(
    stored: list[StoredRecord], year: int | None
) -> tuple[list[StoredRecord], list[PaperRecord]]:
    """Records kept from a snapshot built before listing dates were completed get their
    year now, by the rule new inputs follow (``loaders.listing_dates``); also returns
    those it dated, for the build's warning."""
    kept: list[StoredRecord] = []
    dated: list[PaperRecord] = []
    for item in stored:
        record = item.record
        if isinstance(record, PaperRecord) and record.listed and record.listed_on is None:
            record = with_listing_year(record, year, saved_time(item.input))
            if record.listed_on is not None:
                dated.append(record)
                item = replace(item, record=record)
        kept.append(item)
    return kept, dated


def _guessed_years(records: list[PaperRecord]) -> list[str]:
    """A warning when listing dates of the inputs just read took the file's year."""
    guessed = sorted(
        {(r.path, r.listed, r.listed_on) for r in records if r.date_note == FROM_FILE}, key=str
    )
    if not guessed:
        return []
    path, listed, day = guessed[0]
    files = len({item[0] for item in guessed})
    where = f"{files} files" if files > 1 else "1 file"
    return [
        f"listing dates without a year in {where} (first: {path}, {listed!r} -> {day}) took "
        "the year of the file's date; give --year if that is wrong (a paper's arXiv id, "
        "when it has one, decides instead)"
    ]


def _future_dated(graph: nx.MultiDiGraph[str]) -> list[str]:
    """A warning naming papers dated after today, which time analytics leave out."""
    future = future_papers(graph)
    if not future:
        return []
    first = graph.nodes[future[0]]
    return [
        f"{len(future)} papers are dated after today (first: {first['title'][:60]!r}, "
        f"{first.get('published')}); trends, bursts and timelines leave them out: check "
        "--year or the source's dates"
    ]


def _papers_in(previous: PreviousBuild | None) -> int:
    return previous.manifest.counts.papers if previous is not None else 0


def _next_id(previous: PreviousBuild | None) -> int | None:
    """The first cluster id the previous build never used (None: no previous analytics)."""
    analytics = previous.manifest.analytics if previous is not None else None
    return analytics.next_id if analytics is not None else None


#: How many past updates the manifest remembers.
_HISTORY = 100


def _updates(
    previous: PreviousBuild | None,
    files: list[InputFile],
    papers: int,
    embedded: int,
    analytics: Analytics,
) -> tuple[Update, ...]:
    """The manifest's update history: one entry per build, newest last."""
    history = list(previous.manifest.updates or ()) if previous is not None else []
    history.append(
        Update(
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            inputs=tuple(file.path for file in files),
            papers_before=_papers_in(previous),
            papers_after=papers,
            embedded=embedded,
            clusters=analytics.clusters,
            cluster_changes=analytics.changes,
        )
    )
    return tuple(history[-_HISTORY:])


def _backend(old: Model | None, used: dict[str, str], reused: int) -> tuple[str | None, str | None]:
    """Backend and precision of the snapshot's vectors: this build's for what it embedded,
    joined with those of the vectors it kept (``old``: the cached snapshot's model record)
    when it kept any (``bf16+f32``: an update on another CPU, or with another
    ``--backend``); ``unknown`` stands for a snapshot too old to say."""
    if not reused or old is None:
        return (used["backend"], used["precision"]) if used else (None, None)
    if not used:
        return old.backend, old.precision
    return (
        _joined(old.backend or "unknown", used["backend"]),
        _joined(old.precision or "unknown", used["precision"]),
    )


def _joined(*values: str) -> str:
    """Distinct parts of ``+``-joined values, sorted and joined again."""
    return "+".join(sorted({part for value in values for part in value.split("+")}))


def _cached_model(out: Path, model: str) -> Model | None:
    """The model record of the snapshot at ``out`` when it used ``model``: what computed
    the vectors the build may reuse (``read_cache``), ``--fresh`` or not."""
    try:
        found = read_manifest(out, files=False).model
    except SnapshotError:
        return None
    return found if found.name == model else None


def _check_size(papers: int, max_papers: int | None) -> None:
    """Refuse before embedding what exceeds ``--max-papers`` or the machine's memory."""
    narrow = "narrow the sources with --category/--since/--until"
    if max_papers is not None and papers > max_papers:
        raise InputError(
            f"the sources hold {papers:,} papers, more than --max-papers {max_papers:,}; "
            f"{narrow} or raise --max-papers"
        )
    needed, available = estimated_peak_bytes(papers), available_bytes()
    if available is not None and needed > available:
        raise InputError(
            f"{papers:,} papers need about {needed / 2**30:.1f} GiB of memory and "
            f"{available / 2**30:.1f} GiB is available; {narrow}, or build on a larger machine"
        )
