"""pyproject.toml lists the packages by hand (content/ and resources/ are mapped into the
package, which automatic discovery cannot do): the list must name every one, or a wheel
silently leaves code or bundled content out."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _packages_under(folder: Path, prefix: str, *, need_init: bool) -> set[str]:
    found = {prefix}
    for sub in folder.rglob("*"):
        if not sub.is_dir() or sub.name == "__pycache__" or sub.name.endswith(".egg-info"):
            continue
        if need_init and not (sub / "__init__.py").is_file():
            continue
        found.add(".".join([prefix, *sub.relative_to(folder).parts]))
    return found


def test_pyproject_lists_every_package_and_bundled_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {
        "": "src", "manualviewer.bundled": "content", "manualviewer.resources": "resources"}
    wanted = (_packages_under(ROOT / "src" / "manualviewer", "manualviewer", need_init=True)
              | _packages_under(ROOT / "content", "manualviewer.bundled", need_init=False)
              | _packages_under(ROOT / "resources", "manualviewer.resources", need_init=False))
    listed = set(config["packages"])
    assert sorted(wanted - listed) == [], "add these to [tool.setuptools] packages in pyproject.toml"
    assert sorted(listed - wanted) == [], "these are listed in pyproject.toml but do not exist"
