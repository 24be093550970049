"""The embedded store: a pyoxigraph Store on disk, loaded from canonical N-Quads.

Review graphs are named by their review IRI; the ontology and the vocabularies are loaded into the
named graphs ONTOLOGY_GRAPH and VOCAB_GRAPH so queries can follow skos:broader and read labels.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from kg_build.rdf import iris
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


def _drop_logs(path: Path) -> None:
    """Remove RocksDB's info logs (LOG, LOG.old.*): they hold the absolute path of the folder and the
    host name, which a build handed on must not carry, and nothing reads them."""
    for f in Path(path).glob("LOG*"):
        f.unlink(missing_ok=True)


def create_store(path: Path, nquads_file: Path) -> None:
    """Create a new on-disk store at `path` holding the quads of an N-Quads file. The file is the
    build's own output, already parsed strictly quad by quad (kg_build/exports/parts.py), so the bulk
    loader skips IRI validation (lenient: about a third faster)."""
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads_file), format=ox.RdfFormat.N_QUADS, lenient=True)
    store.flush()
    store.optimize()
    del store
    _drop_logs(path)


def update_store(old: Path, new: Path, remove: list[str], add: list[Path]) -> None:
    """A new store at `new`: a checkpoint of the store at `old` (hard links to its immutable files,
    so it costs no copy, and `old` is never written), with the named graphs `remove` dropped and the
    N-Quads files `add` loaded."""
    source = ox.Store.read_only(str(old))
    source.backup(str(new))
    del source
    store = ox.Store(str(new))
    for graph in remove:
        store.remove_graph(ox.NamedNode(graph))
    for f in add:
        store.load(path=str(f), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    _drop_logs(new)


def open_store(path: Path, read_only: bool = True) -> ox.Store:
    """The store of a build; SgkgError when there is none or it cannot be opened (damaged)."""
    if not (Path(path) / "CURRENT").exists():
        raise SgkgError("no store here", path, hint="run `sgkg build` first", rule="no-build")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        raise SgkgError(f"the store cannot be opened: {str(exc).splitlines()[0]}", path,
                        hint="run `sgkg build` again: it loads a damaged store anew", rule="store-damaged") from None
