"""The snapshot manifest as typed records: what a snapshot holds and how it was built.

``manifest.json`` is read with :meth:`Manifest.from_json`, which checks every field a reader
uses and names the first one that is wrong (``knn.nprobe must be a whole number, got 'x'``),
and written with :meth:`Manifest.to_json`, which gives back the same keys and values: a
field an older paperkg did not write stays unwritten, one written as null stays null.
Format 1 (paperkg 0.1) lacks the fields later builds added; they read as None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, TypeVar

from paperkg.errors import SnapshotError
from paperkg.graph.schema import Label

if TYPE_CHECKING:
    from paperkg.graph.analytics.cluster_changes import ClusterChange

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "Analytics",
    "ClusterChanges",
    "Counts",
    "Dates",
    "FileEntry",
    "InferredDate",
    "InputEntry",
    "Knn",
    "Manifest",
    "ManifestError",
    "Model",
    "NewerManifest",
    "NotAManifest",
    "Settings",
    "Update",
    "is_file_name",
]

FORMAT = "paperkg-snapshot"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"

T = TypeVar("T")
#: Reads one JSON value found at ``where`` (``knn.nprobe``) as a ``T``, or raises ManifestError.
_Read = Callable[[object, str], T]


class ManifestError(SnapshotError):
    """A manifest paperkg cannot use. The message names the field and what is wrong with it
    (``knn.k must be a whole number, got True``); the store adds the file and what to do."""


class NotAManifest(ManifestError):
    """JSON that does not declare itself a paperkg snapshot manifest."""


class NewerManifest(ManifestError):
    """A manifest of a snapshot format newer than this paperkg reads."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(
            f"snapshot format {version}, newer than this paperkg reads ({FORMAT_VERSION})"
        )


# Reading JSON values: each reader checks one value and returns it typed.


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _wrong(where: str, what: str, value: object) -> ManifestError:
    return ManifestError(f"{where} must be {what}, got {_shown(value)}")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong(where, "text", value)
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong(where, "true or false", value)
    return value


def _number(value: object, where: str) -> float:
    """An int or a float, kept as it was written (``1`` stays ``1``)."""
    if _is_int(value) or isinstance(value, float):
        return value
    raise _wrong(where, "a number", value)


def _finite(value: object, where: str) -> float:
    if _is_int(value) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise _wrong(where, "a number", value)


def _confidence(value: object, where: str) -> float:
    if (_is_int(value) or isinstance(value, float)) and 0.0 <= value <= 1.0:
        return value
    raise _wrong(where, "a number between 0 and 1", value)


def _sha256(value: object, where: str) -> str:
    if isinstance(value, str) and len(value) == 64 and set(value) <= set("0123456789abcdef"):
        return value
    raise _wrong(where, "a SHA-256 hex digest", value)


def _whole(minimum: int | None = None) -> _Read[int]:
    def read(value: object, where: str) -> int:
        if not _is_int(value):
            raise _wrong(where, "a whole number", value)
        if minimum is not None and value < minimum:
            raise ManifestError(f"{where} must be {minimum} or more, got {value}")
        return value

    return read


_count = _whole(0)


def _nullable(read: _Read[T]) -> _Read[T | None]:
    """``read``, or null."""

    def nullable(value: object, where: str) -> T | None:
        return None if value is None else read(value, where)

    return nullable


def _list_of(read: _Read[T]) -> _Read[tuple[T, ...]]:
    def read_list(value: object, where: str) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise _wrong(where, "a list", value)
        return tuple(read(item, f"{where}[{i}]") for i, item in enumerate(value))

    return read_list


def _map_of(read: _Read[T], key: Callable[[str], bool] = lambda _k: True) -> _Read[dict[str, T]]:
    """An object whose keys are names (``key`` says which are allowed) and values ``read``."""

    def read_map(value: object, where: str) -> dict[str, T]:
        if not isinstance(value, dict):
            raise _wrong(where, "an object", value)
        found: dict[str, T] = {}
        for name, item in value.items():
            inner = f'{where}["{name}"]'
            if not key(name):
                raise ManifestError(f"{inner} is not a file name inside the snapshot folder")
            found[name] = read(item, inner)
        return found

    return read_map


