"""Whether a token can be the name of a method or dataset: coined-looking shapes, and the
words, abbreviations, metrics and hardware that look like names but never are."""

from __future__ import annotations

import re

from paperkg.graph.extract.english import ordinary_word
from paperkg.graph.extract.gazetteer import entity_key

__all__ = [
    "GENERIC_ACRONYMS",
    "TITLE_WORDS",
    "coined",
    "hardware_like",
    "latex_glued",
    "metric_like",
    "name_shaped",
    "never_a_name",
]

#: Title prefixes before a colon that are phrases, not names.
_TITLE_TEXT = """
    beyond towards toward rethinking revisiting scaling learning understanding benchmarking
    evaluating improving measuring exploring unveiling unlocking bridging demystifying why
    how what when where position survey overview introduction review tutorial on the a an
    from less more all one not no do does can is are attention language vision data deep
    efficient simple fast robust scalable generalist open mind lost sparse dense
"""
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
#: Abbreviations of generic terms (fields, model families, tasks, hardware) and capitalised
#: function words: name-shaped, never the name of one method or dataset.
_GENERIC_TEXT = """
    plm plms fscil cil til dil ssl mllm mllms lvlm lvlms vlm vlms mlm mim cl fl cf kv mtl
    slm slms eeg ecg mri ct nl sr hr lr svd pca peft kd da dg tl il fsl zsl ir cls seg t2i
    t2v i2v tta ttt nas hpo ft pt ppl acc auc map iou wer cer llm llms nlp rl gpu gpus tpu
    tpus api apis sota asr tts rag mlp mlps cnn cnns rnn rnns gnn gnns ai ml dl cv qa vqa
    nlu nlg lm lms mt ood iid sgd moe kg kgs ner pos ocr io cpu cpus ram json html url pdf
    i ii iii iv we our this these in it a an the to on for with and by as at or finally code
    specifically experiments results however moreover furthermore additionally unlike
    existing extensive here then first second third both each all such most many several
    sft cot icl e2e 3d 2d 4d 1d uav ar vr iot dnn dnns ffn ffns ptm ptms nmt gec slu lid
    mdp qat ptq rgb rgbd hci ui ux ehr ehrs pde pdes ode odes nli roi rois fnn npu npus
"""
GENERIC_ACRONYMS = frozenset(_GENERIC_TEXT.split())
#: Metric stems: "AP50", "BLEU-4", "sFID", "AUC-ROC", "pass@1", "R@10", "mIoU" are scores.
_METRIC_STEMS = (
    "AP|AR|mAP|mAR|BLEU|ROUGE|METEOR|CIDEr|SPICE|FID|KID|IS|PSNR|SSIM|LPIPS|NDCG|MRR|EM|F1|"
    "AUC|ROC|AUROC|AUPRC|PRC|ECE|WER|CER|PPL|FPS|FLOPs|FLOPS|GFLOPs|TFLOPs|MACs|TTFT|TPOT|"
    "IoU|mIoU|Acc|mAcc|Top|top|pass|Pass|Recall|Hits|MSE|RMSE|MAPE|SMAPE|CRPS|TM-score|"
    "GDT|RMSD|LDDT|lDDT|CLIPScore|BERTScore|chrF|TER|MOS|UTMOS|NISQA|DNSMOS|SI-SNR|"
    "SI-SDR|PESQ|STOI|EER|NMI|ARI|ACC|Dice|HD95|ADE|FDE|NDS|ATE|Rank|CMC|"
    "dB|Hz|kHz|MHz|GHz|KB|MB|GB|TB|ms|µs|us|ns|mW|µW|uW|kW|mJ|µJ|kWh|Wh|mAh|mA|mV"
)
_METRIC = re.compile(
    r"R@\d+|"
    rf"(?:[smrgcb](?=FID|KID|IS\b|AP|AR))?(?:{_METRIC_STEMS})(?:[-@_]?\d+|-[A-Z]|@k)?"
    rf"(?:-(?:{_METRIC_STEMS}))?"
)
#: Accelerators by their model numbers ("A100", "H800", "V100"), and GPUs in context.
#: (Bare model numbers such as "A100" are in the gazetteer as hardware; "K400" or "M4" alone
#: may as well name a dataset, so they count as hardware only before "GPUs" and the like.)
_HARDWARE = re.compile(
    r"(?:RTX\s?\d{4}|GTX\s?\d{4}|TPU\s?v\d+[a-z]?|MI\d{3}X?|Cortex-[AMR]\d+|Jetson)"
)
_HARDWARE_AFTER = re.compile(r"\s*(?:GPUs?|TPUs?|accelerators?|chips?|cards?|cores?)\b")
#: LaTeX commands glued into words when a feed drops the backslash ("English\rightarrowFrench").
_LATEX = re.compile(
    r"(?:rightarrow|leftarrow|Rightarrow|Leftarrow|mathbf|mathcal|mathrm|textbf|textit)"
)


def metric_like(token: str) -> bool:
    """``token`` is an evaluation score (a metric stem with a cut-off, variant or prefix)
    or a unit ("dB", "GB").

    >>> [metric_like(t) for t in ("AP50", "BLEU-4", "sFID", "AUC-ROC", "pass@1", "T5")]
    [True, True, True, True, True, False]
    """
    return _METRIC.fullmatch(token) is not None


def hardware_like(token: str, after: str = "") -> bool:
    """``token`` is an accelerator: a model number ("A100") or a name before "GPUs"."""
    return _HARDWARE.fullmatch(token) is not None or bool(
        _HARDWARE_AFTER.match(after) and re.search(r"\d", token)
    )


def latex_glued(token: str) -> bool:
    """``token`` is words glued by a LaTeX command that lost its backslash
    ("English\\rightarrowFrench", "reduction\\cite_key")."""
    return _LATEX.search(token) is not None or re.match(r"[a-z]{4,}_", token) is not None


def never_a_name(token: str, after: str = "") -> bool:
    """Generic abbreviations, metrics, hardware and LaTeX debris: name-shaped, never names
    (``after``: the text following the token, for "8 A100 GPUs")."""
    return (
        entity_key(token) in GENERIC_ACRONYMS
        or metric_like(token)
        or hardware_like(token, after)
        or latex_glued(token)
    )


def name_shaped(name: str) -> bool:
    """Looks like a coined name: CamelCase, an acronym, letters with digits, or a hyphened
    cap; not a generic abbreviation, a title phrase or an ordinary word written oddly."""
    core = re.sub(r"[\s\-.+]", "", name)
    if len(core) < 2 or entity_key(name) in GENERIC_ACRONYMS:
        return False
    if name.lower() in TITLE_WORDS:
        return False
    return bool(
        re.search(r"[a-z][A-Z]", name)  # CamelCase: FoldLite
        or re.match(r"[A-Z]{2,}[a-z]{2,}", name)  # VTrans, BIOptimus
        or re.fullmatch(r"[A-Z][A-Z0-9\-+]+[a-z]?", name)  # acronym: CLIP, GSM8K, SAM2
        or (re.search(r"\d", name) and re.search(r"[A-Za-z]", name))  # GPT-4o, CASP15
        or re.search(r"[A-Z]{2,}\w*-[A-Za-z]", name)  # SWE-bench
        or re.search(r"\w-[A-Z]{2,}", name)  # Curry-DPO, Hi-End-MAE
    )


def coined(name: str) -> bool:
    """Name-shaped and not an ordinary English word in capitals or odd casing: a name on
    its shape alone, without a gazetteer entry or a defining sentence."""
    return name_shaped(name) and not ordinary_word(name)
