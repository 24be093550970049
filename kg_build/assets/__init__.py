"""The files sgkg reads at run time, shipped inside the package: `kg_build.assets.ontology` (the
repository's ontology/: the ontology, the SKOS vocabularies, the SHACL shapes, the JSON-LD context)
and `kg_build.assets.queries` (its queries/: the stored SPARQL queries). Read them through
kg_build.resources."""
