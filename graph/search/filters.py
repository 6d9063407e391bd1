"""Which papers a search may return: in a cluster or topic, listed or published in a date
range, with code, linked to a method or dataset.

The per-paper facts the filters read (cluster, topic, date, code) are gathered once per
snapshot into arrays (:class:`Facets`), so a filtered search over 100,000 papers costs a
few array operations, not a walk over the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph.extract.normalize import fold
from paperkg.graph.model import relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = ["Facets", "SearchFilters", "as_date", "paper_date"]

#: Relations that link a paper to the method or dataset a filter names.
_ENTITY_RELATIONS = frozenset({RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON})
_NO_CLUSTER = -(2**31)


@dataclass(frozen=True)
class SearchFilters:
    """What a hit must satisfy. ``cluster``: the paper's ``cluster`` or ``topic`` (the
    coarse level) is this id; ``since``/``until``: its date (``published``, else an ISO
    ``listed``) is within them, both included (a date or ``YYYY-MM-DD`` text; a paper
    without a date is left out); ``has_code``: it links a repository; ``method`` and
    ``dataset``: it uses, introduces or evaluates on the entity of that name or alias
    (any case)."""

    cluster: int | None = None
    since: date | str | None = None
    until: date | str | None = None
    has_code: bool = False
    method: str | None = None
    dataset: str | None = None

    @property
    def active(self) -> bool:
        return any(
            value not in (None, False)
            for value in (
                self.cluster,
                self.since,
                self.until,
                self.has_code,
                self.method,
                self.dataset,
            )
        )


def paper_date(data: Mapping[str, Any]) -> date | None:
    """A paper's date: ``published``, else ``listed`` when that is an ISO date (listing
    pages give ``Mar 17`` without a year: no date)."""
    for key in ("published", "listed"):
        value = data.get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def as_date(value: date | str | None, name: str) -> date | None:
    """``value`` as a date (``YYYY-MM-DD`` text or a date; None stays None), else a
    ``ParameterError`` naming the option: the one reading of every date option."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(
            f"{name} must be a date like 2024-03-01, got {value!r}", param=name
        ) from None


class Facets:
    """Per-row facts of the papers a search ranks (row ``i`` is paper ``ids[i]``)."""

    def __init__(self, graph: nx.MultiDiGraph[str], ids: list[str]) -> None:
        self._graph = graph
        self._row = {node: row for row, node in enumerate(ids)}
        n = len(ids)
        self.cluster = np.full(n, _NO_CLUSTER, dtype=np.int64)
        self.topic = np.full(n, _NO_CLUSTER, dtype=np.int64)
        self.day = np.full(n, -1, dtype=np.int64)
        self.code = np.zeros(n, dtype=bool)
        for row, node in enumerate(ids):
            data = graph.nodes[node]
            for array, key in ((self.cluster, "cluster"), (self.topic, "topic")):
                value = data.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    array[row] = value
            day = paper_date(data)
            if day is not None:
                self.day[row] = day.toordinal()
            self.code[row] = any(
                relationship_type(key) == RelType.HAS_CODE
                for _u, _v, key in graph.out_edges(node, keys=True)
            )
        self._clusters = {
            data.get("id")
            for _n, data in graph.nodes(data=True)
            if data.get("type") == Label.CLUSTER
        }

    def allowed(self, filters: SearchFilters) -> np.ndarray:
        """A mask of the rows ``filters`` lets through."""
        keep = np.ones(len(self.cluster), dtype=bool)
        if filters.cluster is not None:
            wanted = int(filters.cluster)
            in_it = (self.cluster == wanted) | (self.topic == wanted)
            if not in_it.any() and wanted not in self._clusters:
                raise NotFoundError(
                    f"cluster {wanted} is no cluster or topic of the snapshot: paperkg clusters "
                    "lists them",
                    param="cluster",
                )
            keep &= in_it
        since, until = as_date(filters.since, "since"), as_date(filters.until, "until")
        if since is not None and until is not None and since > until:
            raise ParameterError(f"since ({since}) is after until ({until})", param="since")
        if since is not None:
            keep &= self.day >= since.toordinal()
        if until is not None:
            keep &= (self.day >= 0) & (self.day <= until.toordinal())
        if filters.has_code:
            keep &= self.code
        for kind, label, name in (
            ("method", Label.METHOD, filters.method),
            ("dataset", Label.DATASET, filters.dataset),
        ):
            if name is not None:
                keep &= self._linked(kind, label, name)
        return keep

    def _linked(self, kind: str, label: Label, name: str) -> np.ndarray:
        """Rows of the papers linked to the entities of ``label`` called ``name``."""
        wanted = fold(name)
        if not wanted:
            raise ParameterError(f"{kind} is empty: give a {kind}'s name", param=kind)
        nodes = [
            node
            for node, data in self._graph.nodes(data=True)
            if data.get("type") == label
            and wanted
            in {fold(str(n)) for n in (data.get("name"), data.get("key"), *data.get("aliases", ()))}
        ]
        if not nodes:
            raise NotFoundError(
                f"no {kind} named {name!r} in the snapshot: paperkg entities --kind {kind} "
                "lists them",
                param=kind,
            )
        mask = np.zeros(len(self.cluster), dtype=bool)
        for node in nodes:
            for paper, _v, key in self._graph.in_edges(node, keys=True):
                row = self._row.get(paper)
                if row is not None and relationship_type(key) in _ENTITY_RELATIONS:
                    mask[row] = True
        return mask
