"""Real servers on loopback for the store and query tests: Oxigraph's own SPARQL server (from
the `oxigraph` package) and a tiny scripted HTTP server that answers what a test tells it to."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class OxigraphServer:
    """A running `oxigraph serve`, with its SPARQL query, update and graph store URLs."""

    base: str

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"


def oxigraph_binary() -> str:
    """The server binary the `oxigraph` package installs beside this Python."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not found:
        pytest.fail("the oxigraph server is missing: pip install -e '.[test]' (package oxigraph)")
    return found


@contextmanager
def oxigraph_server(location: Path | None = None) -> Iterator[OxigraphServer]:
    """Start `oxigraph serve` on a free loopback port (in memory unless `location`); stop it."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--bind", f"{LOOPBACK}:{port}"]
    if location:
        command += ["--location", str(location)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        server = OxigraphServer(f"http://{LOOPBACK}:{port}")
        _wait_until_answering(server.query_url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"oxigraph serve stopped at start: {error}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError as err:
            err.close()  # it answers (400: no query given): it is up
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    pytest.fail(f"oxigraph serve did not answer at {url} within {seconds} s")


@dataclass
class Request:
    """One request the scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedServer:
    """Answers each request with the next (status, body) of its script; the last one repeats."""

    url: str
    script: list[tuple[int, bytes]]
    requests: list[Request] = field(default_factory=list)

    def answer(self) -> tuple[int, bytes]:
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@contextmanager
def scripted_server(script: Sequence[tuple[int, bytes]]) -> Iterator[ScriptedServer]:
    """A real HTTP server on loopback, in a thread, answering from `script`."""
    state = ScriptedServer("", list(script))

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(Request(self.command, self.path, dict(self.headers), body))
            status, answer = state.answer()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_PUT = do_POST = do_GET = _handle  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read `requests` instead."""

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    state.url = f"http://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
