"""Writing benchmark figures into docs/benchmarks.md, one marked section per benchmark."""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
INTRO = """# Benchmarks

Figures written by the scripts in `benchmarks/` (`make bench`). Each section says the machine,
the command and the median of several runs. Tests never assert times; these pages are where
speed is measured.

Speed depends on the CPU: our machines come with Intel Xeons that have AVX-512 BF16 and AMX
and with AMD EPYCs, some with AVX2 only. So every section keeps one block per kind of CPU it
was measured on ("On AMD EPYC (AVX2, AVX-512F, ...)"), naming the model and the instruction
sets that matter here (AVX2, AVX-512F, AVX-512 VNNI, AVX-512 BF16, AMX); a run on another kind
of CPU adds its block beside the others instead of replacing them. Blocks written before the
instruction sets were recorded say so. Compare ratios within one block: they were measured
in one run on one machine.
"""


#: The instruction sets a figure depends on (/proc/cpuinfo flag, how the docs name it).
ISA_FLAGS = (
    ("avx2", "AVX2"),
    ("avx512f", "AVX-512F"),
    ("avx512_vnni", "AVX-512 VNNI"),
    ("avx512_bf16", "AVX-512 BF16"),
    ("amx_tile", "AMX"),
)


@dataclass(frozen=True)
class Cpu:
    """The CPU figures were measured on: its model name and the instruction sets of
    :data:`ISA_FLAGS` it has (named as the docs name them)."""

    model: str
    isa: tuple[str, ...]

    @property
    def kind(self) -> str:
        """A short key for the kind of CPU: its vendor and family and its widest ISA level
        ('amd-epyc-avx512-bf16', 'intel-xeon-amx', 'amd-epyc-avx2'): figures measured on
        one kind are kept apart from another's in docs/benchmarks.md."""
        words = re.findall(r"[a-z0-9]+", re.sub(r"\(r\)|\(tm\)", "", self.model.lower()))
        family = "-".join(w for w in words if w not in {"processor", "cpu", "core"}) or "cpu"
        for flag, level in (
            ("AMX", "amx"),
            ("AVX-512 BF16", "avx512-bf16"),
            ("AVX-512F", "avx512"),
            ("AVX2", "avx2"),
        ):
            if flag in self.isa:
                return f"{family}-{level}"
        return f"{family}-baseline"

    @property
    def label(self) -> str:
        """'AMD EPYC (AVX2, AVX-512F, AVX-512 VNNI, AVX-512 BF16)'."""
        return f"{self.model} ({', '.join(self.isa) or 'no AVX2'})"


def cpu() -> Cpu:
    """This machine's CPU, read from /proc/cpuinfo."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model in ("", platform.machine()):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return Cpu(model, tuple(name for flag, name in ISA_FLAGS if flag in flags))


def machine() -> str:
    """One line describing this machine: CPU model and instruction sets, cores, memory,
    Python."""
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return f"{cpu().label}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_section(name: str, body: str) -> None:
    """Write the figures of section ``name`` of docs/benchmarks.md for this machine's kind of
    CPU, keeping those other kinds of CPU gave: a section holds its heading (the body's
    first line, when it is a ``## `` heading) and one block per CPU kind, each headed "On
    CPU" and stamped with its date, commit and machine."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    here = cpu()
    stamp = (
        f"_Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit()} on {machine()}._"
    )
    lines = body.strip("\n").splitlines()
    heading = lines.pop(0) if lines and lines[0].startswith("## ") else f"## {name}"
    block = (
        f"<!-- cpu:{here.kind} -->\n### On {here.label}\n\n"
        + "\n".join(lines).strip("\n")
        + f"\n\n{stamp}\n<!-- /cpu:{here.kind} -->"
    )
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else INTRO
    blocks: dict[str, str] = {}
    if start in text and end in text:
        before, rest = text.split(start, 1)
        old, after = rest.split(end, 1)
        blocks = cpu_blocks(old)
    else:
        before, after = text.rstrip() + "\n\n", "\n"
    blocks[here.kind] = block
    section = "\n\n".join([heading, *(blocks[kind] for kind in sorted(blocks))])
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(f"{before}{start}\n{section}\n{end}{after}", encoding="utf-8")


def cpu_blocks(section: str) -> dict[str, str]:
    """The per-CPU blocks of a section, by CPU kind. A section written before blocks existed
    becomes one block of the CPU its stamp names (its instruction sets were not recorded)."""
    found = dict(
        (match[1], match[0])
        for match in re.finditer(r"<!-- cpu:(\S+) -->.*?<!-- /cpu:\1 -->", section, re.S)
    )
    if found:
        return found
    lines = section.strip("\n").splitlines()
    if lines and lines[0].startswith("## "):
        lines.pop(0)
    named = re.search(r"UTC at commit \S+ on (.+?), \d+ cores", section)
    model = named[1] if named else "an unrecorded CPU"
    flags = re.search(r"CPU flags ([a-z0-9_ ]+)", section)  # a few sections said them
    have = set(flags[1].split()) if flags else set()
    recorded = tuple(name for flag, name in ISA_FLAGS if flag in have)
    # Kept apart from every block written since: AVX-512 BF16 was never among the flags
    # these sections recorded, so even the same model may have been another kind of CPU.
    family = Cpu(model, ()).kind.removesuffix("-baseline")
    kind = f"{family}-unrecorded"
    label = (
        f"{model} (recorded: {', '.join(recorded)}; AVX-512 BF16 and AMX not recorded)"
        if recorded
        else f"{model} (instruction sets not recorded)"
    )
    return {
        kind: f"<!-- cpu:{kind} -->\n### On {label}\n\n"
        + "\n".join(lines).strip("\n")
        + f"\n<!-- /cpu:{kind} -->"
    }
