"""From a checked annotation file to RDF: IRIs, the ontology and vocabularies, the mapping, RDF plumbing."""
