"""The store as the server reads it: opened read-only, so `bookrdf load` can still write to it,
and reopened when a load has changed it.

pyoxigraph's read-only store (`Store.read_only`, RocksDB read-only mode) takes no lock and sees
the store as it was when opened. The server compares the store's manifest, CURRENT and
write-ahead-log files (names, sizes, times) at most once a second and reopens it when they
changed. RocksDB calls reading while another process writes "undefined": a read that fails
then is retried once on a fresh snapshot, and otherwise answered 503.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from bookrdf.errors import StoreError
from bookrdf.store import EmbeddedStore
from bookrdf.store.embedded import damaged_store

_CHECK_EVERY = 1.0  # seconds


def _signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a process writes to the store: its manifest and logs."""
    try:
        entries = [
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(path)
            if entry.name == "CURRENT"
            or entry.name.startswith("MANIFEST-")
            or entry.name.endswith(".log")
        ]
    except OSError as err:
        raise StoreError(f"{path}: cannot read the store folder: {err.strerror}") from None
    return tuple(sorted(entries))


def open_read_only(path: Path) -> ox.Store:
    """The store in `path`, read-only; a StoreError when there is none."""
    if not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: there is no store here yet; load books into it first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store: {err}") from None
    except RuntimeError as err:  # how pyoxigraph reports RocksDB's "Corruption: …"
        raise damaged_store(path, err) from None


class StoreReader:
    """A read-only store that follows the writes of other processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._store = open_read_only(path)
        self._signature = _signature(path)
        self._checked = time.monotonic()
        self.generation = 0

    def current(self) -> ox.Store:
        """The store, reopened first if it has changed since it was opened."""
        if time.monotonic() - self._checked >= _CHECK_EVERY:
            with self._lock:
                self._checked = time.monotonic()
                signature = _signature(self.path)
                if signature != self._signature:
                    self._reopen(signature)
        return self._store

    def refresh(self) -> ox.Store:
        """A fresh snapshot, after a read failed."""
        with self._lock:
            self._reopen(_signature(self.path))
        return self._store

    def _reopen(self, signature: tuple[tuple[str, int, int], ...]) -> None:
        self._store = open_read_only(self.path)
        self._signature = signature
        self.generation += 1


class ReadOnlyStore(EmbeddedStore):
    """A StoreReader's snapshot as the query module's target."""

    def __init__(self, reader: StoreReader) -> None:
        # Not EmbeddedStore.__init__: that opens the folder for writing, with its lock.
        self.path = reader.path
        self._reader = reader

    @property
    def oxigraph(self) -> ox.Store:
        """The current read-only snapshot."""
        return self._reader.current()

    def close(self) -> None:
        """Nothing to flush: the store was opened read-only."""
