"""Where the ontology, vocabularies, shapes and stored queries are read from.

- By default, from the package: an installed wheel holds them as package data (kg_build/assets/,
  built from the repository's ontology/ and queries/ by setup.py); an editable install of a checkout
  reads the repository's folders themselves, so an edit is seen at once.
- From the folder named by the SGKG_HOME environment variable, when it is set: a folder holding
  `ontology/` and `queries/`, so a data engineer can build with an extended ontology, or a notebook
  point the library at another checkout, without installing anything.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path


def asset_dir(name: str) -> Path:
    """The folder `name` (ontology or queries) in use."""
    return _asset_dir(name, os.environ.get("SGKG_HOME"))


@lru_cache(maxsize=16)
def _asset_dir(name: str, home: str | None) -> Path:
    if home:
        return Path(home).resolve() / name
    shipped = Path(str(files("kg_build.assets"))) / name  # in a wheel: kg_build/assets/<name>
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / name  # an editable install: the checkout's folder


def ontology_dir() -> Path:
    return asset_dir("ontology")


def ontology_file() -> Path:
    return ontology_dir() / "sgkg.ttl"


def vocab_files() -> list[Path]:
    """Every file loaded as vocabulary: the concept schemes and the generated mappings between them."""
    return sorted((ontology_dir() / "vocab").glob("*.ttl"))


#: the file of ontology/vocab/ that holds the SKOS mappings between schemes, not a scheme
#: (generated from ontology/mappings/ by kg_build/devtools/sssomgen.py)
MAPPINGS_FILE = "mappings.ttl"


def scheme_files() -> list[Path]:
    """The files of ontology/vocab/ that each hold one concept scheme."""
    return [f for f in vocab_files() if f.name != MAPPINGS_FILE]


def shapes_files() -> list[Path]:
    return sorted((ontology_dir() / "shapes").glob("*.ttl"))


def format_file() -> Path:
    """The annotation format: every section and key of a review file (kg_build/model/spec.py)."""
    return ontology_dir() / "format.yaml"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def queries_dir() -> Path:
    return asset_dir("queries")


def checkout_root() -> Path:
    """The repository checkout this package is installed from (editable): where the development-time
    generators write docs/. Not meaningful for an installed wheel."""
    return Path(__file__).resolve().parent.parent
