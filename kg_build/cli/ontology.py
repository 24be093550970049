"""`sgkg ontology check`: the OWL 2 DL checks of the ontology with the HermiT reasoner (consistency,
unsatisfiable classes), for a data engineer who extended it. Needs Java on the PATH."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK, EXIT_UNUSABLE


def register(sub, common) -> None:
    p = sub.add_parser("ontology", help="check the ontology with the HermiT reasoner",
                       description="sgkg ontology check [FILE.ttl]: is the ontology consistent, and is every class "
                                   "satisfiable? The ontology in use (SGKG_HOME's, if set) unless a file is named.")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("check", help="consistency and unsatisfiable classes (HermiT; needs Java)")
    a.add_argument("file", nargs="?", type=Path, help="an ontology in Turtle (default: ontology/sgkg.ttl in use)")
    common(a, out=False)
    a.set_defaults(func=run_check)


def run_check(args) -> int:
    from rdflib import Graph

    from kg_build.model import ontology
    from kg_build.problems import SgkgError
    from kg_build.validation import reasoning

    reasoning.java()  # before parsing: a missing Java is said at once
    if args.file is None:
        graph, where = ontology.load_ontology(), "the ontology"
    else:
        try:
            graph, where = Graph().parse(args.file, format="turtle"), str(args.file)
        except Exception as exc:  # noqa: BLE001 - rdflib raises parser-specific types
            raise SgkgError(f"cannot parse as Turtle: {str(exc).splitlines()[0]}", args.file,
                            hint="fix the file; nothing was checked", rule="rdf-syntax",
                            exit_code=EXIT_UNUSABLE) from None
    report = reasoning.check_ontology(graph)
    code = EXIT_OK if report.ok else EXIT_NONCONFORMING
    if args.json:
        print(json.dumps({"ok": report.ok, "exit_code": code, "consistent": report.consistent,
                          "unsatisfiable": list(report.unsatisfiable), "classes": report.classes,
                          "message": report.message}, indent=2))
        return code
    if not report.consistent:
        print(f"sgkg: {where} is inconsistent: {report.message}", file=sys.stderr)
    for iri in report.unsatisfiable:
        print(f"sgkg: {iri}: unsatisfiable class (no individual can belong to it: check its superclasses "
              "and disjointness axioms)", file=sys.stderr)
    if not args.quiet:
        print(f"{where}: {'consistent' if report.consistent else 'INCONSISTENT'}, {report.classes} classes, "
              f"{len(report.unsatisfiable)} unsatisfiable")
    return code
