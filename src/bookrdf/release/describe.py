"""A release described in VoID, DCAT and PROV-O: one graph, every node an IRI under the base."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox

from bookrdf.config import DatasetConfig
from bookrdf.errors import ConfigError, InputError
from bookrdf.release.manifest import sha256_file
from bookrdf.release.rdf import (
    DCAT,
    DCTERMS,
    FOAF,
    IANA_MEDIA_TYPES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SPDX,
    VOID,
    XSD,
    namespace_of,
    prefixed,
    sort_description,
)
from bookrdf.release.stats import Counts
from bookrdf.vocab import Minter, segment

Object = ox.NamedNode | ox.Literal
VOID_CLASS = ox.NamedNode(VOID.namespace + "class")  # `class` is a Python keyword


@dataclass(frozen=True)
class DumpFile:
    """A dump as written: its name, media type, compression, size and SHA-256."""

    name: str
    media_type: str
    size: int
    sha256: str
    compression: str | None = None  # a media type such as "application/gzip"


@dataclass(frozen=True)
class InputFile:
    """An input file of the release, as named on the command line, and its SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ReleaseFacts:
    """Everything the description says, gathered while the release was written."""

    base: str
    dataset: DatasetConfig
    counts: Counts
    dumps: Sequence[DumpFile]
    inputs: Sequence[InputFile]
    example: str | None
    issued: date
    started: datetime
    ended: datetime
    version: str


def release_clock() -> datetime:
    """Now, to the second, in UTC; pinned by SOURCE_DATE_EPOCH for reproducible releases."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970; "
            "unset it or give one like 1700000000"
        ) from None


def input_file(path: Path) -> InputFile:
    """An input file with its SHA-256."""
    try:
        return InputFile(path.as_posix(), sha256_file(path))
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None


def dataset_iri(base: str) -> str:
    """The dataset's IRI: '{base}dataset'."""
    return f"{base}dataset"


class _Graph:
    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Object | None) -> None:
        if obj is not None:
            self.triples.append(ox.Triple(subject, predicate, obj))


def _iri(value: str | None) -> ox.NamedNode | None:
    return ox.NamedNode(value) if value else None


def _text(value: str | None) -> ox.Literal | None:
    return ox.Literal(value) if value else None


def _typed(value: object, datatype: ox.NamedNode) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


def _time(moment: datetime) -> ox.Literal:
    return _typed(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), XSD.dateTime)


def describe_release(facts: ReleaseFacts) -> list[ox.Triple]:
    """The VoID + DCAT + PROV-O description of a release, sorted, the dataset first; the input
    files come separately (`describe_inputs`)."""
    graph = _Graph()
    dataset = ox.NamedNode(dataset_iri(facts.base))
    _describe_dataset(graph, dataset, facts)
    _describe_partitions(graph, dataset, facts.counts)
    for dump in facts.dumps:
        _describe_dump(graph, dataset, dump, facts)
    _describe_provenance(graph, dataset, facts)
    return sort_description(graph.triples, dataset.value)


def _describe_dataset(graph: _Graph, dataset: ox.NamedNode, facts: ReleaseFacts) -> None:
    config, counts = facts.dataset, facts.counts
    for cls in (VOID.Dataset, DCAT.Dataset, PROV.Entity):
        graph.add(dataset, RDF.type, cls)
    graph.add(dataset, DCTERMS.title, _text(config.title))
    graph.add(dataset, DCTERMS.description, _text(config.description))
    graph.add(dataset, DCTERMS.license, _iri(config.license_iri))
    graph.add(dataset, DCTERMS.issued, _typed(facts.issued.isoformat(), XSD.date))
    graph.add(dataset, DCTERMS.modified, _time(facts.ended))
    graph.add(dataset, FOAF.homepage, _iri(config.homepage))
    graph.add(dataset, DCAT.landingPage, _iri(config.homepage))
    graph.add(dataset, VOID.sparqlEndpoint, _iri(config.sparql_endpoint))
    graph.add(dataset, VOID.uriSpace, ox.Literal(facts.base))
    graph.add(dataset, VOID.exampleResource, _iri(facts.example))
    if config.publisher:
        publisher = _publisher(facts.base, config.publisher)
        graph.add(dataset, DCTERMS.publisher, publisher)
        graph.add(publisher, RDF.type, FOAF.Agent)
        if not config.publisher.startswith(("http://", "https://")):
            graph.add(publisher, FOAF.name, ox.Literal(config.publisher))
    graph.add(dataset, VOID.triples, _typed(counts.triples, XSD.integer))
    graph.add(dataset, VOID.entities, _typed(counts.entities, XSD.integer))
    graph.add(dataset, VOID.distinctSubjects, _typed(counts.subjects, XSD.integer))
    graph.add(dataset, VOID.classes, _typed(len(counts.classes), XSD.integer))
    graph.add(dataset, VOID.properties, _typed(len(counts.properties), XSD.integer))
    for namespace in sorted({namespace_of(iri) for iri in [*counts.classes, *counts.properties]}):
        graph.add(dataset, VOID.vocabulary, ox.NamedNode(namespace))


