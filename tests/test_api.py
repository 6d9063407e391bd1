"""The public Python API (``import paperkg``): what it exports, the ``Snapshot`` it opens,
and library messages that name Python parameters where the CLI names its flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LISTING, run

# --- library messages name parameters; the CLI names its flags ------------------------------


def test_a_python_caller_sees_the_parameter_and_the_cli_the_flag(tmp_path: Path):
    from paperkg.errors import PaperkgError
    from paperkg.pipeline import BuildOptions

    with pytest.raises(PaperkgError, match=r"^k must be at least 1, got 0$") as raised:
        BuildOptions(k=0)
    assert raised.value.param == "k"
    result = run("build", LISTING / "basic.txt", "--out", tmp_path / "kg", "-k", "0")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: -k must be at least 1, got 0"


@pytest.mark.parametrize(
    ("options", "param", "flag"),
    [
        ({"min_score": 2.0}, "min_score", "--min-score"),
        ({"resolution": 0.0}, "resolution", "--resolution"),
        ({"min_cluster_size": 0}, "min_cluster_size", "--min-cluster-size"),
        ({"max_papers": 0}, "max_papers", "--max-papers"),
        ({"batch_size": 0}, "batch_size", "--batch-size"),
    ],
)
def test_each_build_setting_is_named_as_a_parameter_and_as_a_flag(
    tmp_path: Path, options: dict[str, float], param: str, flag: str
):
    from paperkg.errors import PaperkgError
    from paperkg.pipeline import BuildOptions

    with pytest.raises(PaperkgError) as raised:
        BuildOptions(**options)  # type: ignore[arg-type]
    assert raised.value.param == param
    assert str(raised.value).startswith(f"{param} must be ")
    value = str(next(iter(options.values())))
    result = run("build", LISTING / "basic.txt", "--out", tmp_path / "kg", flag, value, "-q")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {flag}{str(raised.value)[len(param) :]}"


def test_out_is_named_as_out_in_python_and_as_the_flag_on_the_command_line(tmp_path: Path):
    from paperkg.errors import SnapshotError
    from paperkg.pipeline import build

    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=f"^out {taken} is a file; ") as raised:
        build([LISTING / "basic.txt"], taken)
    assert raised.value.param == "out"
    result = run("build", LISTING / "basic.txt", "--out", taken, "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: --out {taken} is a file; ")


def test_a_message_that_does_not_start_with_its_parameter_is_left_as_it_is():
    import click

    from paperkg.cli import flag_message
    from paperkg.errors import PaperkgError

    command = click.Command("x", params=[click.Option(["-k", "k"], type=int)])
    assert flag_message(PaperkgError("k must be 1", param="k"), command) == "-k must be 1"
    assert flag_message(PaperkgError("give k", param="k"), command) == "give k"
    assert flag_message(PaperkgError("kappa must be 1", param="kappa"), command) == (
        "kappa must be 1"
    )
    assert flag_message(PaperkgError("k must be 1"), command) == "k must be 1"
