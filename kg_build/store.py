"""The embedded store of a build (build/store/): its named graphs, and opening it to read.

Review graphs are named by their review IRI; the ontology and the vocabularies are in the named
graphs ONTOLOGY_GRAPH and VOCAB_GRAPH, so queries can follow skos:broader and read labels. The build
writes the store (kg_build/pipeline/store.py); queries, statistics and the endpoint read it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from kg_build.model import iris
from kg_build.problems import SgkgError

ONTOLOGY_GRAPH = iris.ONTOLOGY_IRI
VOCAB_GRAPH = iris.BASE + "vocab"
DATASET_GRAPH = iris.ID + "dataset"


def store_files(path: Path) -> dict[str, list[int]]:
    """Size and modification time of each file of a closed store, less RocksDB's info logs: what the
    next build checks before it takes the store as the base of an incremental update."""
    out = {}
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.is_file(follow_symlinks=False) and not entry.name.startswith(("LOG", "LOCK")):
            st = entry.stat(follow_symlinks=False)
            out[entry.name] = [st.st_size, st.st_mtime_ns]
    return out


def open_store(path: Path, read_only: bool = True) -> ox.Store:
    """The store of a build; SgkgError when there is none or it cannot be opened (damaged)."""
    if not (Path(path) / "CURRENT").exists():
        raise SgkgError("no store here", path, hint="run `sgkg build` first", rule="no-build")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        raise SgkgError(f"the store cannot be opened: {str(exc).splitlines()[0]}", path,
                        hint="run `sgkg build` again: it loads a damaged store anew", rule="store-damaged") from None
