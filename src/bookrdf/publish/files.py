"""Atomic file writing: temporary files beside their targets, renamed into place on success."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bookrdf.errors import OutputError, write_failure

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


@contextmanager
def atomic_files(
    folder: Path, names: Sequence[str], keep: set[str] | None = None
) -> Iterator[dict[str, IO[bytes]]]:
    """Open temporary files beside their targets; rename them all into place only on success.

    Names added to `keep` before the block ends are discarded: the previous file stays.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{folder}: cannot create the output folder: {err.strerror}") from None
    temps: dict[str, Path] = {}
    with ExitStack() as stack:
        handles: dict[str, IO[bytes]] = {}
        try:
            for name in names:
                fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
                temps[name] = Path(tmp_name)
                os.fchmod(fd, _FILE_MODE)
                raw = _TargetFile(fd, folder / name)
                handles[name] = stack.enter_context(io.BufferedWriter(raw))
            yield handles
            for name, handle in handles.items():
                handle.flush()
                try:
                    os.fsync(handle.fileno())
                except OSError as err:
                    raise OutputError(f"{folder / name}: {write_failure(err)}") from None
        except OSError as err:
            # creating a temporary file, or a write outside the handles (a gzip trailer…)
            _discard(stack, temps)
            raise OutputError(f"{folder}: {write_failure(err)}") from None
        except BaseException:
            _discard(stack, temps)
            raise
    try:
        for name, tmp in temps.items():
            if keep and name in keep:
                tmp.unlink()
            else:
                os.replace(tmp, folder / name)
        sync_folder(folder)
    except OSError as err:
        raise OutputError(f"{folder}: cannot write the release: {err.strerror}") from None


class _TargetFile(io.FileIO):
    """A temporary file whose write errors (a full disk…) name the file it will become."""

    def __init__(self, fd: int, target: Path) -> None:
        super().__init__(fd, "wb")
        self.target = target

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except OSError as err:
            raise OutputError(f"{self.target}: {write_failure(err)}") from None


def _discard(stack: ExitStack, temps: dict[str, Path]) -> None:
    """Close and remove the temporary files of a write that failed."""
    try:
        stack.close()  # flushing what is buffered may fail again on a full disk
    except (OSError, OutputError):
        pass
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """Make renames in a folder durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path, names: Sequence[str]) -> None:
    """Remove temporary files a killed run left behind for these names."""
    for name in names:
        for stale in folder.glob(f".{name}.*.tmp"):
            stale.unlink(missing_ok=True)


class Digest:
    """A writable file that passes bytes on while counting them and hashing them (SHA-256)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.size = 0
        self._sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._sha256.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)

    def flush(self) -> None:
        self.out.flush()

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()
