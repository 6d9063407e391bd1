"""``make typecheck`` sees the whole library under its installed names.

mypy cannot follow the editable install's import hook, so the Makefile links each source
folder into ``build/typecheck/paperkg``; a folder pyproject maps but the Makefile does not
link would silently go unchecked. The check itself runs in ``make lint``, not here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_typecheck_links_every_folder_the_package_maps():
    package_dir = PYPROJECT["tool"]["setuptools"]["package-dir"]
    mapped = {name: folder for name, folder in package_dir.items() if name != "paperkg"}
    assert all(name == f"paperkg.{folder}" for name, folder in mapped.items()), (
        "the Makefile links folder X as paperkg/X"
    )
    linked = re.search(r"for folder in ([\w ]+); do", (ROOT / "Makefile").read_text())
    assert linked is not None, "the typecheck target's loop over the source folders is gone"
    assert set(linked.group(1).split()) == set(mapped.values())


def test_mypy_is_strict_on_the_package_and_ignores_no_import_globally():
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["strict"] is True and mypy["packages"] == ["paperkg"]
    assert "ignore_missing_imports" not in mypy, "untyped modules are listed one by one"
