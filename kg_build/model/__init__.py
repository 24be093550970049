"""The model every stage shares: the ontology, vocabularies and shapes as loaded graphs, the sg:
namespace, the rules by which every IRI is minted, and moving RDF between rdflib and pyoxigraph."""
