"""GraphML and GEXF files of a snapshot's graph, for Gephi, Cytoscape and yEd.

Both formats hold only scalar attributes, so every node and edge is flattened first:

- strings, integers, floats and booleans are kept as they are;
- lists (authors, keywords, a cluster's methods, ...) become a JSON string such as
  ``["Ada Quill", "Bo Ren"]`` (JSON rather than a joined string, so a name containing the
  separator stays readable back: ``json.loads``);
- ``None`` and non-finite floats are left out (Java readers cannot parse ``nan``);
- characters XML 1.0 cannot hold (control characters other than tab, newline and carriage
  return) are dropped from strings;
- paper embeddings are not written.

Nodes keep ``type`` (their Neo4j label) and get ``label``: the title, else the name, else the
cluster label, else the node id. Edges get ``type`` (the relationship type, ``CITES`` for
``CITES:mention``) in GraphML; GEXF reserves an edge's ``type`` for its direction, so there
the relationship type is the edge ``label`` and the attribute ``relationship``. Other names
GEXF reserves (a Cluster's ``id``) are written with a ``paperkg_`` prefix.

Files are written to a temporary sibling and renamed into place. An existing file is
replaced only with ``force`` (:func:`check_target`, the overwrite rule of every command that
writes a path the user names).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg import atomic
from paperkg.errors import ExportError
from paperkg.graph.model import relationship_type

__all__ = [
    "FileExport",
    "check_target",
    "export_gexf",
    "export_graphml",
    "flat_graph",
    "write_atomically",
]

#: Attribute names GEXF takes for itself (networkx moves them into the XML element).
_GEXF_NODE_RESERVED = frozenset({"id", "pid", "start", "end", "viz", "parents", "spells", "slices"})
_GEXF_EDGE_RESERVED = frozenset(
    {"id", "key", "type", "weight", "start", "end", "viz", "spells", "slices"}
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OMIT = frozenset({"embedding"})


@dataclass(frozen=True)
class FileExport:
    """One file written: where, in which format, and nodes per label and edges per type."""

    path: Path
    format: str
    nodes: dict[str, int]
    relationships: dict[str, int]
    bytes: int


def _scalar(value: Any) -> Any:
    """A value GraphML/GEXF can hold, or None to leave the attribute out."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, list | tuple | dict):
        # json escapes control characters, so the string is XML-safe as it is
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return _XML_ILLEGAL.sub("", str(value))


