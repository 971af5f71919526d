"""Settings from `bookrdf.toml` (in the working folder, or named with --config)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bookrdf.errors import ConfigError
from bookrdf.vocab import DEFAULT_BASE

CONFIG_FILE = "bookrdf.toml"


@dataclass(frozen=True)
class Config:
    base: str = DEFAULT_BASE
    store: str = ".bookrdf/store"


def load_config(path: Path | None = None) -> Config:
    """The settings in a bookrdf.toml; defaults when the file is absent."""
    explicit = path is not None
    path = path or Path(CONFIG_FILE)
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: no such configuration file")
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: is not valid TOML: {err}") from None
    section = data.get("bookrdf", data)
    known = {"base", "store"}
    unknown = sorted(set(section) - known - {"bookrdf"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {unknown[0]!r}; settings are {', '.join(sorted(known))}"
        )
    values = {key: section[key] for key in known if key in section}
    for key, value in values.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} should be a string")
    return Config(**values)
