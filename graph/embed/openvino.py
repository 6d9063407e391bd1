"""The OpenVINO embedding backend: the model's transformer converted once, run by OpenVINO.

sentence-transformers' own ``backend="openvino"`` needs optimum-intel, which pins an older
transformers and pulls torchvision and nncf; instead the transformer that
sentence-transformers loads is converted with ``openvino.convert_model`` and saved (IR) in a
cache folder with its tokenizer and pooling settings. Later runs load that folder without
importing torch. On CPUs with bfloat16 units (AVX-512 BF16, AMX) OpenVINO computes in
bfloat16 by default, which is where most of the speed comes from; the manifest records the
precision used.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from paperkg import atomic
from paperkg.errors import ModelError
from paperkg.graph.embed.embeddings import embedding_dimension

__all__ = ["OpenVinoEncoder", "default_cache_dir", "export_key"]

_SETTINGS = "paperkg-openvino.json"
_MODEL = "model.xml"
_TOKENIZER = "tokenizer.json"
#: Poolings this backend reproduces; others stay on the torch backend.
POOLINGS = ("mean", "cls")


def default_cache_dir() -> Path:
    """Where exported models are kept: ``$XDG_CACHE_HOME/paperkg/openvino`` (``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paperkg" / "openvino"


def export_key(model: str, target: str) -> str:
    """Cache folder name of one model: its name, where it loads from, the OpenVINO version."""
    import openvino

    text = f"{model}\n{target}\n{openvino.__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class OpenVinoEncoder:
    """Tokenise, run the converted transformer, pool and normalise, in batches."""

    def __init__(self, folder: Path, batch_size: int, precision: str | None = None) -> None:
        import openvino
        from tokenizers import Tokenizer

        settings = json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))
        self.dimension = int(settings["dimension"])
        self.pooling = str(settings["pooling"])
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(folder / _TOKENIZER))
        self.tokenizer.enable_truncation(int(settings["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=int(settings["pad_id"]), pad_token=settings["pad"])
        core = openvino.Core()
        config = {"PERFORMANCE_HINT": "LATENCY"}
        if precision is not None:  # else OpenVINO's choice for this CPU (bf16 where it has it)
            config["INFERENCE_PRECISION_HINT"] = precision
        self.compiled = core.compile_model(core.read_model(str(folder / _MODEL)), "CPU", config)
        self.inputs = [port.get_any_name() for port in self.compiled.inputs]
        hint = self.compiled.get_property("INFERENCE_PRECISION_HINT")
        self.precision = hint.to_string() if hasattr(hint, "to_string") else str(hint)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 rows; texts are batched by length so little is padded."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            arrays = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            hidden = self.compiled({name: arrays[name] for name in self.inputs})[0]
            mask = arrays["attention_mask"][..., None].astype(np.float32)
            if self.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        return out


def export(model: Any, folder: Path) -> bool:
    """Convert a loaded ``SentenceTransformer`` into ``folder``; False if it cannot be
    reproduced here (another pooling, extra modules, no fast tokenizer)."""
    import openvino

    modules = list(model)
    kinds = [type(module).__name__ for module in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or not set(kinds[2:]) <= {"Normalize"}:
        return False
    pooling = _pooling(modules[1])
    tokenizer = getattr(model, "tokenizer", None)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if pooling not in POOLINGS or tokenizer is None or backend is None:
        return False
    sample = tokenizer(
        ["paperkg exports this model once.", "A second, longer sentence pads the first."],
        padding=True,
        truncation=True,
        return_tensors="pt",
    )
    transformer = modules[0].auto_model.eval()
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    with warnings.catch_warnings():  # tracing warnings from transformers' code, not ours
        warnings.simplefilter("ignore")
        converted = openvino.convert_model(transformer, example_input=dict(sample))

    def fill(tmp: Path) -> None:
        openvino.save_model(converted, str(tmp / _MODEL), compress_to_fp16=False)
        backend.save(str(tmp / _TOKENIZER))
        pad = tokenizer.pad_token or "[PAD]"
        settings = {
            "dimension": embedding_dimension(modules[1]),
            "pooling": pooling,
            "max_seq_length": int(model.max_seq_length),
            "pad": pad,
            "pad_id": int(tokenizer.convert_tokens_to_ids(pad)),
        }
        (tmp / _SETTINGS).write_text(json.dumps(settings, indent=2), encoding="utf-8")

    # Another process may have exported it first: theirs is as good, and kept.
    atomic.write_folder(folder, fill, replace=False)
    return True


def _pooling(module: Any) -> str:
    mode = getattr(module, "pooling_mode", None)
    if isinstance(mode, str):
        return mode
    config = module.get_config_dict() if hasattr(module, "get_config_dict") else {}
    if config.get("pooling_mode_mean_tokens") and not config.get("pooling_mode_cls_token"):
        return "mean"
    if config.get("pooling_mode_cls_token") and not config.get("pooling_mode_mean_tokens"):
        return "cls"
    return "other"


def load_exported(folder: Path, batch_size: int, precision: str | None = None) -> OpenVinoEncoder:
    """The encoder in an export folder, or ``ModelError`` naming the folder if it is damaged."""
    try:
        return OpenVinoEncoder(folder, batch_size, precision)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelError(
            f"the exported model in {folder} cannot be loaded ({type(exc).__name__}: damaged, "
            "or from another OpenVINO); delete that folder and run again to export it afresh"
        ) from exc
