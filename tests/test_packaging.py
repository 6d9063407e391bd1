"""What ``pip install .`` and ``pipx install .`` get: the sdist and wheel ``python -m build``
makes, read as zip and tar files (every module, the package data, the entry point, index-ready
metadata, the licence), and the wheel installed without dependencies into a folder, from where
paperkg runs a build and finds its query packs, gazetteer and view template.

Installing the wheel into a fresh environment would download PyTorch; the dependencies are
this environment's instead, and only paperkg comes from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
VERSION = PROJECT["version"]
DIST_INFO = f"paperkg-{VERSION}.dist-info"

#: Package data: the file patterns of each package folder the installed code reads.
DATA = {
    "paperkg": ["py.typed"],
    "queries": ["packs/*/*.cypher", "*.grass"],
    "graph": ["data/*.json"],
    "viz": ["templates/*.html"],
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build``: the sdist, then the wheel built from the unpacked sdist (so the
    wheel also proves the sdist is complete)."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("paperkg-*.whl")
    assert found.name == f"paperkg-{VERSION}-py3-none-any.whl"
    print(f"wheel {found.name}: {found.stat().st_size / 1024:.0f} KiB")
    return found


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def wheel_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name).decode("utf-8")


def metadata(wheel: Path) -> Message:
    return Parser().parsestr(wheel_text(wheel, f"{DIST_INFO}/METADATA"))


def expected_files() -> set[str]:
    """Every module and data file of the source tree, at its path in the wheel, from
    pyproject's package-dir mapping (``loaders/`` is ``paperkg/loaders/``, ...)."""
    package_dirs = PYPROJECT["tool"]["setuptools"]["package-dir"]
    expected = set()
    for package, folder in package_dirs.items():
        target = package.replace(".", "/")
        source = ROOT / folder
        for module in source.rglob("*.py"):
            if "__pycache__" not in module.parts:
                expected.add(f"{target}/{module.relative_to(source).as_posix()}")
        for pattern in DATA.get(folder, []):
            found = sorted(source.glob(pattern))
            assert found, f"no {pattern} under {folder}/"
            expected |= {f"{target}/{path.relative_to(source).as_posix()}" for path in found}
    return expected


def test_the_wheel_holds_every_module_and_data_file_and_nothing_else(wheel: Path):
    names = wheel_names(wheel)
    package_files = {name for name in names if not name.startswith(DIST_INFO)}
    expected = expected_files()
    assert expected - package_files == set(), "missing from the wheel"
    assert package_files - expected == set(), "in the wheel but not in the source tree"
    assert len([n for n in expected if n.endswith(".cypher")]) >= 19


def test_the_packages_setuptools_is_told_about_are_every_package_folder():
    """A new subpackage folder must be listed in pyproject, or its modules would be left out."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    mapped = set(PYPROJECT["tool"]["setuptools"]["package-dir"])
    assert mapped <= listed
    found = set()
    for package, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *relative)))
            assert ".".join((package, *relative)) in listed, f"{init} is not in pyproject"
    assert listed == found, "a package in pyproject has no folder"


def test_the_entry_point_is_the_click_group(wheel: Path):
    entry_points = wheel_text(wheel, f"{DIST_INFO}/entry_points.txt")
    assert re.search(r"^\[console_scripts\]\s*^paperkg = paperkg\.console:run$", entry_points, re.M)


def test_the_metadata_is_ready_for_a_package_index(wheel: Path):
    meta = metadata(wheel)
    assert meta["Name"] == "paperkg"
    assert meta["Version"] == VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), "a semantic version"
    assert meta["Summary"]
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["License-Expression"] == "MIT"
    assert meta["License-File"] == "LICENSE"
    assert meta["Author"] == "paperkg developers"
    classifiers = meta.get_all("Classifier")
    for wanted in (
        "Environment :: Console",
        "Intended Audience :: Science/Research",
        "Programming Language :: Python :: 3.11",
        "Operating System :: POSIX :: Linux",
    ):
        assert wanted in classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    assert not any(c.startswith("License :: ") for c in classifiers), "the expression says it"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= urls.keys()
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().startswith("# paperkg\n")


def test_the_metadata_keeps_every_dependency_and_extra(wheel: Path):
    meta = metadata(wheel)
    requires = meta.get_all("Requires-Dist")
    written = [Requirement(line) for line in requires]  # metadata may reorder a range
    for dependency in PROJECT["dependencies"]:
        assert Requirement(dependency) in written, dependency
    extras = set(meta.get_all("Provides-Extra"))
    assert {"test", "bench", "docs", "fetch"} <= extras
    assert 'httpx>=0.27; extra == "fetch"' in requires
    assert 'mkdocs-click>=0.8; extra == "docs"' in requires
    assert 'build>=1.2; extra == "test"' in requires


def test_the_licence_file_is_in_the_wheel_and_the_sdist(wheel: Path, dist: Path):
    licence = wheel_text(wheel, f"{DIST_INFO}/licenses/LICENSE")
    assert licence.startswith("MIT License")
    assert "paperkg developers" in licence
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")
    (sdist,) = dist.glob("paperkg-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    prefix = f"paperkg-{VERSION}"
    assert {f"{prefix}/LICENSE", f"{prefix}/README.md", f"{prefix}/pyproject.toml"} <= names


def test_the_changelog_has_this_version_and_an_unreleased_section():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    ordered = sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert versions == ordered and versions[0] == VERSION, "newest first, this version on top"


INSTALLED_CHECK = """
import json, sys
from importlib.resources import files
from pathlib import Path

