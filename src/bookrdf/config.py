"""Settings from `bookrdf.toml` (in the working folder, or named with --config)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bookrdf.errors import ConfigError
from bookrdf.vocab import DEFAULT_BASE, Minter

CONFIG_FILE = "bookrdf.toml"

_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")


@dataclass(frozen=True)
class DatasetConfig:
    """The `[dataset]` table: what the release's VoID/DCAT description says about it."""

    title: str = "Book and chapter metadata"
    description: str | None = None
    publisher: str | None = None  # a name (minted as {base}org/…) or an http(s) IRI
    license: str | None = None  # a URL or an SPDX identifier such as CC0-1.0
    sparql_endpoint: str | None = None
    homepage: str | None = None
    download_base: str | None = None  # where the dumps are downloaded from; default: base

    @property
    def license_iri(self) -> str | None:
        """The licence as an IRI: SPDX identifiers become spdx.org licence pages."""
        if self.license is None or _URL.fullmatch(self.license):
            return self.license
        return f"https://spdx.org/licenses/{self.license}"


@dataclass(frozen=True)
class Config:
    base: str = DEFAULT_BASE
    store: str = ".bookrdf/store"
    dataset: DatasetConfig = field(default_factory=DatasetConfig)


def load_config(path: Path | None = None) -> Config:
    """The settings in a bookrdf.toml; defaults when the file is absent.

    Only the working folder's bookrdf.toml is read, never one in a parent folder: a run's
    settings do not depend on where above it a file happens to lie.
    """
    explicit = path is not None
    path = path or Path(CONFIG_FILE)
    if not path.exists() and not path.is_symlink():  # a dangling link is a broken setting
        if explicit:
            raise ConfigError(f"{path}: no such configuration file")
        return Config()
    data = _read_toml(path)
    top = data.get("bookrdf", data)
    if not isinstance(top, dict):
        raise ConfigError(f"{path}: [bookrdf] should be a table of settings (base, store)")
    section: dict[str, Any] = top
    known = {"base", "store"}
    if top is data:
        where, unknown = "", sorted(set(section) - known - {"dataset"})
    else:
        # with a [bookrdf] table, a setting beside it would be ignored
        others = sorted(set(data) - {"bookrdf", "dataset"})
        if others:
            raise ConfigError(
                f"{path}: setting {others[0]!r} outside [bookrdf]; move it into the [bookrdf] table"
            )
        where, unknown = "[bookrdf] ", sorted(set(section) - known)
    if unknown:
        hint = (
            "; [dataset] is a table of its own, not [bookrdf.dataset]"
            if unknown[0] == "dataset"
            else ""
        )
        raise ConfigError(
            f"{path}: unknown {where}setting {unknown[0]!r}; settings are "
            f"{', '.join(sorted(known))}{hint}"
        )
    values = {key: section[key] for key in known if key in section}
    for key, value in values.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} should be a string")
    if "store" in values and (not values["store"].strip() or "\0" in values["store"]):
        raise ConfigError(f"{path}: store should be a folder's path, such as .bookrdf/store")
    if "base" in values:
        try:
            Minter(values["base"])
        except ConfigError as err:
            raise ConfigError(f"{path}: {err}") from None
    return Config(**values, dataset=_dataset(path, data.get("dataset", {})))


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables (a UTF-8 byte order mark, as Windows editors write, is skipped)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(
            f"{path}: cannot read the configuration file: {err.strerror or err}"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ConfigError(
            f"{path}:{line}: is not UTF-8 text (byte 0x{raw[err.start]:02x}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: is not valid TOML: {err}") from None


def _dataset(path: Path, table: Any) -> DatasetConfig:
    """The [dataset] table, each value checked."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [dataset] should be a table")
    known = [f.name for f in fields(DatasetConfig)]
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{path}: unknown [dataset] setting {unknown[0]!r}; settings are {', '.join(known)}"
        )
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: [dataset] {key} should be a non-empty string")
    for key in ("sparql_endpoint", "homepage", "download_base"):
        if key in table and not _URL.fullmatch(table[key]):
            raise ConfigError(
                f"{path}: [dataset] {key} {table[key]!r} is not an http(s) URL; "
                "give one like https://example.org/sparql"
            )
    if "download_base" in table and not table["download_base"].endswith("/"):
        raise ConfigError(f"{path}: [dataset] download_base should end in '/'")
    license_ = table.get("license")
    if license_ is not None and not (_URL.fullmatch(license_) or _SPDX_ID.fullmatch(license_)):
        raise ConfigError(
            f"{path}: [dataset] license {license_!r} is not a URL or an SPDX identifier "
            "(e.g. CC0-1.0)"
        )
    return DatasetConfig(**table)