def _publisher(base: str, publisher: str) -> ox.NamedNode:
    """The publisher's IRI: as given, or minted from its name like a book's publisher."""
    if publisher.startswith(("http://", "https://")):
        return ox.NamedNode(publisher)
    return ox.NamedNode(str(Minter(base).organization(publisher)))


def _partition_key(iri: str) -> str:
    """'schema-Book' for schema:Book: a stable path segment naming a class or property."""
    found = prefixed(iri)
    return f"{found[0]}-{segment(found[1])}" if found else segment(iri)


def _describe_partitions(graph: _Graph, dataset: ox.NamedNode, counts: Counts) -> None:
    for cls, entities in counts.classes.items():
        node = ox.NamedNode(f"{dataset.value}/partition/class/{_partition_key(cls)}")
        graph.add(dataset, VOID.classPartition, node)
        graph.add(node, RDF.type, VOID.Dataset)
        graph.add(node, VOID_CLASS, ox.NamedNode(cls))
        graph.add(node, VOID.entities, _typed(entities, XSD.integer))
    for prop, count in counts.properties.items():
        node = ox.NamedNode(f"{dataset.value}/partition/property/{_partition_key(prop)}")
        graph.add(dataset, VOID.propertyPartition, node)
        graph.add(node, RDF.type, VOID.Dataset)
        graph.add(node, VOID.property, ox.NamedNode(prop))
        graph.add(node, VOID.triples, _typed(count.triples, XSD.integer))
        graph.add(node, VOID.distinctSubjects, _typed(count.subjects, XSD.integer))


def _checksum(graph: _Graph, owner: ox.NamedNode, sha256: str) -> None:
    """An spdx:Checksum node '{owner}/sha256'."""
    node = ox.NamedNode(f"{owner.value}/sha256")
    graph.add(owner, SPDX.checksum, node)
    graph.add(node, RDF.type, SPDX.Checksum)
    graph.add(node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
    graph.add(node, SPDX.checksumValue, _typed(sha256, XSD.hexBinary))


def _describe_dump(
    graph: _Graph, dataset: ox.NamedNode, dump: DumpFile, facts: ReleaseFacts
) -> None:
    node = ox.NamedNode(f"{dataset.value}/dump/{segment(dump.name)}")
    url = ox.NamedNode((facts.dataset.download_base or facts.base) + segment(dump.name))
    graph.add(dataset, DCAT.distribution, node)
    graph.add(dataset, VOID.dataDump, url)
    graph.add(node, RDF.type, DCAT.Distribution)
    graph.add(node, DCTERMS.title, ox.Literal(dump.name))
    graph.add(node, DCAT.downloadURL, url)
    graph.add(node, DCAT.accessURL, url)
    graph.add(node, DCAT.mediaType, ox.NamedNode(IANA_MEDIA_TYPES + dump.media_type))
    if dump.compression:
        graph.add(node, DCAT.compressFormat, ox.NamedNode(IANA_MEDIA_TYPES + dump.compression))
    graph.add(node, DCAT.byteSize, _typed(dump.size, XSD.nonNegativeInteger))
    graph.add(node, DCTERMS.license, _iri(facts.dataset.license_iri))
    _checksum(graph, node, dump.sha256)


def _describe_provenance(graph: _Graph, dataset: ox.NamedNode, facts: ReleaseFacts) -> None:
    """Which bookrdf made the release and when (the files it used: `describe_inputs`)."""
    activity = _activity(dataset.value, facts)
    stamp = activity.value.rsplit("/", 1)[1]
    agent = ox.NamedNode(f"{dataset.value}/software/bookrdf/{segment(facts.version)}")
    graph.add(dataset, PROV.wasGeneratedBy, activity)
    graph.add(dataset, PROV.generatedAtTime, _time(facts.ended))
    graph.add(activity, RDF.type, PROV.Activity)
    graph.add(activity, RDFS.label, ox.Literal(f"bookrdf publish, {stamp}"))
    graph.add(activity, PROV.startedAtTime, _time(facts.started))
    graph.add(activity, PROV.endedAtTime, _time(facts.ended))
    graph.add(activity, PROV.wasAssociatedWith, agent)
    graph.add(activity, PROV.generated, dataset)
    graph.add(agent, RDF.type, PROV.SoftwareAgent)
    graph.add(agent, RDFS.label, ox.Literal(f"bookrdf {facts.version}"))
    graph.add(agent, SCHEMA.softwareVersion, ox.Literal(facts.version))


def describe_inputs(facts: ReleaseFacts) -> Iterator[list[ox.Triple]]:
    """Each input file the run used, with its SHA-256: one small graph per file, so that a
    catalogue of a million files is described without holding a million nodes."""
    dataset = dataset_iri(facts.base)
    activity = _activity(dataset, facts)
    for source in facts.inputs:
        graph = _Graph()
        node = ox.NamedNode(f"{dataset}/source/{segment(source.path)}")
        graph.add(activity, PROV.used, node)
        graph.add(node, RDF.type, PROV.Entity)
        graph.add(node, DCTERMS.title, ox.Literal(source.path))
        _checksum(graph, node, source.sha256)
        yield sort_description(graph.triples, activity.value)


def _activity(dataset: str, facts: ReleaseFacts) -> ox.NamedNode:
    """The run's IRI, from its start time."""
    stamp = facts.started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ox.NamedNode(f"{dataset}/publication/{stamp}")
