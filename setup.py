"""Only the package list lives here: content/ and resources/ become manualviewer.bundled and
manualviewer.resources in the installed package; pyproject.toml holds everything else."""

from setuptools import find_namespace_packages, find_packages, setup

# Every folder of the bundled library is a (data-only) package, so setuptools ships each
# folder's files without warning that a folder "would be ignored".
BUNDLED = ["manualviewer.bundled", *(f"manualviewer.bundled.{p}" for p in find_namespace_packages("content"))]

setup(
    packages=[*find_packages("src"), *BUNDLED, "manualviewer.resources"],
    package_dir={"": "src", "manualviewer.bundled": "content", "manualviewer.resources": "resources"},
    package_data={name: ["*.md", "*.yaml"] for name in BUNDLED},
)
