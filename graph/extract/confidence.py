"""How sure extraction is that a paper relates to a method or dataset, and on what basis.

Every paper-to-entity edge carries a ``basis`` (what evidence found it) and the
``confidence`` that basis earns. The build keeps edges at or above ``min_confidence``
(``DEFAULT_MIN_CONFIDENCE`` unless told otherwise); readers can ask for a higher bar.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

__all__ = ["CONFIDENCE", "DEFAULT_MIN_CONFIDENCE", "Basis", "check_min_confidence"]


class Basis(StrEnum):
    """What evidence names an entity of a paper, most trusted first."""

    #: A curated catalogue says so (Papers with Code).
    CURATED = "curated"
    #: A name of the shipped or user gazetteer.
    GAZETTEER = "gazetteer"
    #: The paper defines the name: "we propose X", "X (Full Name)", "X: ..." title.
    DEFINED = "defined"
    #: A name another paper of the corpus defines, found here as spelled.
    CORPUS = "corpus"
    #: A coined-looking name in a telling context: "on X", "the X benchmark", "X model".
    PATTERN = "pattern"
    #: A coined-looking name (CamelCase, letters with digits) and nothing else.
    SHAPE = "shape"
    #: An undefined capitals-only token ("ABC"): often an abbreviation, not a name.
    ACRONYM = "acronym"


CONFIDENCE = MappingProxyType(
    {
        Basis.CURATED: 0.95,
        Basis.GAZETTEER: 0.9,
        Basis.DEFINED: 0.85,
        Basis.CORPUS: 0.75,
        Basis.PATTERN: 0.6,
        Basis.SHAPE: 0.5,
        Basis.ACRONYM: 0.3,
    }
)
#: The build's default: every basis but a bare undefined acronym.
DEFAULT_MIN_CONFIDENCE = 0.5


def check_min_confidence(value: float) -> float:
    """``value`` when it is a confidence between 0 and 1, else a ``ParameterError``."""
    from paperkg.errors import ParameterError

    if not 0.0 <= value <= 1.0:
        raise ParameterError(
            f"min_confidence must be between 0 and 1, got {value}", param="min_confidence"
        )
    return value
