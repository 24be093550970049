"""Where the ontology, vocabularies, shapes and stored queries live.

They are read from the source tree (the package is installed editable), or from the folder named by
the SGKG_HOME environment variable, so a notebook can point the library at another checkout.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def project_root() -> Path:
    return _root(os.environ.get("SGKG_HOME"))


@lru_cache(maxsize=8)
def _root(env: str | None) -> Path:
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def ontology_dir() -> Path:
    return project_root() / "ontology"


def ontology_file() -> Path:
    return ontology_dir() / "sgkg.ttl"


def vocab_files() -> list[Path]:
    return sorted((ontology_dir() / "vocab").glob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted((ontology_dir() / "shapes").glob("*.ttl"))


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def queries_dir() -> Path:
    return project_root() / "queries"
