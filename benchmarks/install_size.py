"""How much disk `pip install .` takes: the installed size of paperkg's runtime dependencies
(the closure of its requirements as installed in this environment, no extras), and how much
of it is CUDA that a CPU-only machine never uses.

    python benchmarks/install_size.py

It reads the installed distributions' file lists (``importlib.metadata``), so it measures the
same files a fresh ``pip install .`` unpacks, without a second multi-GB download. Writes the
section ``install_size`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata as metadata
import re
import sys

from packaging.markers import default_environment
from packaging.requirements import Requirement
from report import write_section

#: Distributions only a CUDA GPU uses: PyTorch's Linux wheels on PyPI depend on them.
CUDA_ONLY = re.compile(r"^(nvidia-.*|triton|cuda-.*)$")


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(name: str, found: dict[str, metadata.Distribution]) -> dict[str, metadata.Distribution]:
    """``name`` and every distribution its requirements pull in here (markers evaluated for
    this machine, no extras)."""
    if key(name) in found:
        return found
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return found
    found[key(name)] = dist
    environment = {**default_environment(), "extra": ""}
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            closure(requirement.name, found)
    return found


def size(dist: metadata.Distribution) -> int:
    total = 0
    for file in dist.files or []:
        with contextlib.suppress(OSError):
            total += file.locate().stat().st_size  # type: ignore[union-attr]
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="Print, leave the docs alone.")
    args = parser.parse_args()
    found = closure("paperkg", {})
    sizes = {name: size(dist) for name, dist in found.items()}
    total = sum(sizes.values())
    cuda = sum(s for name, s in sizes.items() if CUDA_ONLY.match(name))
    torch = sizes.get("torch", 0)
    rows = "\n".join(
        f"| {name} | {sizes[name] / 2**20:,.0f} |"
        for name in sorted(sizes, key=lambda n: -sizes[n])[:12]
    )
    gib = 2**30
    body = f"""## Install size (`benchmarks/install_size.py`)

Command: `python benchmarks/install_size.py`. What `pip install .` puts on disk: the
{len(found)} distributions paperkg's requirements pull in on this machine (Linux x86_64,
Python {sys.version_info.major}.{sys.version_info.minor}, no extras), by their installed
files: **{total / gib:.2f} GiB**. Of that, **{cuda / gib:.2f} GiB** are CUDA libraries and
Triton (`nvidia-*`, `triton`), which PyTorch's Linux wheels on PyPI require and a CPU never
uses, and torch itself is {torch / gib:.2f} GiB (much of it CUDA kernels). Largest:

| distribution | MiB |
|---|---|
{rows}

A CPU-only route: PyTorch publishes CPU-only Linux wheels on its own index
(`https://download.pytorch.org/whl/cpu`), not on PyPI. The machines we measure on reach only
PyPI, so its size is not measured here; installing torch from that index first
(`pip install torch --index-url https://download.pytorch.org/whl/cpu`, then `pip install .`)
leaves out the {cuda / gib:.1f} GiB above. Installing PyPI's torch without its dependencies
does not work: `import torch` then fails looking for `libcublasLt`.
"""
    if not args.no_write:
        write_section("install_size", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
