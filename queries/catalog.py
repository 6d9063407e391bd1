"""The query packs: one ``.cypher`` file per query under ``packs/<pack>/``, each opening with
a header the catalogue parses::

    // name: top-bridges
    // description: Papers that connect clusters ...
    // param: limit int = 10

Parameter types are ``string``, ``int``, ``float``, ``bool``, ``list`` (a list of
numbers, such as a text's embedding for the vector packs; given on the command line as a
JSON list) and ``date`` (an ISO date as text, ``""`` for none; checked before it is sent).

A query whose answer may rightly be empty with its defaults (nothing bursts this week) says
when in an ``// empty:`` line; :func:`paperkg.queries.explain.explain_empty` then names why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from paperkg.errors import QueryError

__all__ = ["Param", "QuerySpec", "find_query", "load_catalog", "parse_query", "typed_params"]

TYPES = {"string": str, "int": int, "float": float, "bool": bool, "list": list, "date": str}
_HEADER = re.compile(r"^//\s*(?P<field>name|description|empty|param):\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>string|int|float|bool|list|date)\s*=\s*(?P<default>.+)$"
)


@dataclass(frozen=True)
class Param:
    """A query parameter: its name, type and default (a JSON literal in the header)."""

    name: str
    type: str
    default: Any


@dataclass(frozen=True)
class QuerySpec:
    """One query of a pack, parsed from its file; ``empty`` says when its answer may rightly
    be empty with the defaults ("" for a query that always answers)."""

    name: str
    pack: str
    description: str
    params: tuple[Param, ...]
    cypher: str
    source: str = field(default="", compare=False)
    empty: str = ""

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


def parse_query(text: str, pack: str, source: str) -> QuerySpec:
    """Parse one ``.cypher`` file; a bad header raises ``QueryError`` naming file and line."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    body_start = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line.strip())
        if not match:
            body_start = number - 1
            break
        if match["field"] == "param":
            params.append(_parse_param(match["value"].strip(), source, number))
        else:
            fields[match["field"]] = match["value"].strip()
    else:
        body_start = len(lines)
    for required in ("name", "description"):
        if not fields.get(required):
            raise QueryError(f"{source}:1: the header needs a '// {required}:' line")
    cypher = "\n".join(lines[body_start:]).strip()
    if not cypher:
        raise QueryError(f"{source}: no Cypher after the header")
    return QuerySpec(
        fields["name"],
        pack,
        fields["description"],
        tuple(params),
        cypher,
        source,
        fields.get("empty", ""),
    )


def _parse_param(value: str, source: str, line: int) -> Param:
    match = _PARAM.match(value)
    if not match:
        raise QueryError(
            f"{source}:{line}: expected '// param: NAME TYPE = DEFAULT', got {value!r}"
        )
    try:
        default = json.loads(match["default"])
    except json.JSONDecodeError as exc:
        raise QueryError(f"{source}:{line}: default must be a JSON literal: {exc.msg}") from exc
    kind = match["type"]
    if not isinstance(default, TYPES[kind]) or (kind == "int" and isinstance(default, bool)):
        raise QueryError(f"{source}:{line}: default {default!r} is not a {kind}")
    if isinstance(default, list) and not _numbers(default):
        raise QueryError(f"{source}:{line}: a list default holds numbers only, got {default!r}")
    if kind == "date" and default != "" and _iso_date(str(default)) is None:
        raise QueryError(f'{source}:{line}: a date default is "" or YYYY-MM-DD, got {default!r}')
    return Param(match["name"], kind, default)


def _packs_root() -> Traversable:
    return files("paperkg.queries").joinpath("packs")


def load_catalog(pack: str | None = None) -> list[QuerySpec]:
    """Every shipped query, sorted by pack then name; only those of ``pack`` when given (a
    pack that does not exist is a ``QueryError`` naming the packs that do)."""
    specs = []
    for folder in sorted(_packs_root().iterdir(), key=lambda p: p.name):
        if not folder.is_dir():
            continue
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".cypher"):
                source = f"queries/packs/{folder.name}/{item.name}"
                specs.append(parse_query(item.read_text(encoding="utf-8"), folder.name, source))
    if pack is None:
        return specs
    chosen = [spec for spec in specs if spec.pack == pack]
    if not chosen:
        raise QueryError(f"no pack {pack!r}; packs: " + ", ".join(sorted({s.pack for s in specs})))
    return chosen


def find_query(name: str, catalog: list[QuerySpec] | None = None) -> QuerySpec:
    """The query called ``name`` (or ``pack/name``)."""
    catalog = catalog if catalog is not None else load_catalog()
    for spec in catalog:
        if name in (spec.name, f"{spec.pack}/{spec.name}"):
            return spec
    raise QueryError(
        f"unknown query {name!r}; 'paperkg query list' shows the {len(catalog)} queries"
    )


def typed_params(spec: QuerySpec, given: dict[str, str]) -> dict[str, Any]:
    """Defaults overlaid with ``given`` (strings from ``--param k=v``) converted to each type."""
    declared = {p.name: p for p in spec.params}
    values = spec.defaults()
    for name, raw in given.items():
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {spec.name!r} has no parameter {name!r} (parameters: {known})")
        values[name] = _convert(spec.name, declared[name], raw)
    return values


def _convert(query: str, param: Param, raw: str) -> Any:
    try:
        if param.type == "int":
            return int(raw)
        if param.type == "float":
            return float(raw)
        if param.type == "bool":
            lowered = raw.strip().lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(raw)
            return lowered in {"true", "1", "yes"}
        if param.type == "date":
            day = raw.strip()
            checked = _iso_date(day) if day else ""
            if checked is None:
                raise ValueError(raw)
            return checked
        if param.type == "list":
            value = json.loads(raw)
            if not isinstance(value, list) or not _numbers(value):
                raise ValueError(raw)
            return [float(x) for x in value]
    except ValueError as exc:
        shown = repr(raw) if len(raw) <= 60 else f"{raw[:40]!r}… ({len(raw):,} characters)"
        expected = _EXPECTED.get(param.type, param.type)
        raise QueryError(
            f"query {query!r}: parameter {param.name!r} must be {expected}, got {shown}"
        ) from exc
    return raw


_EXPECTED = {"list": "a JSON list of numbers", "date": "a date like 2026-04-06 (or empty)"}


def _iso_date(text: str) -> str | None:
    """``text`` as a YYYY-MM-DD date, None when it is not one."""
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def _numbers(values: list[Any]) -> bool:
    """Whether every item is a number (not a bool)."""
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in values)
