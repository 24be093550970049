"""OWL 2 DL checks of the ontology with HermiT (through owlready2; needs Java on the PATH).

The ontology imports nothing over the network: owlready2 reads an N-Triples copy written to a
temporary folder, so the check runs offline.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import Graph
from rdflib.namespace import OWL

from kg_build.problems import SgkgError


@dataclass(frozen=True)
class ReasonerReport:
    consistent: bool
    unsatisfiable: tuple[str, ...]
    message: str = ""
    classes: int = 0  # named classes checked

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def java() -> str:
    """The Java that HermiT runs on; SgkgError when there is none on the PATH."""
    found = shutil.which("java")
    if found is None:
        raise SgkgError("Java is not installed, or not on the PATH: the HermiT reasoner runs on Java (17 or later)",
                        hint="install a Java runtime (on Debian: apt install default-jre-headless), then run again",
                        rule="no-java")
    return found


def check_ontology(graph: Graph) -> ReasonerReport:
    """Run HermiT over `graph`: is it consistent, and which named classes are unsatisfiable?"""
    java()
    g = Graph()
    for t in graph:
        if t[1] != OWL.imports:
            g.add(t)
    with tempfile.TemporaryDirectory(prefix="sgkg-hermit-") as tmp:
        nt = Path(tmp) / "ontology.nt"
        g.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerReport(False, (), str(exc))
        unsat = tuple(sorted(c.iri for c in world.inconsistent_classes()))
        classes = len(list(onto.classes()))
        world.close()
    return ReasonerReport(True, unsat, classes=classes)
