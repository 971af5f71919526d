"""`bookrdf publish --executor dask`: the same per-book pipeline on a Dask distributed cluster.

    partitions   the inputs cut into partitions: whole files, JSON Lines in blocks of lines
    worker       one partition on a worker: read, map, validate, write its gzipped
                 N-Triples and N-Quads parts; count what VoID needs
    cluster      a client of a scheduler, or of a LocalCluster started for one run
    release      the client: run the partitions, check, count, describe, rename into place

In Python: `bookrdf.distributed.publish(paths, out, scheduler="tcp://host:8786")`. Dask is an
optional extra (`pip install 'bookrdf[dask]'`), imported only when a run starts.
"""

from __future__ import annotations

from bookrdf.distributed.release import publish
from bookrdf.release.manifest import PARTS, PARTS_LIST

__all__ = ["PARTS", "PARTS_LIST", "publish"]
