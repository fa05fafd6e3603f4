"""The package list, found rather than written by hand: every folder with an __init__.py under the
four roots, installed under its `wearsync.` name (pyproject.toml holds everything else)."""

from setuptools import find_packages, setup

# The installed name of each top-level folder: one namespace, so `sync` is never installed bare.
ROOTS = {
    "wearsync": "wearsync",
    "wearsync.sync": "sync",
    "wearsync.analytics": "analytics",
    "wearsync.dashboard": "dashboard",
}

setup(
    package_dir=ROOTS,
    packages=[f"{name}.{sub}" for name, folder in ROOTS.items() for sub in find_packages(folder)] + list(ROOTS),
)
