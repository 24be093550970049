"""Safeguarding Review Knowledge Graph builder.

A library first: every stage (loading annotations, mapping to RDF, validation, store, export) is a
function a notebook can call; the `sgkg` command line is a thin layer over them.
"""
from importlib.metadata import PackageNotFoundError, version as _dist_version

try:
    __version__ = _dist_version("sgkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    raise ImportError(
        "the sgkg distribution is not installed; run `make install` (or `pip install -e .`) first"
    ) from None
