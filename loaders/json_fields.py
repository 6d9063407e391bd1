"""Reading typed fields out of JSON records, with errors that name the file and record."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from paperkg.errors import InputError
from paperkg.loaders.text_file import visible

__all__ = [
    "clean_text",
    "object_list",
    "optional_date",
    "optional_text",
    "required_text",
    "string_list",
]

#: Longer than any date text (RFC 2822 with a zone name is about 60 characters).
MAX_DATE_CHARS = 100
#: ``clean_text`` folds long text a piece at a time: a field of millions of words split at
#: once would be millions of strings (a 50 MB abstract took over 1 GB).
_FOLD_CHARS = 1 << 20


def clean_text(value: str) -> str:
    """Runs of whitespace (including the line breaks of arXiv titles) folded to one space."""
    if len(value) <= _FOLD_CHARS:
        return " ".join(value.split())
    folded: list[str] = []
    space = False  # whitespace seen since the last word kept
    for start in range(0, len(value), _FOLD_CHARS):
        piece = value[start : start + _FOLD_CHARS]
        words = " ".join(piece.split())
        if words:
            if folded and (space or piece[0].isspace()):
                folded.append(" ")
            folded.append(words)
            space = piece[-1].isspace()
        else:
            space = True
    return "".join(folded)


def required_text(
    data: dict[str, Any], key: str, path: str, record: str, line: int | None = None
) -> str:
    """A non-empty string field, whitespace folded; else an error naming the record. A string
    of only invisible characters (zero-width spaces, format characters) is empty too."""
    value = data.get(key)
    if not isinstance(value, str) or not visible(value):
        if isinstance(value, str) and value.strip():
            got = "only invisible characters"
        else:
            got = "missing" if value is None else f"a {type(value).__name__}"
        raise InputError(
            f"{record}: field {key!r} must be a non-empty string, got {got}", path=path, line=line
        )
    return clean_text(value)


def optional_text(data: dict[str, Any], key: str) -> str | None:
    """A string field, whitespace folded; None when missing, not a string, or invisible."""
    value = data.get(key)
    return clean_text(value) if isinstance(value, str) and visible(value) else None


def object_list(value: Any) -> list[Any]:
    """The items of a list field; anything else (a string, a number, an object) has none."""
    return value if isinstance(value, list) else []


def string_list(value: Any) -> tuple[str, ...]:
    """Strings of a list (other items ignored); a single string becomes a one-item tuple."""
    if isinstance(value, str):
        return (clean_text(value),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(clean_text(v) for v in value if isinstance(v, str) and v.strip())
    return ()


def optional_date(value: Any) -> date | None:
    """ISO dates and timestamps ("2024-03-02", "2024-03-02T10:00:00Z") or RFC 2822 ones."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = re.match(r"\d{4}-\d{2}-\d{2}", text)
    if match:
        try:
            return date.fromisoformat(match.group(0))
        except ValueError:
            return None
    if len(text) > MAX_DATE_CHARS:  # no date; parsing would split it into all its words
        return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):  # a year or offset too large
        pass
    try:
        return datetime.strptime(text, "%Y").date()
    except ValueError:
        return None
