"""Misbehaving SPARQL servers and unusable endpoint URLs: each is one `Error:` line, exit 2,
within the timeout, with no credential shown.

The servers are real HTTP on loopback (a socket server in a thread), each answering one way a
broken server or proxy does: a byte now and then, a body cut short, an answer of gigabytes, a
status line that is not HTTP, a redirect quoting a secret.
"""

from __future__ import annotations

import contextlib
import email.utils
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bookrdf.cli import cli
from bookrdf.errors import StoreError
from bookrdf.store import Client, RemoteStore
from bookrdf.store.http import retry_after
from tests.conftest import SEED_WITHOUT_ISBNS
from tests.servers import LOOPBACK

RESULTS = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
TOKEN = "tok-5ec2e7-abcdef"

Answer = Callable[[socket.socket], None]


@contextmanager
def raw_server(answer: Answer) -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that reads each request's head and hands the socket to `answer`."""
    requests: list[bytes] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            head = b""
            while b"\r\n\r\n" not in head:
                data = self.request.recv(65536)
                if not data:
                    return
                head += data
            requests.append(head.split(b"\r\n", 1)[0])
            # the request's body is read before answering: closing a socket with unread bytes
            # sends a reset, which can reach the client before the answer it has not read yet
            length = re.search(rb"(?im)^content-length:\s*([0-9]+)", head)
            body = head.partition(b"\r\n\r\n")[2]
            while length and len(body) < int(length[1]):
                data = self.request.recv(65536)
                if not data:
                    return
                body += data
            with contextlib.suppress(OSError):  # the client hung up, as it should
                answer(self.request)

    server = socketserver.ThreadingTCPServer((LOOPBACK, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/query", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


DRIPS = 50


def dripping(sock: socket.socket) -> None:
    """200, then a byte every 0.2 s for 10 s: each read is quick, the answer never ends."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
    for _ in range(DRIPS):
        sock.sendall(b" ")
        time.sleep(0.2)


def counted_drips() -> tuple[Answer, list[int]]:
    """`dripping`, noting how many bytes each answer sent before the client hung up (DRIPS
    when it never did): the client's deadline, told apart from its start-up and retries."""
    sent: list[int] = []

    def answer(sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
        for count in range(DRIPS):
            try:
                sock.sendall(b" ")
            except OSError:  # the client shut its end: the deadline struck
                sent.append(count)
                return
            time.sleep(0.2)
        sent.append(DRIPS)

    return answer, sent


def cut_short(sock: socket.socket) -> None:
    """A Content-Length of 10,000 and 30 bytes, then the connection closes."""
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Content-Length: 10000\r\n\r\n" + RESULTS[:30]
    )


def enormous(sock: socket.socket) -> None:
    """A Content-Length of 4 GiB: refused before a byte of it is read."""
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Content-Length: 4294967296\r\n\r\n" + RESULTS
    )
    time.sleep(2)


def unbounded(sock: socket.socket) -> None:
    """An answer without a length that goes on (here, 200 KiB)."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
    sock.sendall(b" " * 200 * 1024)


def not_http(sock: socket.socket) -> None:
    """A status line that is not HTTP, with a line break in what is quoted of it."""
    sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def redirect_quoting_the_token(sock: socket.socket) -> None:
    sock.sendall(
        b"HTTP/1.1 302 Found\r\nLocation: https://reader:" + TOKEN.encode() + b"@elsewhere."
        b"example/sparql?access_token=" + TOKEN.encode() + b"\r\nContent-Length: 0\r\n\r\n"
    )


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOOKRDF_TOKEN", "BOOKRDF_USER", "BOOKRDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def query(endpoint: str, *options: str) -> Result:
    return CliRunner().invoke(
        cli, ["query", "--endpoint", endpoint, "-e", "SELECT ?s WHERE { ?s ?p ?o }", *options]
    )


def load(endpoint: str, *options: str) -> Result:
    return CliRunner().invoke(
        cli, ["load", str(SEED_WITHOUT_ISBNS), "--endpoint", endpoint, *options]
    )


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


def test_an_answer_that_never_ends_stops_at_the_timeout() -> None:
    answer, sent = counted_drips()
    with raw_server(answer) as (url, requests):
        result = load(url, "--timeout", "1", "--retries", "1")
        deadline = time.monotonic() + 5
        while len(sent) < len(requests) and time.monotonic() < deadline:
            time.sleep(0.05)  # the server's side notices the hang-up at its next byte
    line = one_error_line(result)
    assert "the connection failed: no complete answer within 1 s (tried 2 times)" in line
    assert "0 of 1 books were loaded" in line
    assert len(requests) == 2
    # each attempt cut off at its 1 s (about 5 bytes of 0.2 s), never left to the 10 s drip;
    # counted by the server, not timed around the run, so a busy machine's slow start-up of
    # the load (shapes, validation) does not count
    assert len(sent) == 2
    assert max(sent) < DRIPS // 2, sent


def test_query_takes_the_timeout_and_retries_load_takes() -> None:
    with raw_server(dripping) as (url, requests):
        started = time.monotonic()
        result = query(url, "--timeout", "1", "--retries", "0")
        seconds = time.monotonic() - started
    line = one_error_line(result)
    assert "no complete answer within 1 s (tried 1 times)" in line
    assert len(requests) == 1
    assert seconds < 4  # not 30 s a try, 4 tries


def busy_then_results(wait: str) -> Answer:
    """503 with `Retry-After: wait` to the first request, SPARQL results to the others."""
    answered: list[float] = []

    def answer(sock: socket.socket) -> None:
        answered.append(time.monotonic())
        if len(answered) == 1:
            busy = f"HTTP/1.1 503 Busy\r\nRetry-After: {wait}\r\nContent-Length: 0\r\n\r\n"
            sock.sendall(busy.encode())
        else:
            ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            sock.sendall(ok + b"Content-Length: %d\r\n\r\n" % len(RESULTS) + RESULTS)

    answer.answered = answered  # type: ignore[attr-defined]
    return answer


def test_a_busy_server_is_tried_again_after_the_wait_it_asks_for() -> None:
    answer = busy_then_results("2")
    with raw_server(answer) as (url, requests):
        result = query(url, "--retries", "1")
    assert result.exit_code == 0, result.output
    assert len(requests) == 2
    first, second = answer.answered  # type: ignore[attr-defined]
    assert second - first >= 1.9  # not the 0.5 s backoff


def test_a_retry_after_past_two_minutes_stops_the_run_at_once() -> None:
    with raw_server(busy_then_results("3600")) as (url, requests):
        started = time.monotonic()
        result = query(url, "--retries", "3")
        seconds = time.monotonic() - started
    line = one_error_line(result)
    assert "the server answered 503 Busy; it asks to be tried again in 3600 s" in line
    assert len(requests) == 1
    assert seconds < 5


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 0 ", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None)],
)
def test_retry_after_is_seconds_or_a_date(value: str, seconds: float | None) -> None:
    assert retry_after(value) == seconds


def test_retry_after_a_date_to_come_is_the_seconds_until_then() -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    waited = retry_after(when)
    assert waited is not None
    assert 85 <= waited <= 90


def web_page(sock: socket.socket) -> None:
    page = b"<!DOCTYPE html><html><body>Welcome to our catalogue</body></html>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
    sock.sendall(head % len(page) + page)


def no_content(sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (web_page, "the server answered with a web page, not SPARQL results"),
        (no_content, "the server's answer is empty; check the endpoint's URL"),
    ],
)
def test_an_answer_that_is_no_sparql_result_says_what_it_is(answer: Answer, says: str) -> None:
    with raw_server(answer) as (url, _requests):
        line = one_error_line(query(url, "--retries", "0"))
    assert says in line


def test_a_body_cut_short_is_never_taken_for_the_answer() -> None:
    with raw_server(cut_short) as (url, requests):
        remote = RemoteStore(url, client=Client(timeout=5, retries=1, backoff=0.01))
        with pytest.raises(StoreError) as caught:
            remote.query("ASK {}", "application/sparql-results+json")
    assert str(caught.value) == (
        f"{url}: the connection failed: the answer was cut off (30 bytes read, 9970 more "
        "expected) (tried 2 times); check the URL and that the server is running"
    )
    assert len(requests) == 2


def test_an_answer_larger_than_memory_allows_is_refused_at_once() -> None:
    with raw_server(enormous) as (url, requests):
        started = time.monotonic()
        line = one_error_line(query(url))
        seconds = time.monotonic() - started
    assert line == (
        f"Error: {url}: the server's answer is larger than 1 GiB, more than bookrdf holds in "
        "memory; ask for less (a LIMIT in the query)"
    )
    assert len(requests) == 1  # not retried: asking again gets the same answer
    assert seconds < 2


def test_an_answer_without_a_length_is_refused_past_the_limit() -> None:
    with raw_server(unbounded) as (url, _requests):
        remote = RemoteStore(url, client=Client(timeout=5, retries=0, max_answer=100 * 1024))
        with pytest.raises(StoreError, match=r"the server's answer is larger than 100 KiB"):
            remote.query("ASK {}", "application/sparql-results+json")


def test_a_server_that_does_not_speak_http_is_one_line() -> None:
    with raw_server(not_http) as (url, _requests):
        line = one_error_line(load(url, "--retries", "0"))
    assert "the connection failed: SSH-2.0-OpenSSH_9.6 (tried 1 times)" in line


def test_a_redirect_is_named_without_the_secrets_it_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOOKRDF_TOKEN", TOKEN)
    with raw_server(redirect_quoting_the_token) as (url, requests):
        line = one_error_line(query(url))
    assert TOKEN not in line
    assert "reader" not in line
    assert line.endswith(
        "answered 302 Found; give the URL it redirects to "
        "(https://elsewhere.example/sparql?access_token=***)"
    )
    assert len(requests) == 1


@pytest.mark.parametrize(
    ("endpoint", "shown"),
    [
        # a '/' in the password ends the authority where URL parsers look for it
        ("http://reader:s3cr/et-pw@127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
        ("http://reader:s3cr?et-pw@127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
        ("http://reader:s3cr#et-pw@127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
    ],
)
def test_no_part_of_a_password_in_the_url_is_shown(endpoint: str, shown: str) -> None:
    for result in (query(endpoint), load(endpoint)):
        line = one_error_line(result)
        assert "s3cr" not in result.output
        assert "reader" not in result.output
        assert line.startswith(f"Error: {shown}: credentials in the URL are refused")


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (
            "http://127.0.0.1:7878/query\r\nX-Injected: 1",
            "Error: http://127.0.0.1:7878/query\\r\\nX-Injected: 1: not a valid URL: it holds "
            "a space or a control character; percent-encode it (a space is %20)",
        ),
        (
            "http://127.0.0.1:7878/my query",
            "Error: http://127.0.0.1:7878/my query: not a valid URL: it holds a space or a "
            "control character; percent-encode it (a space is %20)",
        ),
        (
            "http://127.0.0.1:7878/bücher/query",
            "Error: http://127.0.0.1:7878/bücher/query: not a valid URL: its path or query holds "
            "a character outside ASCII; percent-encode it in UTF-8 (é is %C3%A9)",
        ),
        (
            "http://127.0.0.1:78x8/query",
            "Error: http://127.0.0.1:78x8/query: not a valid URL (Port could not be cast to "
            "integer value as '78x8'); give one like http://localhost:7878/query",
        ),
        (
            "http://127.0.0.1:78780/query",
            "Error: http://127.0.0.1:78780/query: not a valid URL (Port out of range 0-65535); "
            "give one like http://localhost:7878/query",
        ),
    ],
)
def test_an_unusable_url_is_refused_before_any_request(endpoint: str, message: str) -> None:
    for result in (query(endpoint), load(endpoint)):
        assert one_error_line(result) == message


def test_a_query_string_and_an_ipv6_literal_are_kept() -> None:
    remote = RemoteStore("http://[::1]:7878/sparql?default-graph-uri=urn%3Ax")
    assert remote.where == "http://[::1]:7878/sparql?default-graph-uri=urn%3Ax"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--retries", "-1"], "Error: retries -1: give 0 or more (--retries)"),
        *(
            (
                ["--timeout", value],
                f"Error: timeout {value}: give a number of seconds above 0 and at most 86400 "
                "(--timeout)",
            )
            for value in ("0", "-1", "nan", "inf")
        ),
    ],
)
def test_a_timeout_or_retries_out_of_range_is_one_line(option: list[str], message: str) -> None:
    assert one_error_line(load("http://127.0.0.1:7878/store", *option)) == message
