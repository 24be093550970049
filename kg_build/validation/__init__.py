"""From RDF to problems: SHACL shapes, QC queries, the validate command's files, the OWL reasoner check."""
