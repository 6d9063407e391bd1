"""Free text for the vector packs. ``paperkg query run semantic-search --text "..."`` embeds
the text with the model the snapshot was built with and passes the vector as the query's
``embedding`` parameter; a query that also takes a full-text ``q`` (``hybrid-search``)
gets the text there too, escaped so that Lucene reads it as plain words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from paperkg.errors import ModelError, ParameterError, QueryError
from paperkg.graph.embed.embeddings import Embedder
from paperkg.graph.snapshot.read import read_manifest
from paperkg.queries.catalog import QuerySpec, load_catalog

__all__ = ["EMBEDDING_PARAM", "lucene_words", "text_params"]

#: The pack parameter that takes a vector (a list of numbers) to search by.
EMBEDDING_PARAM = "embedding"
#: The pack parameter that takes a full-text (Lucene) query.
_FULLTEXT_PARAM = "q"
#: Characters with a meaning in Lucene's query syntax, and its operator words.
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_OPERATORS = re.compile(r"\b(AND|OR|NOT|TO)\b")


def lucene_words(text: str) -> str:
    """``text`` with every Lucene operator escaped or lower-cased, so that the full-text
    index reads it as words (``what is LoRA?`` would otherwise end in a wildcard)."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _OPERATORS.sub(lambda match: match[0].lower(), escaped)


def text_params(
    spec: QuerySpec,
    values: dict[str, Any],
    text: str,
    out: str | Path,
    *,
    given: frozenset[str] | set[str] = frozenset(),
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """``values`` with ``embedding`` set to ``text``'s embedding by the model of the
    snapshot in ``out`` (``embedder`` when it is that model, else the model is loaded),
    and with ``q`` set to the text as plain words when ``spec`` takes one that is not among
    ``given``. A query without an ``embedding`` parameter refuses the text, naming those
    that take one."""
    if EMBEDDING_PARAM not in {p.name for p in spec.params}:
        takers = [s.name for s in load_catalog() if EMBEDDING_PARAM in {p.name for p in s.params}]
        raise QueryError(
            f"text works only with the queries that take an embedding ({', '.join(takers)}); "
            f"{spec.name!r} takes none",
            param="text",
        )
    if not text.strip():
        raise ParameterError("text is empty: give some words to search by", param="text")
    if EMBEDDING_PARAM in given:
        raise ParameterError(
            f"text gives the query its {EMBEDDING_PARAM}: give the text or the "
            f"{EMBEDDING_PARAM} parameter, not both",
            param="text",
        )
    model = read_manifest(out).model.name
    if embedder is None:
        embedder = Embedder(model)
    elif embedder.name != model:
        raise ModelError(
            f"embedder is the model {embedder.name!r}, but {out} was embedded with {model!r}",
            param="embedder",
        )
    vector = embedder.encode([text])[0]
    result = dict(values)
    result[EMBEDDING_PARAM] = [float(x) for x in vector]
    if _FULLTEXT_PARAM in {p.name for p in spec.params} and _FULLTEXT_PARAM not in given:
        result[_FULLTEXT_PARAM] = lucene_words(text)
    return result
