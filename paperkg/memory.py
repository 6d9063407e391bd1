"""How much memory a build will need, against what the machine has, checked before the
expensive stages so a too-large input fails in seconds with advice, not in an OOM kill."""

from __future__ import annotations

from pathlib import Path

__all__ = ["BASE_BYTES", "BYTES_PER_PAPER", "available_bytes", "estimated_peak_bytes"]

#: Peak RSS of a build grows about linearly with papers (docs/benchmarks.md, scale section):
#: model, libraries and buffers, plus text, graph, vectors and analytics per paper.
BASE_BYTES = 1_200 * 2**20
BYTES_PER_PAPER = 40 * 2**10


def estimated_peak_bytes(papers: int) -> int:
    """A generous estimate of a build's peak memory for ``papers`` papers."""
    return BASE_BYTES + BYTES_PER_PAPER * papers


def available_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Memory available to a new process (Linux ``MemAvailable``), or None if unknown."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
