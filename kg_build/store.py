"""The embedded store: a pyoxigraph Store on disk, loaded from canonical N-Quads.

Review graphs are named by their review IRI; the ontology and the vocabularies are loaded into the
named graphs ONTOLOGY_GRAPH and VOCAB_GRAPH so queries can follow skos:broader and read labels.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import iris

ONTOLOGY_GRAPH = iris.ONTOLOGY_IRI
VOCAB_GRAPH = iris.BASE + "vocab"
DATASET_GRAPH = iris.ID + "dataset"


def create_store(path: Path, nquads: bytes) -> None:
    """Create a new on-disk store at `path` holding the given N-Quads."""
    store = ox.Store(str(path))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store


def open_store(path: Path, read_only: bool = True) -> ox.Store:
    if not (Path(path) / "CURRENT").exists():
        raise FileNotFoundError(f"no store at {path}: run `sgkg build` first")
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
