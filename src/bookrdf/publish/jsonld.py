"""One book as a compacted JSON-LD node tree, built directly from its statements.

pyld's framing gives the same tree at a hundred times the cost, so the tree is built here from
the shipped context (ontology/context.jsonld) and checked against pyld, pyoxigraph and rdflib in
the tests. Nodes are nested where first referenced from the work (framing's `@embed: @once`);
later references are `{"id": …}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from bookrdf.resources import jsonld_context
from bookrdf.rows import Lit, Term, lit

if TYPE_CHECKING:
    from bookrdf.rows import Subject

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Context:
    """What compaction needs from the context: prefixes, the vocabulary, term definitions."""

    vocab: str
    prefixes: Mapping[str, str]  # prefix -> namespace
    keys: frozenset[str]  # every key the context defines (terms and prefixes)
    terms: Mapping[str, tuple[str, str | None]]  # property IRI -> (term, coercion IRI/keyword)

    def expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        if local and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        return value


@cache
def context() -> Context:
    """The shipped context, read once."""
    body = jsonld_context()
    prefixes = {
        key: value
        for key, value in body.items()
        if isinstance(value, str) and not key.startswith("@") and value.endswith(("/", "#"))
    }
    partial = Context(body["@vocab"], prefixes, frozenset(body), {})
    terms: dict[str, tuple[str, str | None]] = {}
    for key, definition in body.items():
        if not isinstance(definition, dict):
            continue
        iri = partial.expand(definition.get("@id", key))
        coercion = definition.get("@type")
        if coercion is not None and not coercion.startswith("@"):
            coercion = partial.expand(coercion)
        terms[iri] = (key, coercion)
    return Context(partial.vocab, prefixes, partial.keys, terms)


@cache
def vocab_name(iri: str) -> str:
    """A property or class IRI compacted as JSON-LD does under @vocab: a bare name in the
    vocabulary, else prefix:name, else the IRI; never a name the context gives a meaning."""
    ctx = context()
    local = iri[len(ctx.vocab) :]
    if iri.startswith(ctx.vocab) and _LOCAL.fullmatch(local) and local not in ctx.keys:
        return local
    for prefix, namespace in ctx.prefixes.items():
        local = iri[len(namespace) :]
        name = f"{prefix}:{local}"
        if iri.startswith(namespace) and _LOCAL.fullmatch(local) and name not in ctx.keys:
            return name
    return iri


def _literal_value(term: Term) -> Any:
    found = lit(term)
    assert found is not None
    if found.lang:
        return {"@value": found.value, "@language": found.lang}
    if found.datatype == _XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(found.value):
        return int(found.value)  # a JSON number is an xsd:integer
    if found.datatype:
        return {"@value": found.value, "@type": found.datatype}
    return found.value


class _Tree:
    def __init__(self, groups: Mapping[str, Subject]) -> None:
        self.groups = groups
        self.placed: set[str] = set()

    def node(self, iri: str) -> dict[str, Any]:
        self.placed.add(iri)
        subject = self.groups[iri]
        out: dict[str, Any] = {"id": iri}
        if subject.types:
            types = [vocab_name(cls) for cls in subject.types]
            out["type"] = types[0] if len(types) == 1 else types
        for predicate, objects in subject.values.items():
            free, term, coercion = _plan(predicate)
            for obj in objects:
                if type(obj) is Lit and obj.lang is None and obj.datatype is None:
                    key, value = free, obj.value  # a plain string: most literals
                else:
                    key, value = self.entry(obj, free, term, coercion)
                found = out.get(key, _ABSENT)
                if found is _ABSENT:
                    out[key] = value
                elif type(found) is list:
                    found.append(value)
                else:
                    out[key] = [found, value]
        return out

    def entry(
        self, obj: Term, free: str, term: str | None, coercion: str | None
    ) -> tuple[str, Any]:
        """One statement's key and value: a node nested here, an IRI, or a literal."""
        found = obj if type(obj) is Lit else lit(obj)
        if found is None:
            iri = str(obj)
            if iri in self.groups and iri not in self.placed:
                return free, self.node(iri)
            if term and coercion == "@id":
                return term, iri
            if term and coercion == "@vocab":
                return term, vocab_name(iri)
            return free, {"id": iri}
        if term and coercion is not None and found.lang is None and found.datatype == coercion:
            value = _literal_value(found)
            return term, value if isinstance(value, int) else found.value
        return free, _literal_value(found)


_ABSENT = object()


@cache
def _plan(predicate: str) -> tuple[str, str | None, str | None]:
    """How a predicate's values are keyed: (the key for values that carry their own type or
    language, the context's term for it, that term's coercion)."""
    ctx = context()
    term, coercion = ctx.terms.get(predicate, (None, None))
    plain = vocab_name(predicate)
    if plain in ctx.keys:  # the name carries a coercion meant for another term
        plain = predicate
    return (term if term and coercion is None else plain), term, coercion


def nested_jsonld(root: str, groups: Mapping[str, Subject]) -> dict[str, Any]:
    """The node `root` with every node it reaches nested once; nodes it does not reach are
    listed under @included so no statement is lost."""
    tree = _Tree(groups)
    top: dict[str, Any] = tree.node(root) if root in groups else {"id": root}
    rest = [tree.node(iri) for iri in groups if iri not in tree.placed]
    if rest:
        top["@included"] = rest
    return top
