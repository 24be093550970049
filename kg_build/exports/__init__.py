"""Standard RDF exports of a build: each review's parts, the files, the dataset description."""