def _attributes(data: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    out = {}
    for name, value in data.items():
        if name in _OMIT:
            continue
        flat = _scalar(value)
        if flat is not None:
            out[f"paperkg_{name}" if name in reserved else name] = flat
    return out


def _node_label(node: str, data: dict[str, Any]) -> str:
    for name in ("title", "name", "label"):
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return _XML_ILLEGAL.sub("", value)
    return _XML_ILLEGAL.sub("", str(node))


def _unify_types(items: Iterable[dict[str, Any]]) -> None:
    """One type per attribute name, as both formats declare it once: an attribute holding
    integers and floats becomes float; one mixing strings with anything becomes string."""
    items = list(items)
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for name, value in attrs.items():
            kinds.setdefault(name, set()).add(type(value))
    for name, found in kinds.items():
        if len(found) < 2:
            continue
        cast: Callable[[Any], Any] = float if found <= {int, float} else _as_text
        for attrs in items:
            if name in attrs:
                attrs[name] = cast(attrs[name])


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flat_graph(graph: nx.MultiDiGraph[str], *, gexf: bool = False) -> nx.MultiDiGraph[str]:
    """A copy of ``graph`` whose attributes GraphML (or, with ``gexf``, GEXF) can hold.

    Edge keys become ``e0``, ``e1``, ... (GraphML writes them as edge ids, which must be
    unique); for GEXF the original key is kept (networkx numbers GEXF edges itself).
    """
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    node_reserved = _GEXF_NODE_RESERVED if gexf else frozenset()
    edge_reserved = _GEXF_EDGE_RESERVED if gexf else frozenset()
    for node, data in graph.nodes(data=True):
        attrs = _attributes(data, node_reserved)
        attrs["label"] = _node_label(node, data)
        flat.add_node(node, **attrs)
    for number, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        attrs = _attributes(data, edge_reserved)
        rel = relationship_type(key)
        if gexf:
            attrs.update(label=rel, relationship=rel)
            flat.add_edge(u, v, key=key, **attrs)
        else:
            attrs.update(type=rel, label=rel)
            flat.add_edge(u, v, key=f"e{number}", **attrs)
    _unify_types(data for _n, data in flat.nodes(data=True))
    _unify_types(data for _u, _v, data in flat.edges(data=True))
    return flat


def check_target(
    path: Path, *, force: bool, folder: bool = False, ours: Callable[[Path], bool] | None = None
) -> None:
    """The overwrite rule of every command that writes a file or folder the user names.

    A path that does not exist, or an empty folder, is written. Anything else is replaced
    only with ``force`` or when ``ours(path)`` says it is a file paperkg wrote (a view page);
    otherwise ``ExportError`` names the path and ``--force``. What kind of thing may be
    replaced at all (a regular file, a folder) is the caller's check.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if force:
        return
    if folder and stat.S_ISDIR(info.st_mode):
        try:
            with os.scandir(path) as entries:
                if next(entries, None) is None:
                    return
        except OSError as exc:
            raise ExportError(f"cannot write into {path}: {exc.strerror or exc}") from exc
        raise ExportError(f"{path} is not empty; give a new or empty folder (or add --force)")
    if ours is not None and ours(path):
        return
    raise ExportError(f"{path} already exists; give a new file name, or add --force to replace it")


def _check_regular(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ExportError(f"{path} is {kind}; give the path of a new or regular file to replace")


def write_atomically(
    path: Path,
    write: Callable[[Path], object],
    *,
    force: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> int:
    """Run ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``
    (:func:`paperkg.atomic.write_file`) under the overwrite rule of exports and views.

    Refuses to replace anything but a regular file (a folder, a device, a symbolic link),
    and a regular file too unless ``force`` or ``ours`` allows it (:func:`check_target`).
    Returns the size written.
    """
    path = Path(path)

    def check() -> None:
        _check_regular(path)
        check_target(path, force=force, ours=ours)

    check()
    try:
        return atomic.write_file(path, write, check=check)  # checked again: nothing new there
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _report(graph: nx.MultiDiGraph[str], path: Path, fmt: str, size: int) -> FileExport:
    nodes = Counter(str(d.get("type")) for _n, d in graph.nodes(data=True))
    rels = Counter(relationship_type(k) for _u, _v, k in graph.edges(keys=True))
    return FileExport(path, fmt, dict(sorted(nodes.items())), dict(sorted(rels.items())), size)


def export_graphml(
    graph: nx.MultiDiGraph[str], path: str | Path, *, force: bool = False
) -> FileExport:
    """Write ``graph`` as GraphML (Cytoscape, yEd, Gephi) to ``path``, atomically; an
    existing file only with ``force``."""
    flat = flat_graph(graph)
    size = write_atomically(
        Path(path),
        lambda tmp: nx.write_graphml(flat, tmp, encoding="utf-8", prettyprint=False),
        force=force,
    )
    return _report(graph, Path(path), "graphml", size)


def export_gexf(
    graph: nx.MultiDiGraph[str], path: str | Path, *, force: bool = False
) -> FileExport:
    """Write ``graph`` as GEXF 1.2 (Gephi) to ``path``, atomically; an existing file only
    with ``force``."""
    flat = flat_graph(graph, gexf=True)
    size = write_atomically(
        Path(path),
        lambda tmp: nx.write_gexf(flat, tmp, encoding="utf-8", prettyprint=False),
        force=force,
    )
    return _report(graph, Path(path), "gexf", size)
