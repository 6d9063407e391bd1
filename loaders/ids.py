"""The shapes of the paper ids users give to more than one fetcher: arXiv ids and DOIs."""

from __future__ import annotations

import re

__all__ = ["is_arxiv_id", "is_doi"]

_ARXIV_NEW = re.compile(r"\d{4}\.\d{4,5}(v\d+)?")
_ARXIV_OLD = re.compile(r"[a-z][a-z.-]*(\.[A-Z]{2})?/\d{7}(v\d+)?")
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def is_arxiv_id(text: str) -> bool:
    """``2401.01234`` or the old ``hep-th/9901001``, optionally with a version (``v2``)."""
    return bool(_ARXIV_NEW.fullmatch(text) or _ARXIV_OLD.fullmatch(text))


def is_doi(text: str) -> bool:
    """A bare DOI: ``10.`` a registrant code, ``/`` and a suffix without blanks."""
    return _DOI.fullmatch(text) is not None
