"""Loopback servers for the tests: a free port, waiting for a server to answer, and an HTTP server
of the test's own (a request logger, a fake store) started and stopped around a block."""
from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


class Quiet(BaseHTTPRequestHandler):
    """A request handler that does not log to stderr."""

    def log_message(self, *args):
        pass


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on a free loopback port, answering with `handler`; `.url` is its base URL and
    `.log` a list the handler may append to."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.log = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@contextmanager
def oxigraph_server(folder) -> Iterator[str]:
    """A writable Oxigraph server (the binary of the `oxigraph` package) on a free loopback port,
    holding its store in `folder`; yields its base URL (/query, /update, /store)."""
    from kg_build.publish import serve

    port = free_port()
    proc = subprocess.Popen([serve.oxigraph_binary(), "serve", "--location", str(folder),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
