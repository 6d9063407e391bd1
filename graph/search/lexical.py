"""Lexical search over titles and abstracts: an SQLite FTS5 index ranked by BM25.

The index is built once per build and stored in the snapshot as :data:`SEARCH_INDEX` (a
serialised SQLite database, checksummed like every snapshot file); a snapshot from before
it existed gets one built in memory at its first search. The FTS5 table is contentless
(the text lives in the graph), tokenised by ``porter unicode61`` (stems, case and
diacritics folded), and ranked by ``bm25`` with the title weighted :data:`TITLE_WEIGHT`
times the abstract.

User text never reaches FTS5's query syntax: it is cut into words the way the tokenizer
cuts text, each word quoted, common English words dropped (unless nothing else is left),
so no input can be a syntax error, and "mixture-of-experts" matches "mixture of experts".
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from paperkg.errors import SnapshotError

__all__ = [
    "MAX_TERMS",
    "SEARCH_INDEX",
    "STOP_WORDS",
    "TITLE_WEIGHT",
    "LexicalIndex",
    "LexicalQuery",
    "acronyms",
    "lexical_query",
]

#: The snapshot file holding the lexical index.
SEARCH_INDEX = "search.sqlite"
#: How much more a word in the title counts than one in the abstract (BM25 column weight).
TITLE_WEIGHT = 10.0
#: Words of a query kept at most (a pasted abstract searches by its first ones).
MAX_TERMS = 32
#: The layout of the stored database; another value is rebuilt in memory, not read.
_FORMAT = "1"
_WORD = re.compile(r"[^\W_]+")
#: English function words: they would match nearly every abstract and outweigh the words
#: that carry the topic.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our out over own same
    she should so some such than that the their them then there these they this those through
    to too under until up very via was we were what when where which while who whom why will
    with would you your using based towards toward""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class LexicalQuery:
    """A user's text as its search ``terms`` and the ``acronyms`` its words spell; ``any``
    is the FTS5 query for papers with any of them (None when the text has no word)."""

    terms: tuple[str, ...]
    acronyms: tuple[str, ...] = ()

    @property
    def any(self) -> str | None:
        return " OR ".join(f'"{t}"' for t in (*self.terms, *self.acronyms)) or None


def lexical_query(text: str) -> LexicalQuery:
    """The words of ``text`` that a search should look for: case-folded, split where the
    tokenizer splits (any character but a letter or digit), common words dropped unless
    only they are there, repeats removed, at most :data:`MAX_TERMS`; with the acronyms of
    a query of two to five words (:func:`acronyms`)."""
    words = _WORD.findall(text.casefold())
    kept = [w for w in words if w not in STOP_WORDS] or words
    terms = tuple(dict.fromkeys(kept))[:MAX_TERMS]
    return LexicalQuery(terms, acronyms(words) if 2 <= len(words) <= 5 else ())


def acronyms(words: list[str]) -> tuple[str, ...]:
    """What papers abbreviate a phrase of ``words`` to: the initials of every word and of
    the words that are not common ones ("mixture of experts": MoE; "parameter-efficient
    fine-tuning": PEFT; "retrieval augmented generation": RAG), when three letters or more
    and not a word of the phrase or a common word itself."""
    found = []
    for chosen in (words, [w for w in words if w not in STOP_WORDS]):
        initials = "".join(w[0] for w in chosen if w.isalpha())
        if len(initials) >= 3 and initials not in words and initials not in STOP_WORDS:
            found.append(initials)
    return tuple(dict.fromkeys(found))


class LexicalIndex:
    """An FTS5 index of papers' titles and abstracts in an in-memory SQLite database;
    ``ids[row]`` is the paper of FTS row ``row``."""

    def __init__(self, connection: sqlite3.Connection, ids: list[str]) -> None:
        self._db = connection
        self.ids = ids

    @classmethod
    def build(cls, papers: Iterable[tuple[str, str, str]]) -> LexicalIndex:
        """An index of ``(id, title, abstract)`` rows."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(
            """
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE ids(row INTEGER PRIMARY KEY, id TEXT NOT NULL);
            CREATE VIRTUAL TABLE papers USING fts5(
                title, abstract, content='', tokenize='porter unicode61 remove_diacritics 2'
            );
            """
        )
        db.execute(
            "INSERT INTO papers(papers, rank) VALUES ('rank', ?)", (f"bm25({TITLE_WEIGHT}, 1.0)",)
        )
        ids: list[str] = []

        def rows() -> Iterator[tuple[int, str, str]]:
            for node, title, abstract in papers:
                ids.append(node)
                yield len(ids) - 1, title, abstract

        db.executemany("INSERT INTO papers(rowid, title, abstract) VALUES (?, ?, ?)", rows())
        db.executemany("INSERT INTO ids(row, id) VALUES (?, ?)", enumerate(ids))
        db.execute("INSERT INTO meta VALUES ('format', ?)", (_FORMAT,))
        db.execute("INSERT INTO papers(papers) VALUES ('optimize')")
        db.commit()
        return cls(db, ids)

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> LexicalIndex:
        """The index serialised in ``data`` (read from ``where``, named in errors)."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            db.deserialize(data)
            (found,) = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if found != _FORMAT:
                raise SnapshotError(f"{where} has search index format {found!r}, not {_FORMAT}")
            ids = [node for (node,) in db.execute("SELECT id FROM ids ORDER BY row")]
        except (sqlite3.Error, TypeError) as exc:
            raise SnapshotError(
                f"{where} is not a paperkg search index ({exc}); rebuild the snapshot"
            ) from exc
        return cls(db, ids)

    def to_bytes(self) -> bytes:
        """The whole database, as a snapshot stores it."""
        return self._db.serialize()

    def title_rows(self, term: str) -> set[int]:
        """FTS rows whose title has the word ``term`` (stemmed as the index stems it)."""
        query = f'title : "{term}"'
        return {
            row
            for (row,) in self._db.execute(
                "SELECT rowid FROM papers WHERE papers MATCH ?", (query,)
            )
        }

    def ranked(self, query: str | None) -> Iterator[int]:
        """FTS rows matching the FTS5 expression ``query``, best BM25 first (lazily: a
        caller filtering the rows stops reading when it has enough)."""
        if query is None:
            return iter(())
        cursor = self._db.execute(
            "SELECT rowid FROM papers WHERE papers MATCH ? ORDER BY rank", (query,)
        )
        return (row for (row,) in cursor)
