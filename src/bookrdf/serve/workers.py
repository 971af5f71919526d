"""SPARQL queries with a time limit: each runs in a worker process, killed when it overruns.

pyoxigraph cannot interrupt a query from another thread, so a time limit needs a process. The
pool keeps a few workers started (each holding its own read-only snapshot of the store); a
query goes to an idle one, and when no answer comes within the limit the worker is killed and a
new one started. Answers larger than `max_bytes` are refused, in the worker, before they travel.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from bookrdf.errors import BookRdfError, QueryError, StoreError
from bookrdf.query import render, run_query
from bookrdf.serve.reader import ReadOnlyStore, StoreReader


class QueryTimeout(BookRdfError):
    """A query that did not finish within the time limit."""


class ResultTooLarge(BookRdfError):
    """An answer larger than the server sends."""


_log = logging.getLogger(__name__)
Reply = tuple[str, str, bytes | str]  # ("ok", kind, data) or ("error", code, message)


@dataclass(frozen=True)
class Answer:
    """A query's answer rendered in the asked-for format, and its kind."""

    kind: str  # "solutions", "boolean" or "graph"
    data: bytes


def _serve_queries(conn: Connection, store_path: str, max_bytes: int) -> None:
    """The worker's loop: receive (text, params, fmt), send back an answer or an error."""
    try:
        target = ReadOnlyStore(StoreReader(Path(store_path)))
    except StoreError as err:
        conn.send(("error", "store", str(err)))
        return
    conn.send(("ready", "", ""))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return  # the server has gone
        text, params, fmt = request
        try:
            terms = {name: ox.Literal(value) for name, value in params.items()}
            result = run_query(text, target, terms)
            if len(result.data) > max_bytes:
                raise ResultTooLarge(f"the answer is larger than {max_bytes} bytes; add a LIMIT")
            data = render(result, fmt) if fmt else result.data
            if len(data) > max_bytes:
                raise ResultTooLarge(f"the answer is larger than {max_bytes} bytes; add a LIMIT")
            conn.send(("ok", result.kind, data))
        except ResultTooLarge as err:
            conn.send(("error", "too-large", str(err)))
        except QueryError as err:
            conn.send(("error", "query", str(err)))
        except StoreError as err:
            conn.send(("error", "store", str(err)))


def main() -> None:
    """A worker process's entry: `python -c '…main()' FD STORE MAX_BYTES`."""
    fd, store, max_bytes = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    _serve_queries(Connection(fd), store, max_bytes)


_START = "from bookrdf.serve.workers import main; main()"


class _Worker:
    """One worker process and our end of the socket to it."""

    def __init__(self, store: Path, max_bytes: int) -> None:
        # A fresh interpreter (not fork: the server has threads; not multiprocessing's spawn,
        # which would import the whole `bookrdf` command again in each worker).
        ours, theirs = socket.socketpair()
        with theirs:
            command = [sys.executable, "-c", _START, str(theirs.fileno()), str(store)]
            self.process = subprocess.Popen(
                [*command, str(max_bytes)],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C stops the server, which stops its workers
            )
        self.conn = Connection(ours.detach())
        if not self.conn.poll(60):
            self.stop()
            raise StoreError(f"{store}: the query worker did not start")
        try:
            hello: Reply = self.conn.recv()
        except EOFError:
            hello = ("error", "store", f"{store}: the query worker stopped at start")
        if hello[0] != "ready":
            self.stop()
            raise StoreError(str(hello[2]))

    def ask(self, text: str, params: Mapping[str, str], fmt: str, timeout: float) -> Reply:
        """Send a query and wait for the reply; ("error", "timeout", …) when the time is up."""
        self.conn.send((text, dict(params), fmt))
        if not self.conn.poll(timeout):
            return ("error", "timeout", f"the query ran longer than {timeout:g} s and was stopped")
        try:
            reply: Reply = self.conn.recv()
        except EOFError:
            return ("error", "store", "the query worker stopped")
        return reply

    def stop(self) -> None:
        """Kill the process (a running query cannot be stopped any other way)."""
        self.process.kill()
        self.process.wait(10)
        self.conn.close()


class QueryPool:
    """A few query workers over one store; `run` waits for an idle one."""

    def __init__(
        self, store: Path, *, size: int = 2, timeout: float = 10.0, max_bytes: int
    ) -> None:
        self.store = store
        self.size = size
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._starting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the workers (each opens the store)."""
        self._idle = asyncio.Queue()
        starting = [
            asyncio.to_thread(_Worker, self.store, self.max_bytes) for _ in range(self.size)
        ]
        for worker in await asyncio.gather(*starting):
            self._all.append(worker)
            self._idle.put_nowait(worker)

    async def stop(self) -> None:
        """Stop every worker (after those being started)."""
        await asyncio.gather(*self._starting)
        for worker in self._all:
            await asyncio.to_thread(worker.stop)
        self._all.clear()

    async def run(self, text: str, fmt: str, params: Mapping[str, str] | None = None) -> Answer:
        """The answer to a query, rendered in `fmt` (QueryError, QueryTimeout, ResultTooLarge)."""
        if self._idle is None:
            raise StoreError("the query workers are not started")
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryTimeout("every query worker is busy; try again later") from None
        healthy = False
        try:
            status, code, data = await asyncio.to_thread(
                worker.ask, text, params or {}, fmt, self.timeout
            )
            healthy = code not in {"timeout", "store"}
        finally:
            if healthy:
                self._idle.put_nowait(worker)
            else:  # its state is unknown (overran, died, or the request was cancelled)
                await asyncio.to_thread(worker.stop)
                self._all.remove(worker)
                task = asyncio.create_task(self._start_one())  # answer now, replace meanwhile
                self._starting.add(task)
                task.add_done_callback(self._starting.discard)
        if status == "ok" and isinstance(data, bytes):
            return Answer(code, data)
        errors: dict[str, type[BookRdfError]] = {
            "query": QueryError,
            "too-large": ResultTooLarge,
            "timeout": QueryTimeout,
        }
        raise errors.get(code, StoreError)(str(data))

    async def _start_one(self) -> None:
        """A new worker in place of one that was stopped."""
        assert self._idle is not None
        try:
            worker = await asyncio.to_thread(_Worker, self.store, self.max_bytes)
        except StoreError as err:
            _log.error("a query worker could not be started: %s", err)
            return
        self._all.append(worker)
        self._idle.put_nowait(worker)
