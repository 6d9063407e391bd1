"""A recorded terminal session for docs/gallery.md: `paperkg build examples` as the CLI runs it,
its progress bars and summary drawn into a recording rich Console and saved as
docs/images/build.svg (rich's SVG export).

The CLI's own code draws everything: ``paperkg.render`` is given the recording console in place
of the terminal ones it would create, so the bars and the table are exactly the CLI's.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the default model ships in a package

from click.testing import CliRunner
from rich.console import Console

import paperkg.render
from paperkg.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
COMMAND = ["build", "examples", "--out", "kg"]


def record(out_svg: Path, width: int = 110) -> Path:
    """Run ``paperkg build examples --out kg`` in a new folder and save its session."""
    console = Console(
        record=True, width=width, file=io.StringIO(), color_system="truecolor", force_jupyter=False
    )
    console.print(f"[bold green]$[/] paperkg {' '.join(COMMAND)}", highlight=False)
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="paperkg-record-") as work:
        (Path(work) / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
        os.chdir(work)  # relative paths, as typed: "Snapshot written to kg"
        try:
            with mock.patch.object(paperkg.render, "Console", lambda **_kwargs: console):
                result = CliRunner().invoke(cli, COMMAND, catch_exceptions=False)
        finally:
            os.chdir(here)
    if result.exit_code != 0:
        sys.exit(f"paperkg build failed:\n{result.output}")
    console.print(result.output.rstrip("\n"), highlight=False, markup=False)  # click.echo lines
    out_svg.parent.mkdir(parents=True, exist_ok=True)
    console.save_svg(str(out_svg), title="paperkg build examples")
    return out_svg


def main() -> None:
    path = record(IMAGES / "build.svg")
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
