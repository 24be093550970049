"""Every IRI the builder mints, by one rule, from the ids written in the annotation files.

Never from a person's name or other personal data, never from counters or hashes of run order: the
same input gives the same IRIs. The patterns here are the ones the SHACL shapes and the QC queries
check (ID_PATTERN).
"""
from __future__ import annotations

import re

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

#: the kinds of node minted below a review, as path segments
REVIEW_PARTS = (
    "source", "child", "actor", "agency", "event", "rf", "info-gap", "mo", "finding",
    "good-practice", "recommendation", "systemic-factor", "outcome", "legal-outcome", "inspection",
)


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
    if kind not in REVIEW_PARTS:
        raise ValueError(f"unknown kind of review part {kind!r}")
    return URIRef(f"{review_iri}/{kind}/{check_local_id(key)}")


def sub(node: URIRef, *segments: str) -> URIRef:
    """A node that belongs to another one: its time, its evidence, a source's publisher."""
    return URIRef("/".join([str(node), *segments]))


#: the one pattern every minted data IRI matches (checked by SHACL and by a QC query)
ID_PATTERN = (
    r"^https://w3id\.org/sgkg/id/("
    r"review/[a-z0-9]+(-[a-z0-9]+)*(/(" + "|".join(REVIEW_PARTS) + r")/[a-z0-9]+(-[a-z0-9]+)*)?"
    r"(/(board|local-authority|time|evidence|target|selector|publisher|beginning|end|[0-9]+))*"
    r"|case/[a-z0-9]+(-[a-z0-9]+)*"
    r"|annotator/[a-z0-9]+(-[a-z0-9]+)*"
    r"|local-authority/[EWSN][0-9]{8}"
    r")$"
)
