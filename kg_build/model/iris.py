"""Every IRI the builder mints, by one rule, from the ids written in the annotation files.

Never from a person's name or other personal data, never from counters or hashes of run order: the
same input gives the same IRIs. The patterns here are the ones the SHACL shapes and the QC queries
check (ID_PATTERN).
"""
from __future__ import annotations

import re
from functools import lru_cache

from rdflib import URIRef

BASE = "https://w3id.org/sgkg/"
ONTOLOGY = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
VOCAB = BASE + "vocab/"
ID = BASE + "id/"
ONS_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"

#: an id written by annotators: lowercase letters, digits and single hyphens
LOCAL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")

#: the segments of nodes that belong to another node (its time, evidence, publisher ...), minted by
#: the structural patterns of kg_build/rdf/patterns.py; a number counts evidence items
SUB_SEGMENTS = ("board", "local-authority", "annotation", "time", "evidence", "target", "selector", "position",
                "checksum", "publisher", "beginning", "end")


def review_parts() -> tuple[str, ...]:
    """The kinds of node minted below a review, as path segments: the `segment` of every list (and
    keyed node, such as a child's outcome) of the annotation format (ontology/format.yaml)."""
    from kg_build import resources

    return _review_parts(resources.format_file())


@lru_cache(maxsize=4)
def _review_parts(_format_file) -> tuple[str, ...]:
    from kg_build.model import spec

    return tuple(dict.fromkeys(k.segment for _, k in spec.walk() if k.segment))


def check_local_id(value: str) -> str:
    if not LOCAL_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id (lowercase letters, digits and hyphens)")
    return value


def ontology_version_iri(version: str) -> URIRef:
    return URIRef(f"{ONTOLOGY_IRI}/{version}")


def concept(scheme: str, code: str) -> URIRef:
    return URIRef(f"{VOCAB}{scheme}/{code.lower()}")


def scheme(name: str) -> URIRef:
    return URIRef(f"{VOCAB}{name}")


def review(review_id: str) -> URIRef:
    return URIRef(f"{ID}review/{check_local_id(review_id)}")


def case(case_id: str) -> URIRef:
    return URIRef(f"{ID}case/{check_local_id(case_id)}")


def annotator(annotator_id: str) -> URIRef:
    return URIRef(f"{ID}annotator/{check_local_id(annotator_id)}")


def local_authority(gss: str) -> URIRef:
    if not GSS_CODE.fullmatch(gss):
        raise ValueError(f"{gss!r} is not a GSS code")
    return URIRef(f"{ID}local-authority/{gss}")


def ons_geography(gss: str) -> URIRef:
    if not GSS_CODE.fullmatch(gss):
        raise ValueError(f"{gss!r} is not a GSS code")
    return URIRef(ONS_GEOGRAPHY + gss)


def part(review_iri: URIRef, kind: str, key: str) -> URIRef:
    """A node below a review: ``{review}/{kind}/{key}``."""
    if kind not in review_parts():
        raise ValueError(f"unknown kind of review part {kind!r}")
    return URIRef(f"{review_iri}/{kind}/{check_local_id(key)}")


def sub(node: URIRef, *segments: str) -> URIRef:
    """A node that belongs to another one: its time, its evidence, a source's publisher."""
    return URIRef("/".join([str(node), *segments]))


def id_pattern() -> str:
    """The one pattern every minted data IRI matches (ontology/shapes/iris.ttl is generated from it)."""
    return (
        r"^https://w3id\.org/sgkg/id/("
        r"review/[a-z0-9]+(-[a-z0-9]+)*(/(" + "|".join(review_parts()) + r")/[a-z0-9]+(-[a-z0-9]+)*)?"
        r"(/(" + "|".join(SUB_SEGMENTS) + r"|[0-9]+))*"
        r"|case/[a-z0-9]+(-[a-z0-9]+)*"
        r"|annotator/[a-z0-9]+(-[a-z0-9]+)*"
        r"|local-authority/[EWSN][0-9]{8}"
        r")$"
    )
