"""From RDF to problems: SHACL shapes, QC queries, the validate command's files, the OWL reasoner check."""

ENGINES = ("turbo", "pyshacl")  # pyshacl-turbo (the default, fast) and pyshacl (the reference): ADR 0003
DEFAULT_ENGINE = "turbo"
