"""The SPARQL a constraint may use to run over a whole batch at once, and what it then needs.

A query can run with `$this` unbound over a batch, its rows grouped by `$this`, when that gives
the rows pyshacl gets with `$this` pre-bound to each focus node (sparql.py): when it is a SELECT
that selects `$this`, binds it in every group by triple patterns that lead forward from it
(subqueries included, each selecting `$this`), and uses only expressions rdflib and Oxigraph
evaluate alike. Anything else (OPTIONAL, UNION, MINUS, EXISTS, VALUES, LIMIT in a subquery, a
BIND before `$this` is bound, a pattern not connected to `$this` or starting from a fixed node,
functions outside a checked list, regexes with escapes, groups or flags) is not batchable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

THIS = Variable("this")
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Expression forms whose meaning rdflib and Oxigraph share (on the literals let through here).
_EXPRESSIONS = {
    "Builtin_STR", "Builtin_LCASE", "Builtin_UCASE", "Builtin_STRLEN", "Builtin_SUBSTR",
    "Builtin_CONCAT", "Builtin_REPLACE", "Builtin_REGEX", "Builtin_IF", "Builtin_FLOOR",
    "Builtin_CEIL", "Builtin_ABS", "Builtin_BOUND", "Builtin_isIRI", "Builtin_isBLANK",
    "Builtin_isLITERAL", "Builtin_isNUMERIC", "Builtin_sameTerm", "Builtin_DATATYPE",
    "Builtin_LANG", "Builtin_STRSTARTS", "Builtin_STRENDS", "Builtin_CONTAINS",
    "Builtin_COALESCE", "Function", "AdditiveExpression", "MultiplicativeExpression",
    "RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression", "UnaryNot",
    "UnaryMinus", "UnaryPlus",
}  # fmt: skip
_CASTS = {URIRef(_XSD + "integer"), URIRef(_XSD + "string")}
# Regular expressions Python's re and Rust's regex read alike: no escapes, no (?…), no flags.
_PORTABLE_PATTERN = re.compile(r"[\w ^$\[\]{},|+*?.()-]*")


@dataclass(frozen=True)
class Analysis:
    """What a query needs to run over a batch: whether it can, its predicates, its inverse steps."""

    batchable: bool
    predicates: frozenset[Node] | None = None  # None: any predicate
    inverse: frozenset[Node] = frozenset()


class _Unsafe(Exception):
    pass


def analyse(algebra: CompValue) -> Analysis:
    """Whether a query can run unbound over a batch (see the module docstring), and how."""
    try:
        scopes = _select(algebra)
        predicates: set[Node] | None = set()
        inverse: set[Node] = set()
        for triples in scopes:
            found = _rooted(triples, inverse)
            predicates = None if predicates is None or found is None else predicates | found
    except _Unsafe:
        return Analysis(False)
    return Analysis(True, None if predicates is None else frozenset(predicates), frozenset(inverse))


def _select(query: CompValue) -> list[list[Any]]:
    """The triple patterns of each scope of a SELECT that binds and selects $this."""
    node = query.p if query.name == "SelectQuery" and not dict.get(query, "datasetClause") else None
    while node is not None and node.name in ("Distinct", "Reduced", "OrderBy"):
        node = node.p
    if node is None or node.name != "Project" or THIS not in node.PV:
        raise _Unsafe
    scopes: list[list[Any]] = [[]]
    if not _group(node.p, scopes, scopes[0]):
        raise _Unsafe
    return scopes


def _group(node: CompValue, scopes: list[list[Any]], triples: list[Any]) -> bool:
    """Collects a group's triple patterns; True if the group certainly binds $this."""
    if node.name == "BGP":
        triples.extend(node.triples)
        return any(THIS in (s, o) for s, _p, o in node.triples)
    if node.name == "Join":
        left = _group(node.p1, scopes, triples)
        return _group(node.p2, scopes, triples) or left
    if node.name in ("Filter", "Extend"):
        _expression(node.expr)
        if node.name == "Extend" and node.var == THIS:
            raise _Unsafe
        if not _group(node.p, scopes, triples):  # an expression must see $this bound
            raise _Unsafe
        return True
    if node.name == "ToMultiSet":  # a subquery: its own scope, joined on $this
        inner = node.p
        while inner.name in ("Distinct", "Reduced"):
            inner = inner.p
        if inner.name != "Project" or THIS not in inner.PV:
            raise _Unsafe
        scopes.append([])
        if not _group(inner.p, scopes, scopes[-1]):
            raise _Unsafe
        return True
    raise _Unsafe


def _expression(expr: Any) -> None:
    """Only expression forms both engines evaluate alike; regexes without Python-only syntax."""
    if isinstance(expr, Literal) and "\n" in str(expr):
        raise _Unsafe
    if isinstance(expr, (Variable, Literal, URIRef)):
        return
    if isinstance(expr, list):
        for item in expr:
            _expression(item)
        return
    if not isinstance(expr, CompValue) or expr.name not in _EXPRESSIONS:
        raise _Unsafe
    if expr.name == "Function" and expr.iri not in _CASTS:
        raise _Unsafe
    if expr.name in ("Builtin_REGEX", "Builtin_REPLACE"):
        pattern = dict.get(expr, "pattern")
        text = str(pattern)
        portable = isinstance(pattern, Literal) and _PORTABLE_PATTERN.fullmatch(text)
        if not portable or "(?" in text or dict.get(expr, "flags") is not None:
            raise _Unsafe
    for key, value in expr.items():
        if key not in ("op", "iri", "distinct") and not key.startswith("_"):
            _expression(value)


def _rooted(triples: list[Any], inverse: set[Node]) -> set[Node] | None:
    """Checks every pattern is reached from $this; collects predicates and inverse steps."""
    bound: set[Node] = {THIS}
    todo = list(triples)
    predicates: set[Node] | None = set()
    while todo:
        progress = [t for t in todo if (_is_var(t[0]) and t[0] in bound) or t[2] in bound]
        if not progress:
            raise _Unsafe  # a pattern not connected to $this, or from a fixed node
        for s, p, o in progress:
            todo.remove((s, p, o))
            names = _predicates(p)
            predicates = None if predicates is None or names is None else predicates | names
            if s in bound:
                inverse |= _inverse_steps(p)
                if _is_var(o):
                    bound.add(o)
            else:  # followed from object to subject
                if names is None:
                    raise _Unsafe
                inverse |= names
                bound.add(s)
    return predicates


def _is_var(term: Node) -> bool:
    return isinstance(term, (Variable, BNode))


def _predicates(path: Any) -> set[Node] | None:
    """The IRIs a predicate position may match; None for a variable or a negated path."""
    if isinstance(path, URIRef):
        return {path}
    if isinstance(path, (SequencePath, AlternativePath)):
        found: set[Node] = set()
        for arg in path.args:
            names = _predicates(arg)
            if names is None:
                return None
            found |= names
        return found
    if isinstance(path, (InvPath, MulPath)):
        return _predicates(path.path) if isinstance(path, MulPath) else _predicates(path.arg)
    return None


def _inverse_steps(path: Any) -> set[Node]:
    """The predicates a forward path follows backwards (^p inside it)."""
    if isinstance(path, InvPath):
        return _predicates(path.arg) or set()
    if isinstance(path, (SequencePath, AlternativePath)):
        return {p for arg in path.args for p in _inverse_steps(arg)}
    if isinstance(path, MulPath):
        return _inverse_steps(path.path)
    if isinstance(path, (NegatedPath, Path)):
        return set()
    return set()
