"""Safeguarding Review Knowledge Graph: child safeguarding case reviews as a queryable RDF graph.

A library first; the `sgkg` command line is a thin layer over it. The four things most users do:

    import kg_build as sg
    result = sg.build(["data"], "build")            # annotation files -> store and exports
    run = sg.validate(["data/reviews/x.yaml"])      # problems of annotation or RDF files
    rows = sg.query("cases/list-reviews").records() # a stored query, a .rq file, or SPARQL text
    sg.export("build", "ttl", "graph.ttl")          # one export of the last good build

Each stage is a subpackage, by what it holds (docs/architecture.md): annotations (reading annotation
files), rdf (mapping to RDF), validation (SHACL, QC, the validate command), pipeline (the build),
exports, queries, publish (serve, push), devtools (generators), cli.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING

try:
    __version__ = _dist_version("sgkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    raise ImportError(
        "the sgkg distribution is not installed; run `make install` (or `pip install -e .`) first"
    ) from None

if TYPE_CHECKING:  # the stages are imported when first used: `import kg_build` stays light
    from kg_build.pipeline.builder import BuildResult
    from kg_build.queries.stored import Answer
    from kg_build.validation.files import ValidationRun

__all__ = ["__version__", "build", "validate", "query", "export"]


def build(inputs: Iterable[str | Path] = ("data",), out: str | Path = "build", **options) -> BuildResult:
    """Build the annotation files under `inputs` into the build folder `out` (store, exports, cache).
    Options: strict, jobs, engine ("turbo" or "pyshacl"), exports (False: the store only), progress.
    Raises kg_build.problems.InputError (unusable input) or SgkgError (an unusable `out`)."""
    from kg_build.pipeline.builder import build as _build

    return _build([Path(p) for p in inputs], Path(out), **options)


def validate(paths: Iterable[str | Path], max_bytes: int | None = None) -> ValidationRun:
    """Check annotation files or RDF files (or folders of them) against the format and the shapes."""
    from kg_build.validation.files import validate_paths

    return validate_paths([Path(p) for p in paths], **({"max_bytes": max_bytes} if max_bytes else {}))


def query(what: str | Path, build_dir: str | Path = "build", params: dict[str, str] | None = None, *,
          endpoint: str | None = None, timeout: float | None = None) -> Answer:
    """Run a query on the build's store, or on a SPARQL endpoint. `what` is the name of a stored
    query (`cases/list-reviews`, or `list-reviews`), the path of a .rq file, or SPARQL text.
    `params` are bound as RDF terms of the types the query's header declares. With `timeout`, a local
    query runs in a child process stopped at the deadline."""
    from kg_build import queries
    from kg_build.store import open_store

    text = str(what)
    if isinstance(what, Path) or (text.endswith(".rq") and Path(text).is_file()):
        q = queries.adhoc(Path(text))
    elif "{" in text or re.match(r"\s*(#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", text, re.I):
        q = queries.from_text(text)
    else:
        q = queries.get(text)
    values = dict(params or {})
    if endpoint:
        return queries.run_endpoint(q, endpoint, values, **({"timeout": timeout} if timeout else {}))
    store = Path(build_dir) / "store"
    if timeout:
        return queries.run_local_with_deadline(q, store, values, timeout=timeout)
    return queries.run_local(q, open_store(store), values)


def export(build_dir: str | Path = "build", fmt: str = "trig", output: str | Path | None = None) -> Path | None:
    """Copy one export (trig, nq, ttl, jsonld, void) of the last good build to `output`, or to
    standard output when `output` is None."""
    from kg_build.exports.writer import export_store

    return export_store(Path(build_dir), fmt, Path(output) if output is not None else None)
