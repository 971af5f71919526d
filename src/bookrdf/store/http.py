"""HTTP for remote SPARQL servers: credentials from the environment, timeouts, retries.

Standard library only (urllib): one PUT or POST at a time needs nothing more. Each attempt is
logged (INFO, logger "bookrdf.store.http": method, URL, status, time; never a header), which
`--verbose` shows. Credentials never reach a message: URLs carrying them are refused without
being echoed, and a server that quotes them back in an error body is quoted with them blanked.
"""

from __future__ import annotations

import base64
import http.client
import logging
import netrc
import os
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bookrdf.errors import ConfigError, StoreError

TOKEN_VARIABLE = "BOOKRDF_TOKEN"
USER_VARIABLE = "BOOKRDF_USER"
PASSWORD_VARIABLE = "BOOKRDF_PASSWORD"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_BODY_START = 200


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
    """A URL without its user:password@ part (for messages about URLs that carry one)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.rpartition("@")[2] if "@" in url else url
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


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
    """An http(s) URL without credentials in it (they belong in the environment)."""
    shown = redact(url)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        message = f"{shown}: not a valid URL; give one like http://localhost:7878/query"
        raise ConfigError(message) from None
    if shown != url:
        raise ConfigError(
            f"{shown}: credentials in the URL are refused (never put a password in a command "
            f"line); set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE}) in the "
            "environment, or add the host to ~/.netrc"
        )
    if parts.scheme not in {"http", "https"} or not hostname:
        raise ConfigError(f"{shown}: not an http(s) URL; give one like http://localhost:7878/query")
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answered as errors: following them could send credentials elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Follow nothing: urllib then raises the 3xx as an HTTPError."""
        return None


@dataclass(frozen=True)
class Client:
    """Sends one request at a time, with a timeout and retries with exponential backoff."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5

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
                        f"{url}: {err} (tried {attempts} times); check the URL and that the "
                        "server is running"
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
        try:
            with _opener(url).open(request, timeout=self.timeout) as answer:
                outcome = str(answer.status)
                content_type = answer.headers.get("Content-Type", "")
                return Response(answer.status, content_type, answer.read())
        except urllib.error.HTTPError as err:
            outcome = f"{err.code} {err.reason}"
            raise _status_error(url, err, secrets) from None
        except urllib.error.URLError as err:
            outcome = f"failed: {err.reason}"
            if isinstance(err.reason, ssl.SSLError):
                raise StoreError(f"{url}: TLS failed: {err.reason}") from None
            raise _Retry(f"cannot connect: {err.reason}") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
            outcome = f"failed: {err or type(err).__name__}"
            raise _Retry(f"the connection failed: {err or type(err).__name__}") from None
        finally:
            seconds = time.perf_counter() - started
            outcome = scrub(outcome, secrets)  # a reason phrase is the server's to choose
            _log.info("%s %s -> %s in %.3f s", method, redact(url), outcome, seconds)


def _opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that never follows redirects and never sends loopback traffic to a proxy."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirects()]
    if urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _status_error(url: str, err: urllib.error.HTTPError, secrets: list[str]) -> Exception:
    """A StoreError quoting the status and the start of the body; a _Retry for 5xx and 429."""
    try:
        text = scrub(err.read().decode("utf-8", errors="replace"), secrets)
    except (OSError, http.client.HTTPException):
        text = ""
    finally:
        err.close()
    start = " ".join(text.split())
    if len(start) > _BODY_START:
        start = start[:_BODY_START] + "…"
    message = f"{url}: the server answered {err.code} {scrub(str(err.reason), secrets)}"
    if start:
        message += f": {start}"
    if err.code in {401, 403}:
        message += (
            f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE}), "
            "or add the host to ~/.netrc"
        )
    elif 300 <= err.code < 400:
        message += f"; give the URL it redirects to ({err.headers.get('Location', '?')})"
    final = HttpStatusError(message, err.code, text)
    if err.code >= 500 or err.code == 429:
        return _Retry(message, final)
    return final
