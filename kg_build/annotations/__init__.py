"""Reading annotation files: YAML with positions, the annotation format, the checks."""
