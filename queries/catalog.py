"""The query packs: one ``.cypher`` file per query under ``packs/<pack>/``, each opening with
a header the catalogue parses::

    // name: top-bridges
    // description: Papers that connect clusters ...
    // param: limit int = 10

Parameter types are ``string``, ``int``, ``float``, ``bool`` and ``list`` (a list of
numbers, such as a text's embedding for the vector packs; given on the command line as a
JSON list).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from paperkg.errors import QueryError

__all__ = ["Param", "QuerySpec", "find_query", "load_catalog", "parse_query", "typed_params"]

TYPES = {"string": str, "int": int, "float": float, "bool": bool, "list": list}
_HEADER = re.compile(r"^//\s*(?P<field>name|description|param):\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>string|int|float|bool|list)\s*=\s*(?P<default>.+)$"
)


@dataclass(frozen=True)
class Param:
    """A query parameter: its name, type and default (a JSON literal in the header)."""

    name: str
    type: str
    default: Any


@dataclass(frozen=True)
class QuerySpec:
    """One query of a pack, parsed from its file."""

    name: str
    pack: str
    description: str
    params: tuple[Param, ...]
    cypher: str
    source: str = field(default="", compare=False)

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
    return QuerySpec(fields["name"], pack, fields["description"], tuple(params), cypher, source)


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
        if param.type == "list":
            value = json.loads(raw)
            if not isinstance(value, list) or not _numbers(value):
                raise ValueError(raw)
            return [float(x) for x in value]
    except ValueError as exc:
        shown = repr(raw) if len(raw) <= 60 else f"{raw[:40]!r}… ({len(raw):,} characters)"
        raise QueryError(
            f"query {query!r}: parameter {param.name!r} must be "
            f"{'a JSON list of numbers' if param.type == 'list' else param.type}, got {shown}"
        ) from exc
    return raw


def _numbers(values: list[Any]) -> bool:
    """Whether every item is a number (not a bool)."""
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in values)
