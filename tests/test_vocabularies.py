"""Every concept scheme is complete: labels, definitions, notations unique in the scheme, a sound hierarchy."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from kg_build import resources as paths
from kg_build.model import iris, ontology

VOCAB_FILES = paths.vocab_files()


def test_there_are_vocabularies():
    assert len(VOCAB_FILES) >= 15


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.stem)
def test_scheme_file_is_one_complete_concept_scheme(path):
    g = Graph().parse(path, format="turtle")
    scheme = iris.scheme(path.stem)
    assert list(g.subjects(RDF.type, SKOS.ConceptScheme)) == [scheme], "one scheme a file, named as the file"
    assert g.value(scheme, SKOS.prefLabel) is not None and g.value(scheme, SKOS.definition) is not None
    concepts = sorted(g.subjects(RDF.type, SKOS.Concept))
    assert concepts, "a scheme without concepts"
    problems = []
    notations = Counter()
    labels = Counter()
    for c in concepts:
        pref = [label for label in g.objects(c, SKOS.prefLabel) if label.language == "en"]
        defs = [d for d in g.objects(c, SKOS.definition) if d.language == "en"]
        nots = list(g.objects(c, SKOS.notation))
        if len(pref) != 1:
            problems.append(f"{c}: {len(pref)} English prefLabels")
        if len(defs) != 1 or len(defs[0]) < 15 or re.search(r"\b(TODO|TBD|FIXME)\b", defs[0]):
            problems.append(f"{c}: definition {defs!r}")
        if len(nots) != 1:
            problems.append(f"{c}: {len(nots)} notations")
        else:
            notations[str(nots[0])] += 1
            if iris.concept(path.stem, str(nots[0])) != c:
                problems.append(f"{c}: notation {nots[0]} does not match its IRI")
        labels.update(str(label).lower() for label in pref)
        if (c, SKOS.inScheme, scheme) not in g:
            problems.append(f"{c}: not in scheme {scheme}")
        broader = list(g.objects(c, SKOS.broader))
        for b in broader:
            if (b, SKOS.inScheme, scheme) not in g:
                problems.append(f"{c}: broader {b} is not a concept of this scheme")
        if not broader and (c, SKOS.topConceptOf, scheme) not in g:
            problems.append(f"{c}: a concept without broader must be a top concept")
        if (c, SKOS.topConceptOf, scheme) in g and (scheme, SKOS.hasTopConcept, c) not in g:
            problems.append(f"{c}: top concept not listed by skos:hasTopConcept")
    problems += [f"notation {n!r} used {k} times" for n, k in notations.items() if k > 1]
    problems += [f"prefLabel {n!r} used {k} times" for n, k in labels.items() if k > 1]
    assert not problems, "\n".join(problems)


def test_hierarchies_have_no_cycles():
    g = ontology.load_vocabularies()
    for c in set(g.subjects(SKOS.broader, None)):
        seen, todo = set(), [c]
        while todo:
            node = todo.pop()
            for b in g.objects(node, SKOS.broader):
                assert b != c, f"{c} is its own ancestor"
                if b not in seen:
                    seen.add(b)
                    todo.append(b)


def test_mapping_targets_exist():
    g = ontology.load_vocabularies()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch):
        for s, o in g.subject_objects(prop):
            if str(o).startswith(iris.VOCAB):
                assert o in concepts, f"{s} maps to {o}, which is not defined"


def test_scheme_index_reads_codes_from_the_files():
    rf = ontology.scheme("risk-factor")
    assert rf.lookup("depression") == iris.concept("risk-factor", "depression")
    assert rf.lookup("no-such-code") is None
    with pytest.raises(KeyError):
        ontology.scheme("no-such-scheme")
