"""Atomic file writing: temporary files beside their targets, renamed into place on success."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext, suppress
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
    folder: Path, names: Sequence[str], keep: set[str] | None = None, *, alone: bool = False
) -> Iterator[dict[str, IO[bytes]]]:
    """Open temporary files beside their targets; rename them all into place only on success.

    Names added to `keep` before the block ends are discarded: the previous file stays.
    `alone` (a release): no other run may write into the folder meanwhile, and temporary files
    of these names that a killed run left are removed.
    """
    if folder.is_symlink() and not folder.exists():
        target = os.readlink(folder)
        raise OutputError(f"{folder}: is a link to {target}, which does not exist; create it")
    made = missing_folders(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{folder}: cannot create the output folder: {err.strerror}") from None
    with _folder_lock(folder, made) if alone else nullcontext():
        if alone:
            remove_stale_temps(folder, names)  # under the lock: no other run's are live
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
                remove_empty(made)
                raise OutputError(f"{folder}: {write_failure(err)}") from None
            except BaseException:
                _discard(stack, temps)
                remove_empty(made)  # a run refused for bad input leaves no empty folder behind
                raise
        with _signals_held():
            _move_into_place(folder, temps, keep or set())


# The folder locks this process holds. A forked worker (`--jobs`) closes its copies: a flock
# belongs to the open file, which a child's copy would keep locked after this process ends
# (killed, its workers still finishing a chunk), refusing the next run.
_HELD: set[int] = set()


def _close_held_locks() -> None:
    for fd in _HELD:
        with suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_locks)


@contextmanager
def _folder_lock(folder: Path, made: list[Path]) -> Iterator[None]:
    """This run alone writes into the folder until its files are in place: another run's
    renames between ours, or its clearing of our temporary files, would fail one of them."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        remove_empty(made)
        raise OutputError(
            f"{folder}: another bookrdf run is writing into this folder; "
            "wait for it to finish, or write elsewhere"
        ) from None
    except OSError:
        pass  # a file system without locks (an NFS mount without lockd): written unguarded
    _HELD.add(fd)
    try:
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # and with it the lock


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the renames are done: raised between two renames, they
    would leave a release half old, half new, with its temporary files. A signal that came is
    raised again once the block ends (in the main thread only, where Python runs handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def hold(signum: int, frame: object) -> None:
        came.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in held}
    for signum, handler in previous.items():
        if handler is not None:  # None: a handler set outside Python, which stays
            signal.signal(signum, hold)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)
        if came:
            signal.raise_signal(came[0])


def missing_folders(folder: Path) -> list[Path]:
    """The folder and those above it that do not exist yet, innermost first."""
    missing: list[Path] = []
    for path in (folder.absolute(), *folder.absolute().parents):
        if path.exists() or path.is_symlink():
            break
        missing.append(path)
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove these folders (innermost first) while they are empty."""
    for path in folders:
        try:
            path.rmdir()
        except OSError:
            return  # not empty (or gone): it and those above it stay


def _move_into_place(folder: Path, temps: dict[str, Path], keep: set[str]) -> None:
    """Rename every temporary file over its target, or, when one rename fails, none: the files
    already replaced get their old bytes back, so a release is never half old, half new."""
    moved: list[tuple[Path, Path | None]] = []  # (target, its previous file, set aside)
    target = folder
    try:
        for name, tmp in temps.items():
            if name in keep:
                continue
            target = folder / name
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            backup = None
            if target.exists():
                backup = folder / f".{name}.{os.getpid()}.old.tmp"
                os.replace(target, backup)
            moved.append((target, backup))
            os.replace(tmp, target)
    except OSError as err:
        _put_back(moved)
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise OutputError(
            f"{target}: cannot write the release: {err.strerror or err}; "
            "nothing in the folder was changed"
        ) from None
    for name in keep:
        if name in temps:
            temps[name].unlink(missing_ok=True)
    for _, backup in moved:
        if backup is not None:
            backup.unlink(missing_ok=True)
    sync_folder(folder)


def _put_back(moved: list[tuple[Path, Path | None]]) -> None:
    """Undo the renames of a release that could not be moved into place whole."""
    for target, backup in reversed(moved):
        try:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        except OSError:
            pass  # as much as the file system allows; the error already names the file


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
            if not stale.is_dir():  # bookrdf's temporaries are files; a folder is someone's
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
