"""The OpenVINO embedding backend: the model's transformer converted once, run by OpenVINO.

sentence-transformers' own ``backend="openvino"`` needs optimum-intel, which pins an older
transformers and pulls torchvision and nncf; instead the transformer that
sentence-transformers loads is converted with ``openvino.convert_model`` and saved (IR) in a
cache folder with its tokenizer and pooling settings. Later runs load that folder without
importing torch. On CPUs with bfloat16 units (AVX-512 BF16, AMX) OpenVINO computes in
bfloat16 by default, which is where most of the speed comes from. CPUs without them but
with int8 dot-product units (AVX-512 VNNI, AVX-VNNI) get an int8 copy quantised with NNCF,
calibrated on paper text and kept only if it stays close to f32; the manifest records the
precision used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import warnings
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from paperkg import atomic
from paperkg.errors import ModelError
from paperkg.graph.embed.embeddings import embedding_dimension

__all__ = [
    "PRECISIONS",
    "OpenVinoEncoder",
    "choose_precision",
    "cpu_flags",
    "default_cache_dir",
    "export_key",
    "quantise",
    "quantised_key",
]

_SETTINGS = "paperkg-openvino.json"
_MODEL = "model.xml"
_TOKENIZER = "tokenizer.json"
#: Poolings this backend reproduces; others stay on the torch backend.
POOLINGS = ("mean", "cls")
#: Precisions the backend can be asked for; ``None`` leaves the choice to OpenVINO.
PRECISIONS = ("f32", "bf16", "int8")
#: Lowest cosine to the f32 vectors, on held-out calibration texts, for int8 to be used.
INT8_MIN_COSINE = 0.99


def default_cache_dir() -> Path:
    """Where exported models are kept: ``$XDG_CACHE_HOME/paperkg/openvino`` (``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paperkg" / "openvino"


def export_key(model: str, target: str) -> str:
    """Cache folder name of one model: its name, where it loads from, the OpenVINO version."""
    import openvino

    text = f"{model}\n{target}\n{openvino.__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cpu_flags() -> frozenset[str]:
    """This CPU's instruction-set flags (``/proc/cpuinfo``); empty where they cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(("flags", "Features")):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def choose_precision(flags: Iterable[str]) -> str | None:
    """The fastest accurate precision for a CPU with ``flags``: bf16 with bfloat16 units,
    int8 with int8 dot-product units, else f32; ``None`` (OpenVINO's choice) if unknown."""
    have = set(flags)
    if not have:
        return None
    if have & {"avx512_bf16", "amx_bf16"}:
        return "bf16"
    if have & {"avx512_vnni", "avx_vnni"}:
        return "int8"
    return "f32"


def quantised_key(key: str) -> str:
    """Cache folder name of a model's int8 copy: its f32 export's key and NNCF's version."""
    import nncf

    return f"{key}-int8-{nncf.__version__}"


def calibration_texts() -> list[str]:
    """Paper texts shipped with paperkg for calibrating int8 (examples and stories feeds)."""
    data = resources.files("paperkg.graph").joinpath("data/calibration.json")
    return [str(text) for text in json.loads(data.read_text(encoding="utf-8"))["texts"]]


class OpenVinoEncoder:
    """Tokenise, run the converted transformer, pool and normalise, in batches."""

    def __init__(self, folder: Path, batch_size: int, precision: str | None = None) -> None:
        import openvino
        from tokenizers import Tokenizer

        settings = json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))
        self.folder = folder
        self.dimension = int(settings["dimension"])
        self.pooling = str(settings["pooling"])
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(folder / _TOKENIZER))
        self.tokenizer.enable_truncation(int(settings["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=int(settings["pad_id"]), pad_token=settings["pad"])
        #: Lowest cosine of an int8 copy to f32 on held-out texts (absent for f32 exports).
        self.check = float(settings.get("check_cosine", 1.0))
        quantised = settings.get("precision") == "int8"
        core = openvino.Core()
        config = {"PERFORMANCE_HINT": "LATENCY"}
        if quantised:  # int8 layers run in int8; the layers NNCF left alone stay f32
            precision = "f32"
        if precision is not None:  # else OpenVINO's choice for this CPU (bf16 where it has it)
            config["INFERENCE_PRECISION_HINT"] = precision
        self.compiled = core.compile_model(core.read_model(str(folder / _MODEL)), "CPU", config)
        self.inputs = [port.get_any_name() for port in self.compiled.inputs]
        hint = self.compiled.get_property("INFERENCE_PRECISION_HINT")
        self.precision = "int8" if quantised else getattr(hint, "to_string", hint.__str__)()

    def arrays(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Token ids, attention mask and type ids of ``texts``, padded to the longest."""
        encodings = self.tokenizer.encode_batch(list(texts))
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return arrays

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 rows; texts are batched by length so little is padded."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            arrays = self.arrays([texts[i] for i in rows])
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


def quantise(source: Path, folder: Path, texts: Sequence[str] | None = None) -> float:
    """Write an int8 copy of the f32 export in ``source`` to ``folder``, calibrated on paper
    texts; returns the lowest cosine of its vectors to f32 on a held-out quarter of them."""
    import nncf
    import openvino

    texts = list(texts if texts is not None else calibration_texts())
    held = texts[::4]
    calibrate = [text for i, text in enumerate(texts) if i % 4]
    encoder = OpenVinoEncoder(source, 32, "f32")
    samples = [
        {name: array for name, array in encoder.arrays([text]).items() if name in encoder.inputs}
        for text in calibrate
    ]
    model = openvino.Core().read_model(str(source / _MODEL))
    nncf.set_log_level(40)  # errors only: paperkg reports what it does itself
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        quantised = nncf.quantize(
            model,
            nncf.Dataset(samples),
            preset=nncf.QuantizationPreset.MIXED,
            model_type=nncf.ModelType.TRANSFORMER,  # softmax, layer norms, ... stay f32
            subset_size=len(samples),
            ignored_scope=nncf.IgnoredScope(patterns=list(_KEEP_F32), validate=False),
        )
    settings = json.loads((source / _SETTINGS).read_text(encoding="utf-8"))

    def fill(tmp: Path) -> None:
        openvino.save_model(quantised, str(tmp / _MODEL), compress_to_fp16=False)
        (tmp / _TOKENIZER).write_bytes((source / _TOKENIZER).read_bytes())
        (tmp / _SETTINGS).write_text(json.dumps(settings, indent=2), encoding="utf-8")

    settings.update(precision="int8", nncf=nncf.__version__, calibration_texts=len(calibrate))
    settings["check_cosine"] = check = _check(encoder, held, quantised)
    atomic.write_folder(folder, fill, replace=False)
    return check


#: Layers left in f32 (node-name patterns): each block's feed-forward down-projection, whose
#: activations have outliers; on 120 seed papers all-int8 gave min cosine 0.9945 and 10-NN
#: overlap 0.954 to torch, this 0.998 and 0.974.
_KEEP_F32 = (r".*layer\.\d+\.output\.dense.*",)


def _check(encoder: OpenVinoEncoder, texts: Sequence[str], quantised: Any) -> float:
    """Lowest cosine between f32 and int8 vectors of ``texts``."""
    import openvino

    compiled = openvino.Core().compile_model(quantised, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    reference = encoder.encode(texts)
    other = encoder.compiled
    encoder.compiled = compiled
    try:
        vectors = encoder.encode(texts)
    finally:
        encoder.compiled = other
    return float((reference * vectors).sum(axis=1).min())


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
