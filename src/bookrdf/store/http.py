"""HTTP for remote SPARQL servers: timeouts, retries, bounded answers (credentials: `credentials`).

Standard library only (urllib): one PUT or POST at a time needs nothing more. Each attempt is
logged (INFO, logger "bookrdf.store.http": method, URL, status, time; never a header), which
`--verbose` shows. Credentials never reach a message: URLs carrying them are refused without
being echoed, and a server that quotes them back in an error body is quoted with them blanked.

The timeout bounds a whole attempt, answer included: a socket timeout alone bounds each read,
so a server sending a byte now and then would hold a run forever. An answer larger than
`Client.max_answer` is refused, not held in memory.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from bookrdf.errors import ConfigError, StoreError
from bookrdf.store.credentials import (
    PASSWORD_VARIABLE,
    TOKEN_VARIABLE,
    USER_VARIABLE,
    credentials_for,
    one_line,
    printable,
    redact,
    scrub,
)

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_BODY_START = 200
_ERROR_BODY_LIMIT = 64 * 1024  # of an error answer, only the start is quoted
_CHUNK = 64 * 1024
MAX_ANSWER = 1 << 30  # bytes of a successful answer held in memory
MAX_TIMEOUT = 86_400.0  # seconds: a day
# The longest wait a server's Retry-After is granted; asked for longer, the run stops instead.
MAX_RETRY_AFTER = 120.0


_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    """A successful answer."""

    status: int
    content_type: str
    body: bytes


class HttpStatusError(StoreError):
    """A server that answered, but not with success."""

    def __init__(self, message: str, status: int, body: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class _Retry(Exception):
    """An attempt worth repeating: no connection, a timeout, or a 5xx / 429 answer (with the
    seconds its Retry-After asks to wait, when it says)."""

    def __init__(
        self, message: str, final: StoreError | None = None, after: float | None = None
    ) -> None:
        super().__init__(message)
        self.final = final
        self.after = after


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answered as errors: following them could send credentials elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Follow nothing: urllib then raises the 3xx as an HTTPError."""
        return None


class _Deadline:
    """Shuts the sockets of one attempt when its time is up, which ends any read blocked on
    them: a socket timeout bounds each read, not the whole answer."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._connections: list[http.client.HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()

    def watched(self, kind: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        """A connection class whose connections this deadline shuts."""
        deadline = self

        class Watched(kind):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                deadline.watch(self)  # while connecting: its socket, once there is one
                super().connect()
                # and once connected: the answer reads from this socket even after the
                # connection lets go of it (an answer without a length closes the connection)
                deadline.watch(self.sock)

        return Watched

    def watch(self, what: http.client.HTTPConnection | socket.socket) -> None:
        """Shut this connection's socket, or this socket, at the deadline."""
        with self._lock:
            if isinstance(what, socket.socket):
                self._sockets.append(what)
            else:
                self._connections.append(what)
        if self.expired:
            self._expire()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = [c.sock for c in self._connections if c.sock is not None] + self._sockets
            for sock in sockets:
                with contextlib.suppress(OSError):  # closed already, or not connected yet
                    sock.shutdown(socket.SHUT_RDWR)


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> Any:
        return super().do_open(self._deadline.watched(http_class), req, **kwargs)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> Any:
        return super().do_open(self._deadline.watched(http_class), req, **kwargs)


