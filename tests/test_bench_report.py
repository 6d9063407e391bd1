"""docs/benchmarks.md keeps one block of figures per kind of CPU (issue 23): a run on another
kind of CPU adds its block beside the others, a run on the same kind replaces its own, and
sections written before the blocks existed are kept, saying their instruction sets were not
recorded. benchmarks/report.py is exercised on a copy, never on the real page."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import ROOT

LEGACY = """# Benchmarks

<!-- bench:knn -->
## kNN at 100,000 papers

| index | s |
|---|---|
| flat | 29.1 |

_Measured 2026-11-25 21:16 UTC at commit 1ad8391 on Intel(R) Xeon(R) Processor, 2 cores, \
24 GiB, Python 3.11.7._
<!-- /bench:knn -->
"""


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_report"] = module
    spec.loader.exec_module(module)
    module.REPORT = tmp_path / "benchmarks.md"
    module.REPORT.write_text(LEGACY, encoding="utf-8")
    return module


def test_cpu_kinds_name_the_widest_instruction_set(report):
    cpu = report.Cpu
    assert cpu("AMD EPYC", ("AVX2",)).kind == "amd-epyc-avx2"
    assert cpu("AMD EPYC", ("AVX2", "AVX-512F", "AVX-512 BF16")).kind == "amd-epyc-avx512-bf16"
    assert cpu("Intel(R) Xeon(R) Processor", ("AVX2", "AVX-512F", "AMX")).kind == "intel-xeon-amx"
    assert cpu("AMD EPYC", ("AVX2",)).label == "AMD EPYC (AVX2)"
    here = report.cpu()
    assert here.kind and here.label in report.machine()


def test_each_kind_of_cpu_keeps_its_own_block(report, monkeypatch: pytest.MonkeyPatch):
    avx2 = report.Cpu("AMD EPYC", ("AVX2",))
    bf16 = report.Cpu("AMD EPYC", ("AVX2", "AVX-512F", "AVX-512 BF16"))
    monkeypatch.setattr(report, "cpu", lambda: avx2)
    report.write_section("knn", "## kNN at 100,000 papers\n\nflat 40.0 s\n")
    monkeypatch.setattr(report, "cpu", lambda: bf16)
    report.write_section("knn", "## kNN at 100,000 papers\n\nflat 20.0 s\n")
    report.write_section("knn", "## kNN at 100,000 papers\n\nflat 19.0 s\n")  # replaces its own
    text = report.REPORT.read_text(encoding="utf-8")
    assert text.count("## kNN at 100,000 papers") == 1
    assert "### On Intel(R) Xeon(R) Processor (instruction sets not recorded)" in text
    assert "| flat | 29.1 |" in text  # the legacy figures are kept
    assert "### On AMD EPYC (AVX2)\n\nflat 40.0 s" in text
    assert "flat 19.0 s" in text and "flat 20.0 s" not in text
    blocks = [line for line in text.splitlines() if line.startswith("<!-- cpu:")]
    assert blocks == [
        "<!-- cpu:amd-epyc-avx2 -->",
        "<!-- cpu:amd-epyc-avx512-bf16 -->",
        "<!-- cpu:intel-xeon-unrecorded -->",
    ]
    assert text.count("_Measured ") == 3


def test_a_new_section_is_appended_with_its_block(report):
    report.write_section("fresh", "## Fresh\n\nfigures\n")
    text = report.REPORT.read_text(encoding="utf-8")
    assert text.index("<!-- /bench:knn -->") < text.index("<!-- bench:fresh -->")
    assert f"### On {report.cpu().label}\n\nfigures" in text
