"""HTTP for remote SPARQL servers: credentials from the environment, timeouts, retries.

Standard library only (urllib): one PUT or POST at a time needs nothing more. Each attempt is
logged (INFO, logger "bookrdf.store.http": method, URL, status, time; never a header), which
`--verbose` shows. Credentials never reach a message: URLs carrying them are refused without
being echoed, and a server that quotes them back in an error body is quoted with them blanked.

The timeout bounds a whole attempt, answer included: a socket timeout alone bounds each read,
so a server sending a byte now and then would hold a run forever. An answer larger than
`Client.max_answer` is refused, not held in memory.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import logging
import netrc
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from bookrdf.errors import ConfigError, StoreError

TOKEN_VARIABLE = "BOOKRDF_TOKEN"
USER_VARIABLE = "BOOKRDF_USER"
PASSWORD_VARIABLE = "BOOKRDF_PASSWORD"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_BODY_START = 200
_ERROR_BODY_LIMIT = 64 * 1024  # of an error answer, only the start is quoted
_CHUNK = 64 * 1024
MAX_ANSWER = 1 << 30  # bytes of a successful answer held in memory
MAX_TIMEOUT = 86_400.0  # seconds: a day


_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credentials:
    """An Authorization header and where it came from; the header never appears in a repr."""

    header: str = field(repr=False)
    source: str

    @property
    def secrets(self) -> list[str]:
        """Every form of the secret a server could quote back: header, token, password."""
        scheme, _, token = self.header.partition(" ")
        found = [self.header, token]
        if scheme == "Basic":
            _user, _, password = base64.b64decode(token).decode("utf-8", "replace").partition(":")
            found.append(password)
        return [secret for secret in found if len(secret) >= 3]


def scrub(text: str, secrets: list[str]) -> str:
    """The text with every secret blanked out."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def redact(url: str) -> str:
    """A URL without its user:password@ part (for messages about URLs that carry one).

    Everything up to the last '@' goes: a password may hold '/', '?' or '#', which would end
    the authority where a URL parser looks for it, and leave the rest of the password shown.
    """
    if "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if sep else url.rpartition("@")[2]


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
    """An attempt worth repeating: no connection, a timeout, or a 5xx / 429 answer."""

    def __init__(self, message: str, final: StoreError | None = None) -> None:
        super().__init__(message)
        self.final = final


def credentials_for(url: str) -> Credentials | None:
    """Credentials for a server: BOOKRDF_TOKEN, BOOKRDF_USER/PASSWORD, then ~/.netrc ($NETRC)."""
    token = os.environ.get(TOKEN_VARIABLE)
    if token:
        return Credentials(f"Bearer {token}", TOKEN_VARIABLE)
    user = os.environ.get(USER_VARIABLE)
    if user:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            raise ConfigError(f"{USER_VARIABLE} is set but {PASSWORD_VARIABLE} is not; set both")
        return Credentials(_basic(user, password), USER_VARIABLE)
    return _netrc_credentials(urlsplit(url).hostname or "")


def _basic(user: str, password: str) -> str:
    """An HTTP Basic Authorization header value."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _netrc_credentials(host: str) -> Credentials | None:
    """The netrc file's login for a host, if it has one."""
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as err:
        # its message quotes the token it choked on, which may be a password: not shown
        raise ConfigError(
            f"{path}:{err.lineno}: cannot read the netrc file: a syntax error on that line"
        ) from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the netrc file: {err.strerror}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(_basic(login, password), str(path))


def check_url(url: str) -> str:
    """An http(s) URL without credentials in it (they belong in the environment), that
    urllib can send as written."""
    shown = _printable(redact(url))
    if shown != _printable(url):
        raise ConfigError(
            f"{shown}: credentials in the URL are refused (never put a password in a command "
            f"line); set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE}) in the "
            "environment, or add the host to ~/.netrc (an '@' in a path or query is written "
            "%40)"
        )
    example = "give one like http://localhost:7878/query"
    if any(char.isspace() or not char.isprintable() for char in url):
        raise ConfigError(
            f"{shown}: not a valid URL: it holds a space or a control character; "
            "percent-encode it (a space is %20)"
        )
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 (a port that is not a number from 0 to 65535 raises)
    except ValueError as err:
        raise ConfigError(f"{shown}: not a valid URL ({err}); {example}") from None
    if parts.scheme not in {"http", "https"} or not hostname:
        raise ConfigError(f"{shown}: not an http(s) URL; {example}")
    if not url.partition(parts.netloc)[2].isascii():
        raise ConfigError(
            f"{shown}: not a valid URL: its path or query holds a character outside ASCII; "
            "percent-encode it in UTF-8 (é is %C3%A9)"
        )
    return url


def _printable(text: str) -> str:
    """Text with control characters escaped, so that a message stays one line."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _one_line(text: str) -> str:
    """A server's or a library's words as one line."""
    return " ".join(_printable(word) for word in text.split())


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
                if attempt + 1 == attempts:
                    if err.final:
                        raise err.final from None
                    raise StoreError(
                        f"{url}: {scrub(_one_line(str(err)), secrets)} (tried {attempts} "
                        "times); check the URL and that the server is running"
                    ) from None
            time.sleep(self.backoff * 2**attempt)
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
                    raise StoreError(f"{url}: TLS failed: {_one_line(str(err.reason))}") from None
                raise _Retry(
                    late if deadline.expired else f"cannot connect: {err.reason}"
                ) from None
            except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
                reason = late if deadline.expired else _failure(err)
                outcome = f"failed: {reason}"
                raise _Retry(f"the connection failed: {reason}") from None
            finally:
                seconds = time.perf_counter() - started
                outcome = scrub(_one_line(outcome), secrets)  # the server chooses the reason
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
    return _one_line(str(err)) or type(err).__name__


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
    message = f"{url}: the server answered {err.code} {scrub(_one_line(str(err.reason)), secrets)}"
    if start:
        message += f": {start}"
    if err.code in {401, 403}:
        message += (
            f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE}), "
            "or add the host to ~/.netrc"
        )
    elif 300 <= err.code < 400:
        # the Location is the server's to choose: it may quote a secret, or carry a user:password@
        location = scrub(_printable(redact(err.headers.get("Location", "?"))), secrets)
        message += f"; give the URL it redirects to ({location})"
    final = HttpStatusError(message, err.code, text)
    if err.code >= 500 or err.code == 429:
        return _Retry(message, final)
    return final
