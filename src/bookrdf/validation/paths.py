"""SHACL property paths compiled once into functions over an IndexStore.

The functions return what pyshacl's `value_nodes_from_path` (pyshacl 0.40) returns for the same
path, step for step: an inverse path applies its inversion to every step below it, in the same
order; zero-or-more and zero-or-one paths include the start node. Malformed paths (a literal,
a one-item sequence, an unknown path property) raise Unsupported, and the validator then lets
pyshacl report them its own way.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from bookrdf.validation.index import IndexStore, canonical

# (index, start node, inverse?) -> the value nodes
PathFunction = Callable[[IndexStore, Node, bool], set[Node]]
_STEPS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_MAX_DEPTH = 10


class Unsupported(Exception):
    """Shapes the engine does not run itself; plain pyshacl validates them instead."""


def compile_path(shapes: Graph, path: Node, depth: int = 0) -> PathFunction:
    """The function that follows a sh:path from a node."""
    if isinstance(path, URIRef):
        return _predicate(canonical(path))
    if not isinstance(path, BNode) or depth >= _MAX_DEPTH:
        raise Unsupported(f"unsupported sh:path {path!r}")
    if (path, RDF.first, None) in shapes:
        return _sequence([compile_path(shapes, step, depth + 1) for step in _items(shapes, path)])
    kinds = {p: o for p, o in shapes.predicate_objects(path) if p in _STEPS}
    if len(kinds) != 1 or len(set(shapes.predicate_objects(path))) != 1:
        raise Unsupported(f"unsupported sh:path {path!r}")
    ((kind, inner),) = kinds.items()
    if kind == SH.alternativePath:
        members = _items(shapes, inner)
        if len(members) < 2:
            raise Unsupported("an alternative path needs two paths")
        return _alternative([compile_path(shapes, m, depth + 1) for m in members])
    step = compile_path(shapes, inner, depth + 1)
    if kind == SH.inversePath:
        return lambda index, node, inverse: step(index, node, not inverse)
    return _repeat(step, include_start=kind != SH.oneOrMorePath, once=kind == SH.zeroOrOnePath)


def _items(shapes: Graph, head: Node) -> list[Node]:
    """The members of a well-formed RDF list (one rdf:first and one rdf:rest per cell)."""
    members: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil:
        firsts = list(shapes.objects(head, RDF.first))
        rests = list(shapes.objects(head, RDF.rest))
        if len(firsts) != 1 or len(rests) != 1 or head in seen:
            raise Unsupported(f"malformed RDF list at {head!r}")
        seen.add(head)
        members.append(firsts[0])
        head = rests[0]
    return members


def simple_predicate(shapes: Graph, path: Node) -> Node | None:
    """The predicate of a path that is a single IRI (the common case, followed inline)."""
    return canonical(path) if isinstance(path, URIRef) else None


def _predicate(predicate: Node) -> PathFunction:
    def follow(index: IndexStore, node: Node, inverse: bool) -> set[Node]:
        if inverse:
            return set(index.by_object(predicate).get(node, ()))
        return set(index.spo.get(node, {}).get(predicate, ()))

    return follow


def _sequence(steps: list[PathFunction]) -> PathFunction:
    if len(steps) < 2:
        raise Unsupported("a sequence path needs two paths")

    def follow(index: IndexStore, node: Node, inverse: bool) -> set[Node]:
        nodes = {node}
        for step in steps:
            nodes = {found for start in nodes for found in step(index, start, inverse)}
        return nodes

    return follow


def _alternative(steps: list[PathFunction]) -> PathFunction:
    def follow(index: IndexStore, node: Node, inverse: bool) -> set[Node]:
        return {found for step in steps for found in step(index, node, inverse)}

    return follow


def _repeat(step: PathFunction, *, include_start: bool, once: bool) -> PathFunction:
    def follow(index: IndexStore, node: Node, inverse: bool) -> set[Node]:
        found = step(index, node, inverse)
        if once:
            return found | {node}
        collected: set[Node] = {node} if include_start else set()
        todo = set(found)
        while todo:
            current = todo.pop()
            if current in collected:
                continue
            collected.add(current)
            todo.update(step(index, current, inverse))
        return collected

    return follow
