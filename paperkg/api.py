"""The Python API's snapshot: one built graph opened once and asked many questions.

:func:`open_snapshot` reads a snapshot folder (manifest, graph and embeddings of one build,
checked against their checksums) into a :class:`Snapshot`. Its methods return what the
``paperkg`` commands print, computed by the same library functions; the FAISS index and
the embedding model are loaded on first use and kept, so repeated searches load neither
again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, overload

import networkx as nx

from paperkg.errors import ModelError, ParameterError
from paperkg.graph.analytics.cluster_changes import UpdateReport, latest_update
from paperkg.graph.analytics.timeline import Timeline, read_timeline
from paperkg.graph.embed.embeddings import Embedder
from paperkg.graph.embed.search import SimilarHit, similar
from paperkg.graph.export.files import FileExport, export_gexf, export_graphml
from paperkg.graph.export.vosviewer import export_vosviewer
from paperkg.graph.extract.confidence import check_min_confidence
from paperkg.graph.neo4j.admin_csv import CsvExport, export_neo4j_csv
from paperkg.graph.neo4j.store import (
    Neo4jSettings,
    PushReport,
    check_batch_size,
    connect,
    push_snapshot,
)
from paperkg.graph.neo4j.tags import PushedTag, ranked_tags
from paperkg.graph.recommend import Recommendations, recommend
from paperkg.graph.report.around import AroundReport, around
from paperkg.graph.report.connect import ConnectReport
from paperkg.graph.report.connect import connect as paths_between
from paperkg.graph.report.digest import Digest, Ranked, TagRanking, digest, digest_window
from paperkg.graph.report.lookup import (
    EntityRow,
    PaperProfile,
    entity_rows,
    paper_profile,
)
from paperkg.graph.report.stats import snapshot_stats
from paperkg.graph.report.topics import BridgeReport, ClusterRow, bridge_report, cluster_rows
from paperkg.graph.report.trends import TrendsReport, timeline_of, trends
from paperkg.graph.search import (
    HybridSearch,
    PaperResolver,
    QueryReading,
    Resolution,
    SearchFilters,
    SearchResult,
    lexical_index,
)
from paperkg.graph.search.filters import as_date
from paperkg.graph.snapshot.manifest import Manifest
from paperkg.graph.snapshot.read import StoredSnapshot, read_index, read_snapshot
from paperkg.graph.tags import (
    Tag,
    TagChange,
    TagListing,
    TagStore,
    check_tag_name,
    tag_listing,
    unknown_tag,
)
from paperkg.viz import (
    SiteReport,
    bridges_view,
    cluster_view,
    overview,
    paper_view,
    render_html,
    write_site,
)
from paperkg.viz.around_view import around_sections, around_view, connect_view
from paperkg.viz.digest import DigestFile, digest_format, write_digest
from paperkg.viz.site import SITE_FOLDER
from paperkg.viz.views import mark_tagged

if TYPE_CHECKING:
    import faiss
    import neo4j

__all__ = ["ENTITY_KINDS", "EXPORT_FORMATS", "VIEWS", "Snapshot", "open_snapshot"]

#: What ``Snapshot.entities(kind)`` can list (None: all three).
ENTITY_KINDS = ("method", "dataset", "repo")
#: The pages ``Snapshot.view`` draws, with the options each one takes.
VIEWS: dict[str, frozenset[str]] = {
    "overview": frozenset({"node_budget", "min_score"}),
    "cluster": frozenset({"min_confidence"}),
    "paper": frozenset({"depth", "node_budget", "min_confidence"}),
    "bridges": frozenset({"top", "min_confidence"}),
    "around": frozenset({"size"}),
    "connect": frozenset({"k"}),
}
#: What ``Snapshot.export`` writes.
EXPORT_FORMATS = ("graphml", "gexf", "vosviewer", "neo4j-csv")

ViewKind = Literal["overview", "cluster", "paper", "bridges", "around", "connect"]
Progress = Callable[[str, int, int], None]


def open_snapshot(out: str | Path, *, embedder: Embedder | None = None) -> Snapshot:
    """The snapshot in the folder ``out``, read and checked whole.

    ``embedder`` is a model already loaded (it must be the one the snapshot was built
    with); without it, the snapshot's model is loaded the first time a text is searched.
    """
    return Snapshot(read_snapshot(out), embedder=embedder)


class Snapshot:
    """A built snapshot held in memory: the graph, the embeddings and, once needed, the
    FAISS index and the embedding model. Open one with :func:`open_snapshot`.

    It is the build that was in the folder when it was opened; a later build into the
    same folder is seen by opening it again.
    """

    def __init__(self, stored: StoredSnapshot, *, embedder: Embedder | None = None) -> None:
        self._stored = stored
        self._embedder = embedder
        self._index: faiss.Index | None = None
        self._resolver: PaperResolver | None = None
        self._search: HybridSearch | None = None
        self._time_record: tuple[Timeline | None] | None = None
        self._time_graph: tuple[Timeline, nx.MultiDiGraph[str], bool] | None = None

    def __repr__(self) -> str:
        return f"<paperkg.Snapshot {str(self.path)!r}>"

    @property
    def path(self) -> Path:
        """The snapshot folder."""
        return self._stored.path

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The knowledge graph: papers, methods, datasets, repos, clusters and their edges."""
        return self._stored.graph

    @property
    def manifest(self) -> Manifest:
        """How the snapshot was built: settings, model, kNN, analytics, counts, updates."""
        return self._stored.manifest

    def stats(self) -> dict[str, Any]:
        """Counts of papers, nodes, edges and inputs, and the model (``paperkg stats``)."""
        return snapshot_stats(self._stored.manifest)

    def similar(self, query: str, k: int = 10, *, text: bool = False) -> list[SimilarHit]:
        """The ``k`` papers closest to ``query``, best first (``paperkg similar``). A query
        naming a paper (see :meth:`read_query`) searches with that paper's vector (score:
        the cosine); any other text, or any text with ``text``, is ranked by the hybrid
        search of :meth:`search` (score: the fused score, 0 to 1)."""
        reading = self.read_query(query, text=text)
        if isinstance(reading, Resolution):
            return similar(
                self._stored,
                reading.id,
                k,
                self._model,
                index=self._faiss_index(),
                resolver=self._paper_resolver(),
            )
        hits = self._hybrid().rank_text(reading.text, k)
        return [SimilarHit(hit.id, hit.title, hit.score) for hit in hits]

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        text: bool = False,
        cluster: int | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        has_code: bool = False,
        method: str | None = None,
        dataset: str | None = None,
    ) -> SearchResult:
        """The ``k`` papers that best match ``query`` (``paperkg search``): BM25 over titles
        and abstracts fused with the embedding ranking, titles holding the query first. A
        query naming a paper (see :meth:`read_query`) gives the papers nearest to it
        instead, unless ``text``. Only papers in ``cluster`` (a cluster or topic id),
        dated within ``since``/``until`` (``YYYY-MM-DD``), with code, or linked to
        ``method``/``dataset`` (a name or alias, any case) are returned. The result says
        how the query was read (``interpretation``)."""
        filters = SearchFilters(cluster, since, until, has_code, method, dataset)
        return self._hybrid().search(query, k, filters=filters, text=text)

    def read_query(self, query: str, *, text: bool = False) -> QueryReading:
        """How ``similar`` and ``search`` read ``query``: a :class:`Resolution` when it
        names a paper unmistakably (its id, arXiv id or URL, DOI, title, or the short name
        before its title's colon), else (or with ``text``) a ``TextQuery``."""
        return self._paper_resolver().read_query(query, as_text=text)

    def resolve(self, ref: str) -> Resolution:
        """The paper ``ref`` names (its id, arXiv id or URL, DOI, title, short name, or a
        part of the title no other paper has), and how it was read. Several matches raise
        ``AmbiguousError`` listing them."""
        return self._paper_resolver().resolve(ref)

    def paper(self, ref: str) -> PaperProfile:
        """Everything the graph knows about one paper (``paperkg paper``): ``ref`` names it
        as :meth:`resolve` reads it. Its ``entities`` give each method, dataset and repo
        with the sentence that links it (``evidence``), and the ``basis`` and
        ``confidence`` of the link."""
        return paper_profile(self.graph, self.resolve(ref).id)

    def around(self, *refs: str, size: int = 40) -> AroundReport:
        """The ``size`` papers most related to the papers ``refs`` name (each read as
        :meth:`resolve` reads it), with their reasons, and the set's prior and derivative
        works (``paperkg around``; the measure: docs/guides/around.md)."""
        return around(self.graph, [self.resolve(ref).id for ref in refs], size)

    def connect(self, a: str, b: str, k: int = 5, *, margin: float | None = None) -> ConnectReport:
        """The ``k`` best paths between the papers ``a`` and ``b`` name (read as
        :meth:`resolve` reads them), mixing similarity, citations and shared methods,
        datasets and repos, each hop with its evidence (``paperkg connect``); ``margin``
        as :func:`paperkg.graph.report.connect.connect` reads it."""
        return paths_between(self.graph, self.resolve(a).id, self.resolve(b).id, k, margin=margin)

    def tags(self) -> list[Tag]:
        """The tags of this snapshot folder (``tags.json``), sorted by name; each lists its
        papers, thumbs up and down, in the order added (docs/guides/tags.md)."""
        return [tag for _name, tag in sorted(TagStore(self.path).read().items())]

    def tag(self, name: str) -> Tag:
        """The tag called ``name``; ``NotFoundError`` naming the tags there are."""
        tags = TagStore(self.path).read()
        if name not in tags:
            raise unknown_tag(name, tags)
        return tags[name]

    def tag_list(self, name: str | None = None) -> TagListing:
        """Each tag's counts and the ids of its papers this snapshot no longer holds; with
        ``name``, that tag's papers too, each marked present or not (``paperkg tag list``)."""
        tags = TagStore(self.path).read()
        if name is not None and name not in tags:
            raise unknown_tag(name, tags)
        return tag_listing(self.graph, [tags[key] for key in sorted(tags)], name)

    def tag_add(self, name: str, *refs: str, negative: bool = False) -> TagChange:
        """Tag the papers ``refs`` name (read as :meth:`resolve` reads them) with ``name``,
        thumbs down with ``negative`` (``paperkg tag add``). A paper tagged the other way
        moves; a new tag is made. Every ref is resolved before anything is written."""
        check_tag_name(name)
        papers = [(found.id, found.title) for found in map(self.resolve, refs)]
        return TagStore(self.path).add(name, papers, negative=negative)

    def tag_remove(self, name: str, *refs: str) -> TagChange:
        """Untag the papers ``refs`` name from ``name`` (a tagged id is taken as it is, even
        when the snapshot no longer holds it); no refs: delete the tag (``paperkg tag
        remove``)."""
        tag = self.tag(name)
        tagged = {*tag.positive_ids(), *tag.negative_ids()}
        ids = [ref if ref in tagged else self.resolve(ref).id for ref in refs]
        return TagStore(self.path).remove(name, ids or None)

    def recommend(
        self,
        tag: str,
        *,
        since: date | str | None = None,
        until: date | str | None = None,
        k: int = 20,
    ) -> Recommendations:
        """The ``k`` papers not yet in ``tag`` most like its papers, among those that
        reached the feed from ``since`` to ``until`` (``YYYY-MM-DD``, both included; none:
        every untagged paper), each with its reasons (``paperkg recommend``): a linear
        classifier per tag, or similarity with fewer than 3 positives (said in ``note``)."""
        return recommend(
            self.graph,
            self._stored.embeddings,
            self.tag(tag),
            since=as_date(since, "since"),
            until=as_date(until, "until"),
            k=k,
        )

    def entities(self, kind: str | None = None, *, min_confidence: float = 0.0) -> list[EntityRow]:
        """Methods, datasets and repos, most-linked first, with their aliases (``paperkg
        entities``); ``kind`` is one of :data:`ENTITY_KINDS`, or None for all. Only papers
        linked with at least ``min_confidence`` count (0: every link the snapshot keeps),
        and entities no such paper links are left out."""
        if kind is not None and kind not in ENTITY_KINDS:
            raise ParameterError(
                f"kind must be one of {', '.join(ENTITY_KINDS)} (or None), got {kind!r}",
                param="kind",
            )
        return entity_rows(self.graph, kind, check_min_confidence(min_confidence))

    def clusters(self, level: int | None = None) -> list[ClusterRow]:
        """Broad topics (``level`` 1) and the clusters inside them (``level`` 2; None: both)
        with their labels, top entities and links (``paperkg clusters``)."""
        return cluster_rows(self.graph, level)

    def cluster_changes(self) -> UpdateReport:
        """What the last build changed in the clusters (``paperkg clusters --changes``)."""
        return latest_update(self._stored.manifest, self.graph)

    def bridges(self, top: int = 10) -> BridgeReport:
        """The ``top`` papers and entities that connect clusters (``paperkg bridges``): each
        joins two or three clusters, named with their labels and what ties it to each."""
        if top < 1:
            raise ParameterError(f"top must be at least 1, got {top}", param="top")
        return bridge_report(self.graph, top)

    def timeline(self) -> Timeline:
        """Periods, dated papers per period, bursts and topic timelines (``timeline.json``);
        for a snapshot built before timelines, computed now on a copy of the graph."""
        return self._timeline_and_graph()[0]

    def trends(
        self, since: date | str | None = None, until: date | str | None = None, limit: int = 10
    ) -> TrendsReport:
        """What is new from ``since`` to ``until`` (``YYYY-MM-DD``; default: the newest day
        or week) (``paperkg trends``): bursting methods, datasets and terms, topics that
        appeared, grew, shrank or split, and new papers with their early signals, at most
        ``limit`` of each."""
        timeline, graph, computed = self._timeline_and_graph()
        return trends(graph, timeline, self.manifest, since, until, limit, computed=computed)

    def site(self, folder: str | Path) -> SiteReport:
        """Write the linked offline site (``paperkg site``) into ``folder``: an overview,
        a page per topic, paper, method, dataset and repo, and the bridges, joined by
        relative links. ``folder`` must be new, empty, or a site written before."""
        seed = self.manifest.analytics.seed if self.manifest.analytics else None
        return write_site(
            self.graph,
            folder,
            seed=seed if seed is not None else 42,
            manifest=self.manifest,
            timeline=self._time(),
            tags=self.tags(),
        )

    def digest(
        self,
        since: date | str | None = None,
        until: date | str | None = None,
        *,
        min_confidence: float = 0.0,
        tag: str | None = None,
        k: int = 20,
    ) -> Digest:
        """The papers dated from ``since`` to ``until`` (``YYYY-MM-DD``, both included;
        default: the newest day or week) by topic, each with its closest earlier papers,
        methods, datasets and code, and the bursts overlapping the window (``paperkg
        digest``). With a ``tag``: only the window's ``k`` papers :meth:`recommend` ranks
        best for it, best first, each with its rank and why. A window outside the
        snapshot's dates is a ``ParameterError``."""
        timeline, graph, _computed = self._timeline_and_graph()
        ranking = None
        if tag is not None:
            start, end = digest_window(graph, timeline, since, until)
            stored = self._stored
            found = recommend(
                stored.graph,
                stored.embeddings,
                self.tag(tag),
                since=start,
                until=end,
                k=k,
                allow_empty=True,
            )
            ranks = {p.id: Ranked(p.rank, p.score, p.why) for p in found.papers}
            ranking = TagRanking(found.tag, found.mode, found.note, found.candidates, ranks)
        return digest(graph, timeline, since, until, min_confidence=min_confidence, ranking=ranking)

    def write_digest(
        self,
        path: str | Path,
        since: date | str | None = None,
        until: date | str | None = None,
        *,
        force: bool = False,
        min_confidence: float = 0.0,
        tag: str | None = None,
        k: int = 20,
    ) -> DigestFile:
        """Write :meth:`digest` to ``path`` (``paperkg digest -o``): HTML (``.html``),
        linking into the snapshot's site ``site/`` where it has the page, or Markdown
        (``.md``). An existing file is replaced only with ``force``."""
        digest_format(Path(path))  # a wrong suffix is refused before any work
        found = self.digest(since, until, min_confidence=min_confidence, tag=tag, k=k)
        return write_digest(found, self.graph, path, site=self.path / SITE_FOLDER, force=force)

    def view(
        self,
        kind: ViewKind,
        target: str | int | Sequence[str] | None = None,
        *,
        node_budget: int | None = None,
        min_score: float | None = None,
        depth: int | None = None,
        top: int | None = None,
        min_confidence: float | None = None,
        size: int | None = None,
        k: int | None = None,
    ) -> str:
        """One interactive HTML page, self-contained (``paperkg view``): ``"overview"``,
        ``"cluster"`` (``target`` is the cluster id), ``"paper"`` (``target`` names the
        paper), ``"bridges"``, ``"around"`` (``target`` names one paper or a list of them;
        ``size``) or ``"connect"`` (``target`` the two papers; ``k``). Options left None
        take the view's default; an option the view does not take is refused
        (:data:`VIEWS`). ``min_confidence`` hides links to methods and datasets that
        extraction is less sure of (default: none hidden)."""
        options: dict[str, Any] = {
            name: value
            for name, value in (
                ("node_budget", node_budget),
                ("min_score", min_score),
                ("depth", depth),
                ("top", top),
                ("min_confidence", min_confidence),
                ("size", size),
                ("k", k),
            )
            if value is not None
        }
        _check_view(kind, target, options)
        if kind in ("around", "connect"):
            return self._path_view(kind, target, options)
        if min_confidence is not None:
            check_min_confidence(min_confidence)
        if kind == "overview":
            drawn = overview(self.graph, **options)
        elif kind == "cluster":
            assert isinstance(target, int)
            drawn = cluster_view(self.graph, target, **options)
        elif kind == "paper":
            drawn = paper_view(
                self.graph, self.resolve(str(target)).id, manifest=self.manifest, **options
            )
        else:
            drawn = bridges_view(self.graph, **options)
        return render_html(mark_tagged(drawn, self.tags()))

    def _path_view(self, kind: str, target: Any, options: dict[str, Any]) -> str:
        """The around view of ``target`` (papers) or the connect view of its two papers."""
        if kind == "around":
            refs = [target] if isinstance(target, str) else list(target)
            report = self.around(*refs, **options)
            drawn = around_view(self.graph, report)
            return render_html(mark_tagged(drawn, self.tags()), sections=around_sections(report))
        drawn = connect_view(self.graph, self.connect(*target, **options))
        return render_html(mark_tagged(drawn, self.tags()))

    @overload
    def export(
        self,
        fmt: Literal["graphml", "gexf", "vosviewer"],
        path: str | Path,
        *,
        force: bool = False,
    ) -> FileExport: ...

    @overload
    def export(
        self,
        fmt: Literal["neo4j-csv"],
        path: str | Path,
        *,
        force: bool = False,
        database: str = "neo4j",
    ) -> CsvExport: ...

    def export(
        self, fmt: str, path: str | Path, *, force: bool = False, database: str | None = None
    ) -> FileExport | CsvExport:
        """Write the graph as ``fmt`` (:data:`EXPORT_FORMATS`) to ``path`` (``paperkg
        export``): a GraphML, GEXF or VOSviewer JSON file, or a folder of ``neo4j-admin``
        import CSVs for ``database``. Something already at ``path`` is replaced only with
        ``force``."""
        if fmt not in EXPORT_FORMATS:
            raise ParameterError(
                f"fmt must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}", param="fmt"
            )
        if fmt == "neo4j-csv":
            return export_neo4j_csv(
                self._stored,
                path,
                database=database or "neo4j",
                force=force,
                tags=self._pushed_tags(),
            )
        if database is not None:
            raise ParameterError(
                f"database applies to the neo4j-csv export only, not {fmt}", param="database"
            )
        write = {"graphml": export_graphml, "gexf": export_gexf, "vosviewer": export_vosviewer}
        return write[fmt](self.graph, path, force=force)

    def push(
        self,
        server: neo4j.Driver | Neo4jSettings | str,
        *,
        user: str = "neo4j",
        password: str = "",
        database: str | None = None,
        batch_size: int = 1000,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> PushReport:
        """Load the snapshot into Neo4j (``paperkg push``), with its tags and each tag's top
        50 recommendations (``Tag``, ``TAGGED``, ``RECOMMENDS``). ``server`` is a driver of
        the caller's (used, not closed), :class:`Neo4jSettings`, or a Bolt URI to connect to
        as ``user`` with ``password``. ``database`` None is the server's default one (or
        the settings' own); ``prune`` also deletes papers the snapshot no longer has."""
        check_batch_size(batch_size)
        tags = self._pushed_tags()
        if isinstance(server, str):
            server = Neo4jSettings(uri=server, user=user, password=password, database=database)
        if not isinstance(server, Neo4jSettings):
            return push_snapshot(
                server,
                self._stored,
                database=database,
                batch_size=batch_size,
                prune=prune,
                progress=progress,
                tags=tags,
            )
        driver = connect(server)
        try:
            return push_snapshot(
                driver,
                self._stored,
                database=database or server.database,
                batch_size=batch_size,
                prune=prune,
                progress=progress,
                uri=server.uri,
                tags=tags,
            )
        finally:
            driver.close()

    def _pushed_tags(self) -> list[PushedTag]:
        """The tags with each one's top recommendations, as a push (or the import CSVs)
        writes them."""
        return ranked_tags(self.graph, self._stored.embeddings, self.tags())

    def _timeline_and_graph(self) -> tuple[Timeline, nx.MultiDiGraph[str], bool]:
        """The timeline, the graph it goes with and whether it was computed now (a snapshot
        built before timelines: on a copy of the graph), read or computed once."""
        if self._time_graph is None:
            self._time_graph = timeline_of(self.graph, self._time())
        return self._time_graph

    def _time(self) -> Timeline | None:
        """The snapshot's ``timeline.json`` (None before time analytics), read once."""
        if self._time_record is None:
            self._time_record = (read_timeline(self.path),)
        return self._time_record[0]

    def _faiss_index(self) -> faiss.Index:
        """The FAISS index, read from the folder the first time it is needed."""
        if self._index is None:
            self._index = read_index(self.path, self._stored.manifest)
        return self._index

    def _paper_resolver(self) -> PaperResolver:
        """The paper resolver of this snapshot, made the first time a paper is named."""
        if self._resolver is None:
            self._resolver = PaperResolver.of_graph(self.graph)
        return self._resolver

    def _hybrid(self) -> HybridSearch:
        """The hybrid search, set up (lexical index read) the first time it is needed."""
        if self._search is None:
            self._search = HybridSearch(
                self._stored,
                lexical=lexical_index(self._stored),
                index=self._faiss_index(),
                embed=lambda text: self._model(self.manifest.model.name).encode([text])[0],
                resolver=self._paper_resolver(),
            )
        return self._search

    def _model(self, name: str) -> Embedder:
        """The embedding model ``name`` (the snapshot's), loaded the first time a text is
        searched and kept for the next searches."""
        if self._embedder is None:
            self._embedder = Embedder(name)
        elif self._embedder.name != name:
            raise ModelError(
                f"embedder is the model {self._embedder.name!r}, but {self.path} was embedded "
                f"with {name!r}; open it with that model, or without one",
                param="embedder",
            )
        return self._embedder


def _strings(target: object) -> TypeGuard[Sequence[str]]:
    """Whether ``target`` is a list or tuple of strings."""
    return isinstance(target, list | tuple) and all(isinstance(t, str) for t in target)


def _check_view(kind: str, target: object, options: dict[str, Any]) -> None:
    """Refuse a view that does not exist, a target it needs or does not take, and options
    it does not take."""
    if kind not in VIEWS:
        raise ParameterError(f"kind must be one of {', '.join(VIEWS)}, got {kind!r}", param="kind")
    if kind == "cluster" and (not isinstance(target, int) or isinstance(target, bool)):
        raise ParameterError(
            f"target must be the cluster's id (a whole number) for the cluster view, "
            f"got {target!r}",
            param="target",
        )
    if kind == "paper" and not isinstance(target, str):
        raise ParameterError(
            f"target must name the paper (its id or title) for the paper view, got {target!r}",
            param="target",
        )
    if kind == "around" and not (isinstance(target, str) or (_strings(target) and len(target) > 0)):
        raise ParameterError(
            f"target must name the paper or papers for the around view, got {target!r}",
            param="target",
        )
    if kind == "connect" and not (_strings(target) and len(target) == 2):
        raise ParameterError(
            f"target must name two papers for the connect view, got {target!r}", param="target"
        )
    if kind in ("overview", "bridges") and target is not None:
        raise ParameterError(f"target does not apply to the {kind} view", param="target")
    for name in sorted(set(options) - VIEWS[kind]):
        takes = ", ".join(sorted(VIEWS[kind])) or "no options"
        raise ParameterError(
            f"{name} does not apply to the {kind} view (it takes {takes})", param=name
        )
