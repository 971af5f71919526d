"""Credentials for remote SPARQL servers (environment, ~/.netrc), and URLs and messages kept
free of them: a URL carrying a password is refused without being echoed, and text a server
quotes back has every form of the secret blanked."""

from __future__ import annotations

import base64
import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bookrdf.errors import ConfigError

TOKEN_VARIABLE = "BOOKRDF_TOKEN"
USER_VARIABLE = "BOOKRDF_USER"
PASSWORD_VARIABLE = "BOOKRDF_PASSWORD"


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
    shown = printable(redact(url))
    if shown != printable(url):
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


def printable(text: str) -> str:
    """Text with control characters escaped, so that a message stays one line."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def one_line(text: str) -> str:
    """A server's or a library's words as one line."""
    return " ".join(printable(word) for word in text.split())