@dataclass(frozen=True)
class Client:
    """Sends one request at a time, with a timeout and retries with exponential backoff.

    `timeout` bounds each attempt from connecting to the answer's last byte; `max_answer` is
    the largest successful answer taken, in bytes.
    """

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_answer: int = MAX_ANSWER

    def __post_init__(self) -> None:
        # NaN fails both comparisons; a socket takes no timeout past a day's worth of time_t
        if not 0 < self.timeout <= MAX_TIMEOUT:
            raise ConfigError(
                f"timeout {self.timeout:g}: give a number of seconds above 0 and at most "
                f"{MAX_TIMEOUT:g} (--timeout)"
            )
        if self.retries < 0:
            raise ConfigError(f"retries {self.retries}: give 0 or more (--retries)")

    def send(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> Response:
        """The server's successful answer, or a StoreError quoting its status and body."""
        request_headers = dict(headers)
        credentials = credentials_for(url)
        secrets: list[str] = []
        if credentials:
            request_headers["Authorization"] = credentials.header
            secrets = credentials.secrets
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                return self._once(method, url, body, request_headers, secrets)
            except _Retry as err:
                if err.after is not None and err.after > MAX_RETRY_AFTER and err.final:
                    raise StoreError(
                        f"{err.final}; it asks to be tried again in {err.after:.0f} s "
                        "(Retry-After): run the command again then"
                    ) from None
                if attempt + 1 == attempts:
                    if err.final:
                        raise err.final from None
                    raise StoreError(
                        f"{url}: {scrub(one_line(str(err)), secrets)} (tried {attempts} "
                        "times); check the URL and that the server is running"
                    ) from None
                time.sleep(max(self.backoff * 2**attempt, err.after or 0.0))
        raise AssertionError("unreachable")

    def _once(
        self, method: str, url: str, body: bytes, headers: dict[str, str], secrets: list[str]
    ) -> Response:
        """One attempt (logged); a _Retry when another attempt could succeed."""
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        started = time.perf_counter()
        outcome = "no answer"
        late = f"no complete answer within {self.timeout:g} s"
        with _Deadline(self.timeout) as deadline:
            try:
                with _opener(url, deadline).open(request, timeout=self.timeout) as answer:
                    outcome = str(answer.status)
                    content_type = answer.headers.get("Content-Type", "")
                    data = self._read(answer, url)
                    if deadline.expired:  # the body may have ended where it was cut
                        raise TimeoutError(late)
                    return Response(answer.status, content_type, data)
            except urllib.error.HTTPError as err:
                outcome = f"{err.code} {err.reason}"
                raise _status_error(url, err, secrets) from None
            except urllib.error.URLError as err:
                outcome = f"failed: {err.reason}"
                if isinstance(err.reason, ssl.SSLError):
                    raise StoreError(f"{url}: TLS failed: {one_line(str(err.reason))}") from None
                raise _Retry(
                    late if deadline.expired else f"cannot connect: {err.reason}"
                ) from None
            except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
                reason = late if deadline.expired else _failure(err)
                outcome = f"failed: {reason}"
                raise _Retry(f"the connection failed: {reason}") from None
            finally:
                seconds = time.perf_counter() - started
                outcome = scrub(one_line(outcome), secrets)  # the server chooses the reason
                _log.info("%s %s -> %s in %.3f s", method, redact(url), outcome, seconds)

    def _read(self, answer: http.client.HTTPResponse, url: str) -> bytes:
        """The answer's body, refused when larger than `max_answer`."""
        length = answer.headers.get("Content-Length", "")
        chunks: list[bytes] = []
        expected = int(length) if length.isdigit() else None
        size = 0
        while size <= self.max_answer and (expected or 0) <= self.max_answer:
            chunk = answer.read(_CHUNK)
            if not chunk:
                if expected is not None and size < expected:
                    # read(amt) ends quietly where the server stopped; read() would raise
                    raise http.client.IncompleteRead(b"".join(chunks), expected - size)
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise StoreError(
            f"{url}: the server's answer is larger than {_size(self.max_answer)}, more than "
            "bookrdf holds in memory; ask for less (a LIMIT in the query)"
        )


def _failure(err: Exception) -> str:
    """What went wrong with a connection, in words."""
    if isinstance(err, http.client.IncompleteRead):
        expected = "" if err.expected is None else f", {err.expected} more expected"
        return f"the answer was cut off ({len(err.partial)} bytes read{expected})"
    return one_line(str(err)) or type(err).__name__


def _size(count: int) -> str:
    """A byte count as people write it."""
    for unit in ("bytes", "KiB", "MiB"):
        if count < 1024:
            return f"{count:g} {unit}"
        count //= 1024
    return f"{count:g} GiB"


def _opener(url: str, deadline: _Deadline) -> urllib.request.OpenerDirector:
    """An opener that never follows redirects, never sends loopback traffic to a proxy, and
    whose connections end at the deadline."""
    handlers: list[urllib.request.BaseHandler] = [
        _NoRedirects(),
        _DeadlineHTTPHandler(deadline),
        _DeadlineHTTPSHandler(deadline),
    ]
    if urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _status_error(url: str, err: urllib.error.HTTPError, secrets: list[str]) -> Exception:
    """A StoreError quoting the status and the start of the body; a _Retry for 5xx and 429."""
    try:
        text = scrub(err.read(_ERROR_BODY_LIMIT).decode("utf-8", errors="replace"), secrets)
    except (OSError, http.client.HTTPException):
        text = ""
    finally:
        err.close()
    start = " ".join(text.split())
    if len(start) > _BODY_START:
        start = start[:_BODY_START] + "…"
    message = f"{url}: the server answered {err.code} {scrub(one_line(str(err.reason)), secrets)}"
    if start:
        message += f": {start}"
    if err.code in {401, 403}:
        message += (
            f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE}), "
            "or add the host to ~/.netrc"
        )
    elif 300 <= err.code < 400:
        # the Location is the server's to choose: it may quote a secret, or carry a user:password@
        location = scrub(printable(redact(err.headers.get("Location", "?"))), secrets)
        message += f"; give the URL it redirects to ({location})"
    final = HttpStatusError(message, err.code, text)
    if err.code >= 500 or err.code == 429:
        return _Retry(message, final, retry_after(err.headers.get("Retry-After")))
    return final


def retry_after(value: str | None) -> float | None:
    """The seconds a Retry-After header asks to wait (a number, or an HTTP date); None when
    there is none or it cannot be read."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, says RFC 5322
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
