"""Credentials for remote stores come from the environment or netrc, and never show: not on
stdout, not on stderr, not in an error (401, 500, a refused connection), not in `--verbose`
output, even when the server quotes them back, nor when a user puts them in the URL.

The server is real HTTP on loopback, demanding Basic auth (or a bearer token) and echoing the
Authorization header it got into its error pages, as careless servers do.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bookrdf.cli import cli
from tests.conftest import SEED_RECORD, SEED_WITHOUT_ISBNS
from tests.servers import LOOPBACK, free_port

USER = "reader"
PASSWORD = "pa55-Wd-7c0ffee"  # a test secret, to look for in every output
TOKEN = "tok-9f8e7d6c5b"
GOOD = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
RESULTS = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]},
}


@dataclass
class AuthServer:
    """Answers /ok/… when the Authorization header is right (401 otherwise) and /broken/…
    always with 500; error pages quote the Authorization header received."""

    url: str = ""
    accepted: set[str] = field(default_factory=lambda: {GOOD, f"Bearer {TOKEN}"})
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, auth


@pytest.fixture
def server() -> Iterator[AuthServer]:
    state = AuthServer()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            auth = self.headers.get("Authorization", "")
            state.seen.append((self.command, self.path, auth))
            if self.path.startswith("/broken/"):
                self._answer(500, f"internal error while handling Authorization: {auth}")
            elif auth not in state.accepted:
                self._answer(401, f"bad credentials: {auth!r}", {"WWW-Authenticate": "Basic"})
            elif self.command == "PUT":
                self._answer(204, "")
            else:
                self._answer(
                    200, json.dumps(RESULTS), {"Content-Type": "application/sparql-results+json"}
                )

        def _answer(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
            body = text.encode()
            self.send_response(status)
            for name, value in {"Content-Type": "text/plain", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_POST = do_GET = _handle  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    state.url = f"http://{LOOPBACK}:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOOKRDF_TOKEN", "BOOKRDF_USER", "BOOKRDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKRDF_USER", USER)
    monkeypatch.setenv("BOOKRDF_PASSWORD", PASSWORD)


@pytest.fixture
def netrc_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {LOOPBACK} login {USER} password {PASSWORD}\n", "utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))


SECRETS = [PASSWORD, TOKEN, GOOD.split()[1], f"{USER}:{PASSWORD}"]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, text


def load(endpoint: str, *more: str) -> Result:
    args = ["load", str(SEED_WITHOUT_ISBNS), "--no-validate", "--endpoint", endpoint, "--verbose"]
    return CliRunner().invoke(cli, [*args, "--retries", "1", "--timeout", "5", *more])


def query(endpoint: str) -> Result:
    return CliRunner().invoke(
        cli, ["query", "-e", "SELECT (1 AS ?n) {}", "--endpoint", endpoint, "--verbose"]
    )


def http_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("HTTP ")]


VERBOSE = re.compile(
    r"^HTTP (PUT|POST) http://127\.0\.0\.1:\d+/\S+ -> (\d{3}.*|failed: .*) in \d+\.\d{3} s$"
)


@pytest.mark.parametrize("source", ["env_credentials", "netrc_credentials"])
def test_a_load_and_a_query_send_the_credentials_and_never_show_them(
    source: str, server: AuthServer, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(source)
    loaded = load(f"{server.url}/ok/store")
    assert loaded.exit_code == 0, loaded.output
    queried = query(f"{server.url}/ok/query")
    assert queried.exit_code == 0, queried.output
    assert [auth for _, _, auth in server.seen] == [GOOD, GOOD]
    [put] = http_lines(loaded)
    assert VERBOSE.match(put), put
    assert put.startswith(f"HTTP PUT {server.url}/ok/store?graph=https%3A%2F%2Fexample.org")
    assert " -> 204 in " in put
    [post] = http_lines(queried)
    assert VERBOSE.match(post), post
    assert " -> 200 in " in post
    assert_no_secret(loaded.stdout, loaded.stderr, queried.stdout, queried.stderr)


@pytest.mark.usefixtures("env_credentials")
def test_the_check_for_isbns_in_the_store_sends_the_credentials_too(server: AuthServer) -> None:
    args = ["load", str(SEED_RECORD), "--no-validate", "--verbose"]
    loaded = CliRunner().invoke(cli, [*args, "--endpoint", f"{server.url}/ok/store"])
    assert loaded.exit_code == 0, loaded.output
    assert [(method, auth) for method, _, auth in server.seen] == [("POST", GOOD), ("PUT", GOOD)]
    assert_no_secret(loaded.stdout, loaded.stderr)


@pytest.mark.usefixtures("env_credentials")
def test_a_wrong_password_is_a_401_error_that_does_not_quote_it(server: AuthServer) -> None:
    server.accepted = {"Basic something-else"}
    for result in (load(f"{server.url}/ok/store"), query(f"{server.url}/ok/query")):
        assert result.exit_code == 2
        [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert "answered 401 Unauthorized: bad credentials: '***'" in error
        assert "set BOOKRDF_USER and BOOKRDF_PASSWORD" in error
        assert all(VERBOSE.match(line) for line in http_lines(result))
        assert "Traceback" not in result.output
        assert_no_secret(result.stdout, result.stderr)
    assert len(server.seen) == 2  # a 401 is not retried


@pytest.mark.usefixtures("netrc_credentials")
def test_a_server_error_quoting_the_credentials_is_shown_without_them(
    server: AuthServer,
) -> None:
    result = load(f"{server.url}/broken/store")
    assert result.exit_code == 2
    assert (
        "answered 500 Internal Server Error: internal error while handling Authorization: ***"
        in result.stderr
    )
    assert len(http_lines(result)) == 2  # tried, then retried once
    assert_no_secret(result.stdout, result.stderr)


@pytest.mark.usefixtures("env_credentials")
def test_a_refused_connection_names_the_server_but_not_the_credentials() -> None:
    url = f"http://{LOOPBACK}:{free_port()}/store"
    result = load(url)
    assert result.exit_code == 2
    assert f"Error: {url}?graph=" in result.stderr
    assert "Connection refused" in result.stderr
    assert all(" -> failed: " in line for line in http_lines(result))
    assert_no_secret(result.stdout, result.stderr)


def test_a_token_is_sent_and_never_shown(
    server: AuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOKRDF_TOKEN", TOKEN)
    good = load(f"{server.url}/ok/store")
    assert good.exit_code == 0, good.output
    bad = load(f"{server.url}/broken/store")
    assert "Authorization: ***" in bad.stderr
    assert server.seen[0][2] == f"Bearer {TOKEN}"
    assert_no_secret(good.stdout, good.stderr, bad.stdout, bad.stderr)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://{user}:{password}@{host}/ok/store",
        "http://{user}:{password}@{host}",
        "https://{user}:{password}@{host}:notaport/x",
        "ftp://{user}:{password}@{host}/x",
        "http://{user}:{password}@[::1/x",
    ],
)
def test_credentials_in_the_url_are_refused_without_echoing_them(
    endpoint: str, server: AuthServer
) -> None:
    host = server.url.removeprefix("http://")
    url = endpoint.format(user=USER, password=PASSWORD, host=host)
    for result in (load(url), query(url)):
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        [error] = result.stderr.splitlines()
        assert error.startswith("Error: ")
        assert "BOOKRDF_USER" in error or "not a valid URL" in error or "not an http" in error
        assert_no_secret(result.stdout, result.stderr)
    assert server.seen == []  # nothing was sent anywhere


def test_credentials_in_the_url_are_refused_with_what_to_do_instead(server: AuthServer) -> None:
    host = server.url.removeprefix("http://")
    result = load(f"http://{USER}:{PASSWORD}@{host}/ok/store")
    assert result.stderr == (
        f"Error: http://{host}/ok/store: credentials in the URL are refused (never put a "
        "password in a command line); set BOOKRDF_USER and BOOKRDF_PASSWORD (or BOOKRDF_TOKEN) "
        "in the environment, or add the host to ~/.netrc (an '@' in a path or query is "
        "written %40)\n"
    )


def test_a_broken_netrc_file_is_named_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: AuthServer
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {LOOPBACK} login {USER} password {PASSWORD} {PASSWORD}\n", "utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    result = load(f"{server.url}/ok/store")
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"Error: {re.escape(str(netrc))}:\d+: cannot read the netrc file: a syntax error on "
        r"that line\n",
        result.stderr,
    )
    assert_no_secret(result.stdout, result.stderr)


def test_a_real_process_shows_no_credential_on_any_stream(
    server: AuthServer, tmp_path: Path
) -> None:
    """The same through a real process's file descriptors: nothing logged elsewhere."""
    env = {"PATH": "/usr/bin:/bin", "BOOKRDF_USER": USER, "BOOKRDF_PASSWORD": PASSWORD}
    env["NETRC"] = str(tmp_path / "none")
    env["HOME"] = str(tmp_path)
    bookrdf = str(Path(sys.executable).parent / "bookrdf")
    for endpoint in ("ok", "broken"):
        url = f"{server.url}/{endpoint}/store"
        done = subprocess.run(
            [bookrdf, "load", str(SEED_WITHOUT_ISBNS), "--no-validate", "-v", "--endpoint", url],
            capture_output=True,
            env=env,
            check=False,
        )
        assert done.returncode == (0 if endpoint == "ok" else 2), done.stderr
        assert b"HTTP PUT" in done.stderr
        assert_no_secret(done.stdout.decode(), done.stderr.decode())
