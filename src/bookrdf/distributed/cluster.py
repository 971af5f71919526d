"""A Dask client: of a running scheduler, or of a LocalCluster started for one run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bookrdf.errors import ConfigError
from bookrdf.parallel import default_jobs

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = 20  # seconds to reach the scheduler
WAIT_FOR_WORKERS = 60  # seconds a scheduler may take to get its first worker
SCHEMES = ("tcp", "tls", "ws", "wss")  # the comms a client reaches a scheduler by
_EXAMPLE = "give one like tcp://scheduler.example.org:8786"


@contextmanager
def connect(scheduler: str | None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler` (tcp://host:8786), or of a LocalCluster of one
    single-threaded worker process per core when None; closed (and stopped) afterwards."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(
            "--executor dask needs Dask distributed; install it with pip install 'bookrdf[dask]'"
        ) from None
    if scheduler is None:
        # processes, one thread each: the pipeline is pure Python, threads would share one GIL
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=default_jobs(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be another cluster's
            ) as cluster,
            Client(cluster, set_as_default=False) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    # A bad address is refused here, before a Client: one that fails to start keeps a thread
    # that holds the process for 40 s at exit, and prints a traceback then.
    _check_address(scheduler)
    _handshake(scheduler)
    try:
        client = Client(  # type: ignore[no-untyped-call]
            scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
        )
    except (OSError, ValueError) as err:
        raise ConfigError(
            f"{scheduler}: cannot reach the Dask scheduler ({err}); "
            "check the address, or start one with `dask scheduler`"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
        except TimeoutError:
            raise ConfigError(
                f"{scheduler}: the Dask scheduler has no workers after {WAIT_FOR_WORKERS} s; "
                "start some with `dask worker " + scheduler + "`"
            ) from None
        yield client


def _check_address(scheduler: str) -> None:
    """Refuse an address a Client cannot connect to, without starting one."""
    if "@" in scheduler:  # no Dask address has a user part: it may be a password
        raise ConfigError(
            f"{scheduler.rpartition('@')[2]}: a scheduler address has no user or password; "
            f"{_EXAMPLE} (Dask's TLS settings authenticate a client)"
        )
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(scheduler)
        if scheme not in SCHEMES:
            raise ValueError(f"{scheme}:// is not one of {', '.join(SCHEMES)}")
        get_backend(scheme)
        host, port = parse_host_port(location)
        if not host or not 0 < port < 65536:
            raise ValueError("it needs a host and a port from 1 to 65535")
    except ValueError as err:
        message = f"{scheduler}: not a Dask scheduler address ({err}); {_EXAMPLE}"
        raise ConfigError(message) from None
    if scheme in {"tls", "wss"} and _security().get("ssl_context") is None:
        raise ConfigError(
            f"{scheduler}: {scheme}:// needs Dask's TLS settings (distributed.comm.tls.ca-file, "
            ".client.cert and .client.key in the Dask configuration); or give tcp://"
        )


def _security() -> dict[str, Any]:
    """The connection arguments of Dask's configured TLS settings (none: no ssl_context)."""
    from distributed import Security

    args: dict[str, Any] = Security().get_connection_args("client")  # type: ignore[no-untyped-call]
    return args


def _handshake(scheduler: str) -> None:
    """Open and close a connection to the scheduler, within CONNECT_TIMEOUT.

    A Client waits without end for the answer to its handshake, so a peer that accepts the
    connection but is no Dask scheduler (a web server, a wrong port) would hold the run forever.
    """
    from distributed.comm.core import connect

    async def shake() -> None:
        comm = await asyncio.wait_for(
            connect(scheduler, timeout=CONNECT_TIMEOUT, **_security()),  # type: ignore[no-untyped-call]
            CONNECT_TIMEOUT + 1,
        )
        await comm.close()

    try:
        asyncio.run(shake())
    except TimeoutError:
        raise ConfigError(
            f"{scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT} s (a scheduler "
            "answers at once: is another program listening on that port?); check the address, "
            "or start one with `dask scheduler`"
        ) from None
    except MemoryError:
        # distributed reads a frame of the length a peer's first bytes spell: a program that
        # is not Dask (an SSH or mail server) spells terabytes
        raise ConfigError(
            f"{scheduler}: the program answering there is not a Dask scheduler; check the "
            "address, or start one with `dask scheduler`"
        ) from None
    except OSError as err:
        raise ConfigError(
            f"{scheduler}: cannot reach the Dask scheduler ({err}); check the address, or "
            "start one with `dask scheduler`"
        ) from None


def worker_threads(client: Client) -> int:
    """How many tasks the cluster runs at once."""
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    return max(1, sum(threads.values()))
