"""A release as people and machines find it: what it holds and how it changed.

    stats      VoID counts, exact, counted book by book as the dumps are written
    describe   the VoID + DCAT + PROV-O description (no blank nodes), from those counts
    rdf        its vocabularies and its Turtle and JSON-LD forms
    manifest   manifest.json (each book's content hash) and SHA256SUMS
    diff       two releases compared book by book: a summary, SPARQL Update or RDF Patch

`bookrdf.publish.write_release` writes releases with these; nothing here imports `publish`.
"""

from __future__ import annotations

from bookrdf.release.describe import (
    DumpFile,
    InputFile,
    ReleaseFacts,
    dataset_iri,
    describe_inputs,
    describe_release,
    release_clock,
)
from bookrdf.release.diff import (
    DIFF_FORMATS,
    BookDiff,
    ReleaseDiff,
    compare_manifests,
    diff_releases,
    rdf_patch,
    read_release,
    render_diff,
    sparql_update,
)
from bookrdf.release.manifest import (
    CHECKSUMS,
    MANIFEST,
    BookEntry,
    Changes,
    Manifest,
    read_manifest,
    require_manifest,
)
from bookrdf.release.stats import Counts, PropertyCount

__all__ = [
    "CHECKSUMS",
    "DIFF_FORMATS",
    "MANIFEST",
    "BookDiff",
    "BookEntry",
    "Changes",
    "Counts",
    "DumpFile",
    "InputFile",
    "Manifest",
    "PropertyCount",
    "ReleaseDiff",
    "ReleaseFacts",
    "compare_manifests",
    "dataset_iri",
    "describe_inputs",
    "describe_release",
    "diff_releases",
    "rdf_patch",
    "read_manifest",
    "read_release",
    "release_clock",
    "render_diff",
    "require_manifest",
    "sparql_update",
]