import paperkg
from paperkg.queries import load_catalog

where = Path(paperkg.__file__).resolve().parent
packs = files("paperkg.queries").joinpath("packs")
cypher = sorted(
    f"{pack.name}/{item.name}"
    for pack in packs.iterdir() if pack.is_dir()
    for item in pack.iterdir() if item.name.endswith(".cypher")
)
gazetteer = json.loads(files("paperkg.graph").joinpath("data/gazetteer.json").read_text("utf-8"))
template = files("paperkg.viz").joinpath("templates/view.html").read_text("utf-8")
print(json.dumps({
    "package": str(where),
    "version": paperkg.__version__,
    "cypher": cypher,
    "catalog": len(load_catalog()),
    "gazetteer": len(gazetteer["entries"]) > 100,
    "template": "<html" in template.lower(),
}))
"""


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The wheel installed with ``pip install --no-deps --target``, and an environment whose
    PYTHONPATH puts it first (dependencies come from this environment)."""
    target = tmp_path_factory.mktemp("target")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1"}
    return target, env


def test_the_installed_wheel_reaches_its_package_data(installed: tuple[Path, dict]):
    target, env = installed
    done = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK],
        cwd=target.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["package"] == str((target / "paperkg").resolve()), "not the wheel's copy"
    assert found["version"] == VERSION
    shipped = sorted(
        p.relative_to(ROOT / "queries" / "packs").as_posix()
        for p in (ROOT / "queries" / "packs").glob("*/*.cypher")
    )
    assert found["cypher"] == shipped
    assert found["catalog"] == len(shipped)
    assert found["gazetteer"] and found["template"]


def test_the_installed_command_builds_a_graph_with_an_html_view(
    installed: tuple[Path, dict], tmp_path: Path
):
    """``python -m paperkg`` from the wheel's copy: the version, a build of one example page
    (the gazetteer finds methods), its overview view (the template and pyvis's vis-network
    assets inlined) and the query list (the packs)."""
    _, env = installed

    def paperkg(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "paperkg", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert paperkg("--version").strip() == f"paperkg, version {VERSION}"
    out = tmp_path / "kg"
    feed = ROOT / "examples" / "feed-mar-02.txt"
    report = json.loads(paperkg("build", str(feed), "--out", str(out), "--html", "-q", "--json"))
    assert report["papers"] > 10
    assert report["methods"] > 0
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert "vis-network" in page and "new vis.Network" in page
    assert 'src="http' not in page
    queries = json.loads(paperkg("query", "list", "--json"))
    assert len(queries) == len(list((ROOT / "queries" / "packs").glob("*/*.cypher")))


def test_fetch_without_httpx_names_the_extra(tmp_path: Path):
    code = (
        "import sys; sys.modules['httpx'] = None\nfrom paperkg.cli import main\n"
        "main(['fetch', 'arxiv', '--ids', '2401.01234', '--into', sys.argv[1]])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: paperkg fetch needs httpx: install paperkg[fetch]"
    )
