"""Generators used while developing: the Python namespace, the JSON Schema, HTML docs, query docs."""
