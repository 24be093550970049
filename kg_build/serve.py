"""`sgkg serve`: a SPARQL 1.1 Protocol endpoint over the built store, with a query page.

It runs the Oxigraph server that the `oxigraph` PyPI package installs (same version line as
pyoxigraph, so it opens the store): read-only (`serve-read-only`: SPARQL Update and Graph Store
writes are refused), bound to 127.0.0.1 unless told otherwise, with a query timeout. The query page
is Oxigraph's own (YASGUI) at `/`; queries go to `/query`.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .problems import SgkgError


def oxigraph_binary() -> str:
    here = Path(sys.executable).with_name("oxigraph")
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise SgkgError("the Oxigraph server is not installed", hint="`pip install oxigraph` (it comes with sgkg)")
    return found


def serve_command(store: Path, host: str = "127.0.0.1", port: int = 7878, timeout: int = 30,
                  cors: bool = False) -> list[str]:
    if not (Path(store) / "CURRENT").exists():
        raise SgkgError("no store here", store, hint="run `sgkg build` first", rule="no-build")
    cmd = [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"{host}:{port}",
           "--timeout-s", str(timeout)]
    if cors:
        cmd.append("--cors")
    return cmd


def start(store: Path, host: str = "127.0.0.1", port: int = 7878, timeout: int = 30,
          cors: bool = False, **popen) -> subprocess.Popen:
    """Start the server in the background (for notebooks and tests); the caller stops it."""
    return subprocess.Popen(serve_command(store, host, port, timeout, cors), **popen)