def _field(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


class _Object:
    """One JSON object being read into a record, field by field; ``closed``: the only
    fields allowed. Which optional fields are absent is kept (see ``_Record.unsaid``)."""

    def __init__(
        self,
        value: object,
        where: str,
        required: tuple[str, ...] = (),
        closed: frozenset[str] | None = None,
    ) -> None:
        if not isinstance(value, dict):
            raise _wrong(where or "the manifest", "an object", value)
        for name in required:
            if name not in value:
                raise ManifestError(f"{_field(where, name)} is missing")
        for name in value:
            if closed is not None and name not in closed:
                raise ManifestError(f"{_field(where, name)} is not a field paperkg knows")
        self.value: dict[str, object] = value
        self.where = where
        self.absent: set[str] = set()

    def need(self, name: str, read: _Read[T]) -> T:
        """A required field (checked present when the object was opened)."""
        return read(self.value[name], _field(self.where, name))

    def may(self, name: str, read: _Read[T]) -> T | None:
        """An optional field; None when absent."""
        if name not in self.value:
            self.absent.add(name)
            return None
        return read(self.value[name], _field(self.where, name))

    @property
    def unsaid(self) -> frozenset[str]:
        return frozenset(self.absent)


# The records.


def _plain(value: object) -> object:
    """``value`` as JSON data: records as objects, tuples as lists."""
    if isinstance(value, _Record):
        return value.to_json()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(name): _plain(item) for name, item in value.items()}
    return value


