"""The query packs for Neo4j Browser: favourites that show their rows, and a graph style.

Browser runs an editor holding several statements as a script and shows no rows, and Neo4j
refuses a query naming a parameter nobody set. So each query becomes two favourites: its
parameters (``NAME.params.cypher``, ``:param`` lines only; ``:param x => 20`` lets the
server type the value, where ``:params {x: 20}`` would make every number a float) and
the query itself (``NAME.cypher``, one statement), run in that order. The style
(``paperkg.grass``) sets captions, colours and sizes per label.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from paperkg import atomic
from paperkg.errors import QueryError
from paperkg.graph.export.files import check_target
from paperkg.queries.catalog import QuerySpec

__all__ = ["PARAMS_SUFFIX", "STYLE", "export_catalog", "params_text", "query_text", "style"]

#: The style file ``export_catalog`` writes beside the packs.
STYLE = "paperkg.grass"
#: A query's parameter favourite is ``NAME`` + this.
PARAMS_SUFFIX = ".params.cypher"


def style() -> str:
    """The Browser style (GRASS) shipped with the packs."""
    return files("paperkg.queries").joinpath(STYLE).read_text(encoding="utf-8")


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


def params_text(spec: QuerySpec) -> str:
    """The parameter favourite: a comment naming the query, one ``:param`` per parameter
    with its default (edit them, run, then run the query)."""
    lines = [f"// {spec.pack}/{spec.name}: parameters (run this, then {spec.name})"]
    lines += [f":param {p.name} => {_literal(p.default)};" for p in spec.params]
    return "\n".join(lines) + "\n"


def query_text(spec: QuerySpec) -> str:
    """The query favourite: a comment naming it (Browser's favourite title), then the query
    as one statement."""
    header = f"// {spec.pack}/{spec.name}: {spec.description}"
    return f"{header}\n{spec.cypher.rstrip().rstrip(';')}\n"


def export_catalog(specs: list[QuerySpec], folder: Path, *, force: bool = False) -> list[Path]:
    """Write each query as ``<pack>/<name>.cypher``, with ``<pack>/<name>.params.cypher``
    when it takes parameters, and the style as ``paperkg.grass``; returns the files.

    ``folder`` must be new or empty unless ``force``, which replaces files of the same name
    and leaves every other file as it is.
    """
    check_target(Path(folder), force=force, folder=True)
    files_to_write: dict[Path, str] = {folder / STYLE: style()}
    for spec in specs:
        files_to_write[folder / spec.pack / f"{spec.name}.cypher"] = query_text(spec)
        if spec.params:
            files_to_write[folder / spec.pack / f"{spec.name}{PARAMS_SUFFIX}"] = params_text(spec)
    for target, text in files_to_write.items():
        try:
            atomic.write_file(target, text)
        except OSError as exc:
            raise QueryError(f"cannot write queries into {folder}: {exc.strerror or exc}") from exc
    return list(files_to_write)
