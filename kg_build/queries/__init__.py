"""Stored SPARQL queries: the catalogue, parameters, results, running them safely, counts.

The names of kg_build.queries.stored are the package's: `from kg_build import queries` then
`queries.get(...)`, `queries.run_local(...)`.
"""
from kg_build.queries.stored import *  # noqa: F401,F403
from kg_build.queries.stored import __all__  # noqa: F401