@dataclass(frozen=True)
class _Record:
    """A manifest object. A field that is None is left out of the JSON, except those of
    ``_NULLS``, which builds write as null, unless the file read did not have them
    (``unsaid``): an older manifest rewritten keeps its keys."""

    _NULLS: ClassVar[frozenset[str]] = frozenset()

    unsaid: frozenset[str] = field(default=frozenset(), kw_only=True, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The object as ``manifest.json`` holds it."""
        found: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "unsaid":
                continue
            if value is None and (item.name not in self._NULLS or item.name in self.unsaid):
                continue
            found[item.name] = _plain(value)
        return found


@dataclass(frozen=True)
class FileEntry(_Record):
    """A file of the snapshot folder: its SHA-256 and size, checked by every reader."""

    sha256: str
    bytes: int

    @classmethod
    def from_json(cls, value: object, where: str) -> FileEntry:
        found = _Object(value, where, ("sha256", "bytes"))
        return cls(found.need("sha256", _sha256), found.need("bytes", _count))


@dataclass(frozen=True)
class Model(_Record):
    """The embedding model, and the backend and precision that ran it (older: None)."""

    name: str
    dimension: int
    backend: str | None = None
    precision: str | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> Model:
        found = _Object(value, where, ("name", "dimension"))
        return cls(
            name=found.need("name", _text),
            dimension=found.need("dimension", _whole(1)),
            backend=found.may("backend", _text),
            precision=found.may("precision", _text),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Knn(_Record):
    """The SIMILAR_TO edges: ``k`` and ``min_score`` as asked, and the FAISS index chosen
    (``index``, its ``nlist``/``nprobe``, the recall measured on a ``sample``)."""

    _NULLS = frozenset({"min_score"})

    k: int
    min_score: float | None = None
    index: str | None = None
    metric: str | None = None
    nlist: int | None = None
    nprobe: int | None = None
    recall_at_10: float | None = None
    sample: int | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> Knn:
        found = _Object(value, where, ("k",))
        return cls(
            k=found.need("k", _count),
            min_score=found.may("min_score", _nullable(_finite)),
            index=found.may("index", _text),
            metric=found.may("metric", _text),
            nlist=found.may("nlist", _nullable(_whole(1))),
            nprobe=found.may("nprobe", _nullable(_whole(1))),
            recall_at_10=found.may("recall_at_10", _nullable(_number)),
            sample=found.may("sample", _nullable(_count)),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Counts(_Record):
    """Nodes by label, relationships by type, records read and outside works (stubs)."""

    nodes: Mapping[str, int]
    relationships: Mapping[str, int]
    records: int | None = None
    stubs: int | None = None

    @property
    def papers(self) -> int:
        """Papers of the corpus: Paper nodes less the stubs."""
        return self.nodes.get(Label.PAPER, 0) - (self.stubs or 0)

    @classmethod
    def from_json(cls, value: object, where: str) -> Counts:
        found = _Object(value, where, ("nodes", "relationships"))
        return cls(
            nodes=found.need("nodes", _map_of(_count)),
            relationships=found.need("relationships", _map_of(_count)),
            records=found.may("records", _count),
            stubs=found.may("stubs", _count),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class InputEntry(_Record):
    """An input file of the snapshot: as given (``path``), its absolute form (``resolved``),
    its format, content hash and counts of paper records and catalogue entries."""

    path: str
    format: str | None = None
    sha256: str | None = None
    records: int | None = None
    entities: int | None = None
    resolved: str | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> InputEntry:
        found = _Object(value, where, ("path",))
        return cls(
            path=found.need("path", _text),
            format=found.may("format", _text),
            sha256=found.may("sha256", _text),
            records=found.may("records", _count),
            entities=found.may("entities", _count),
            resolved=found.may("resolved", _text),
            unsaid=found.unsaid,
        )


_EVENT_FIELDS = frozenset(
    {"kind", "cluster", "before", "after", "joined", "left", "related", "level"}
)


def _event(value: object, where: str) -> ClusterChange:
    # Imported here, not at the top: the analytics package imports the graph model, whose
    # imports lead back to the snapshot store.
    from paperkg.graph.analytics.cluster_changes import ClusterChange

    found = _Object(value, where, ("kind", "cluster"), closed=_EVENT_FIELDS)
    return ClusterChange(
        kind=found.need("kind", _text),
        cluster=found.need("cluster", _whole()),
        before=found.may("before", _count) or 0,
        after=found.may("after", _count) or 0,
        joined=found.may("joined", _count) or 0,
        left=found.may("left", _count) or 0,
        related=list(found.may("related", _list_of(_whole())) or ()),
        level=found.may("level", _whole()) or 2,
    )


@dataclass(frozen=True)
class ClusterChanges(_Record):
    """What an update did to the clusters: its events, and how many clusters it left as
    they were."""

    events: tuple[ClusterChange, ...]
    unchanged: int | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> ClusterChanges:
        found = _Object(value, where, ("events",))
        return cls(
            events=found.need("events", _list_of(_event)),
            unchanged=found.may("unchanged", _count),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Analytics(_Record):
    """Clustering and centrality: the settings (``resolution`` of the clusters,
    ``topic_resolution`` of the broad topics, ``seed``, ``min_cluster_size``), the graph
    clustered, what came out, the next never-used cluster id, and the changes since the
    previous build (None after a build from nothing)."""

    _NULLS = frozenset({"next_id", "modularity", "changes"})

    resolution: float | None = None
    seed: int | None = None
    min_cluster_size: int | None = None
    topic_resolution: float | None = None
    graph: str | None = None
    clusters: int | None = None
    topics: int | None = None
    unclustered: int | None = None
    next_id: int | None = None
    modularity: float | None = None
    algorithm: str | None = None
    betweenness: str | None = None
    changes: ClusterChanges | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> Analytics:
        found = _Object(value, where)
        return cls(
            resolution=found.may("resolution", _number),
            seed=found.may("seed", _whole()),
            min_cluster_size=found.may("min_cluster_size", _count),
            topic_resolution=found.may("topic_resolution", _number),
            graph=found.may("graph", _text),
            clusters=found.may("clusters", _count),
            topics=found.may("topics", _count),
            unclustered=found.may("unclustered", _count),
            next_id=found.may("next_id", _nullable(_whole())),
            modularity=found.may("modularity", _nullable(_number)),
            algorithm=found.may("algorithm", _text),
            betweenness=found.may("betweenness", _text),
            changes=found.may("changes", _nullable(ClusterChanges.from_json)),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Update(_Record):
    """One build of the snapshot's history: when, which inputs it read, papers before and
    after, texts embedded, clusters, and what changed in them."""

    _NULLS = frozenset({"cluster_changes"})

    created: str | None = None
    inputs: tuple[str, ...] | None = None
    papers_before: int | None = None
    papers_after: int | None = None
    embedded: int | None = None
    clusters: int | None = None
    cluster_changes: ClusterChanges | None = None

    @classmethod
    def from_json(cls, value: object, where: str) -> Update:
        found = _Object(value, where)
        return cls(
            created=found.may("created", _text),
            inputs=found.may("inputs", _list_of(_text)),
            papers_before=found.may("papers_before", _count),
            papers_after=found.may("papers_after", _count),
            embedded=found.may("embedded", _count),
            clusters=found.may("clusters", _count),
            cluster_changes=found.may("cluster_changes", _nullable(ClusterChanges.from_json)),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class InferredDate(_Record):
    """Listing dates a build completed: the page (``input``, ``listed`` as printed), the
    date taken, how its year was found (``loaders.listing_dates``), and for how many
    papers."""

    input: str
    listed: str
    date: str
    how: str
    papers: int

    @classmethod
    def from_json(cls, value: object, where: str) -> InferredDate:
        found = _Object(value, where, ("input", "listed", "date", "how", "papers"))
        return cls(
            input=found.need("input", _text),
            listed=found.need("listed", _text),
            date=found.need("date", _text),
            how=found.need("how", _text),
            papers=found.need("papers", _count),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Dates(_Record):
    """Where the papers' dates come from: papers per ``date_basis`` (``undated`` for none)
    and every listing date whose year was inferred."""

    basis: Mapping[str, int] = field(default_factory=dict)
    inferred: tuple[InferredDate, ...] = ()

    @classmethod
    def from_json(cls, value: object, where: str) -> Dates:
        found = _Object(value, where, ("basis",))
        return cls(
            basis=found.need("basis", _map_of(_count)),
            inferred=found.may("inferred", _list_of(InferredDate.from_json)) or (),
            unsaid=found.unsaid,
        )


@dataclass(frozen=True)
class Settings:
    """The settings a snapshot is built with; a build adding to it keeps them unless it is
    given others (``paperkg.BuildOptions``)."""

    k: int
    min_score: float | None
    model: str
    resolution: float
    min_cluster_size: int
    seed: int
    gazetteers: tuple[str, ...]
    external_refs: bool
    min_confidence: float


def is_file_name(name: str) -> bool:
    """A name for a file directly inside the snapshot folder (no path, not the manifest)."""
    return name not in ("", ".", "..", MANIFEST) and not any(c in name for c in "/\\\0")


@dataclass(frozen=True)
class Manifest(_Record):
    """``manifest.json``: the model, kNN settings, inputs, counts and files of a snapshot,
    with its analytics and update history (format 2), versions of what built it, and the
    SHA-256 of the manifest of the snapshot it replaced (``supersedes``; None: none)."""

    _NULLS = frozenset({"supersedes"})

    model: Model
    knn: Knn
    counts: Counts
    inputs: tuple[InputEntry, ...]
    #: Filled in by the store when the snapshot is written.
    files: Mapping[str, FileEntry] = field(default_factory=dict)
    created: str | None = None
    versions: Mapping[str, str] | None = None
    gazetteers: tuple[str, ...] | None = None
    external_refs: bool | None = None
    #: The confidence below which the build dropped method and dataset links (older: None).
    min_confidence: float | None = None
    analytics: Analytics | None = None
    updates: tuple[Update, ...] | None = None
    #: Where the papers' dates come from (older snapshots: None).
    dates: Dates | None = None
    supersedes: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def tells_supersedes(self) -> bool:
        """Whether the manifest says which snapshot it replaced (older ones do not)."""
        return self.supersedes is not None or "supersedes" not in self.unsaid

    def settings(self, defaults: Settings) -> Settings:
        """The build settings this snapshot records; ``defaults``' where it records none."""
        analytics = self.analytics or Analytics()
        return Settings(
            k=self.knn.k,
            min_score=self.knn.min_score,
            model=self.model.name,
            resolution=_first(analytics.resolution, defaults.resolution),
            min_cluster_size=_first(analytics.min_cluster_size, defaults.min_cluster_size),
            seed=_first(analytics.seed, defaults.seed),
            gazetteers=_first(self.gazetteers, defaults.gazetteers),
            external_refs=_first(self.external_refs, defaults.external_refs),
            min_confidence=_first(self.min_confidence, defaults.min_confidence),
        )

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **super().to_json()}

    @classmethod
    def from_json(cls, value: object) -> Manifest:
        """The manifest of parsed ``manifest.json`` data, checked field by field.

        Raises ``NotAManifest`` for JSON that is not one, ``NewerManifest`` for a format
        newer than this paperkg reads, and ``ManifestError`` naming the first field a
        reader could not use."""
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise NotAManifest("is not a paperkg manifest")
        version = value.get("format_version")
        if not _is_int(version) or version < 1:
            raise ManifestError(f"format_version must be a whole number, got {version!r}")
        if version > FORMAT_VERSION:
            raise NewerManifest(version)
        found = _Object(value, "", ("files", "model", "knn", "counts", "inputs"))
        return cls(
            format_version=version,
            files=found.need("files", _map_of(FileEntry.from_json, key=is_file_name)),
            model=found.need("model", Model.from_json),
            knn=found.need("knn", Knn.from_json),
            counts=found.need("counts", Counts.from_json),
            inputs=found.need("inputs", _list_of(InputEntry.from_json)),
            created=found.may("created", _text),
            versions=found.may("versions", _map_of(_text)),
            gazetteers=found.may("gazetteers", _list_of(_text)),
            external_refs=found.may("external_refs", _flag),
            min_confidence=found.may("min_confidence", _confidence),
            supersedes=found.may("supersedes", _nullable(_sha256)),
            analytics=found.may("analytics", Analytics.from_json),
            updates=found.may("updates", _list_of(Update.from_json)),
            dates=found.may("dates", Dates.from_json),
            unsaid=found.unsaid,
        )


def _first(value: T | None, default: T) -> T:
    return default if value is None else value
