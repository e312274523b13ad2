"""Only the package list lives here: content/ and resources/ become manualviewer.bundled and
manualviewer.resources in the installed package; pyproject.toml holds everything else."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "manualviewer.bundled", "manualviewer.resources"],
    package_dir={"": "src", "manualviewer.bundled": "content", "manualviewer.resources": "resources"},
)
