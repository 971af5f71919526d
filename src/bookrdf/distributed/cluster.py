"""A Dask client: of a running scheduler, or of a LocalCluster started for one run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bookrdf.errors import ConfigError
from bookrdf.parallel import default_jobs

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = 20  # seconds to reach the scheduler
WAIT_FOR_WORKERS = 60  # seconds a scheduler may take to get its first worker


@contextmanager
def connect(scheduler: str | None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler` (tcp://host:8786), or of a LocalCluster of one
    single-threaded worker process per core when None; closed (and stopped) afterwards."""
    try:
        from distributed import Client, LocalCluster
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import get_backend
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
    try:
        # a bad address is refused here: a Client that fails to start may keep its thread
        get_backend(parse_address(scheduler)[0])
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


def worker_threads(client: Client) -> int:
    """How many tasks the cluster runs at once."""
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    return max(1, sum(threads.values()))
