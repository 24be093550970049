"""`python -m kg_build.cli`: the `sgkg` command."""
import sys

from kg_build.cli import main

sys.exit(main())
