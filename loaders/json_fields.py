"""Reading typed fields out of JSON records, with errors that name the file and record."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from paperkg.errors import InputError

__all__ = ["clean_text", "optional_date", "optional_text", "required_text", "string_list"]


def clean_text(value: str) -> str:
    """Runs of whitespace (including the line breaks of arXiv titles) folded to one space."""
    return " ".join(value.split())


def required_text(
    data: dict[str, Any], key: str, path: str, record: str, line: int | None = None
) -> str:
    """A non-empty string field, whitespace folded; else an error naming the record."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        got = "missing" if value is None else f"a {type(value).__name__}"
        raise InputError(
            f"{record}: field {key!r} must be a non-empty string, got {got}", path=path, line=line
        )
    return clean_text(value)


def optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return clean_text(value) if isinstance(value, str) and value.strip() else None


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
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.strptime(text, "%Y").date()
    except ValueError:
        return None
