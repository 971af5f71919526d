"""SHACL Core over a whole batch of books, with pyshacl's own constraint components.

pyshacl validates each sh:property shape once per focus node, building its constraint
components again every time, and checks each sh:or member one value at a time; for bookrdf's
shapes that is ~650 shape runs and ~20 discarded result descriptions per book, ~160 ms. The
engine keeps pyshacl's parts and changes how they are driven, once per batch:

- shapes, targets and focus nodes: pyshacl's ShapesGraph, Shape and Shape.focus_nodes;
- value nodes: paths.py, the same sets as pyshacl's value_nodes_from_path;
- constraints without nested shapes (sh:class, sh:datatype, sh:pattern, sh:equals…): the
  pyshacl component's own evaluate(), given every focus node at once; its make_v_result is
  replaced by a recorder, so a result costs a tuple instead of a text description;
- sh:property, sh:node, sh:not, sh:and, sh:or, sh:xone: here, by validating the nested shape
  once over all the value nodes (a nested shape's results depend only on its focus node);
- SPARQL constraints: sparql.py, one query per constraint and batch.

Anything else (qualified value shapes, custom components, recursive shapes, malformed shapes,
another pyshacl version) raises Unsupported, and the validator runs plain pyshacl instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyshacl
from pyshacl import consts as pyshacl_consts
from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.core import logical_constraints as logical
from pyshacl.constraints.core import shape_based_constraints as nested
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.errors import ConstraintLoadWarning, ReportableRuntimeError
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from bookrdf.validation.found import Found
from bookrdf.validation.index import IndexedGraph, canonical
from bookrdf.validation.paths import PathFunction, Unsupported, compile_path, simple_predicate
from bookrdf.validation.sparql import SparqlConstraint, SparqlRun

# The pyshacl releases whose internals (component attributes, make_v_result's signature, the
# value_nodes_from_path semantics mirrored in paths.py) this module was checked against.
SUPPORTED_PYSHACL = ("0.40.",)
_NESTING = {
    nested.PropertyConstraintComponent,
    nested.NodeConstraintComponent,
    logical.NotConstraintComponent,
    logical.AndConstraintComponent,
    logical.OrConstraintComponent,
    logical.XoneConstraintComponent,
}
_UNSUPPORTED = {nested.QualifiedValueShapeConstraintComponent}
_MAX_NESTING = 12
_EMPTY: dict[Any, Any] = {}
# Targets whose focus nodes need not be subjects of the data: books cannot share a batch.
_NODE_TARGETS = (SH.targetNode, SH.targetObjectsOf)
# The results each focus node causes (none: it conforms).
Results = dict[Node, list[Found]]


class _Recorder:
    """Stands in for a component's make_v_result: records the call, builds nothing."""

    def __init__(self, component: Any, sink: list[Found]) -> None:
        self.component = component
        self.sink = sink

    def __call__(
        self,
        datagraph: Any,
        focus_node: Node,
        value_node: Node | None = None,
        result_path: Node | None = None,
        constraint_component: Node | None = None,
        source_constraint: Node | None = None,
        extra_messages: Iterable[Any] | None = None,
        bound_vars: Any = None,
    ) -> None:
        self.sink.append(
            Found(
                self.component.shape,
                self.component,
                focus_node,
                value_node,
                result_path,
                constraint_component,
                source_constraint,
                extra_messages,
                bound_vars,
            )
        )


@dataclass
class _Plan:
    """A shape, compiled: its path and its constraint components, in pyshacl's order."""

    shape: Any
    path: PathFunction | None
    predicate: Node | None  # the path, when it is a single IRI
    components: list[Any] = field(default_factory=list)


class Engine:
    """Compiled shapes; `run` validates one graph (a batch of books) and returns every result.

    Runs take turns (a lock): they give pyshacl's components, shared by all runs, a recorder.
    """

    def __init__(self, shapes: Graph) -> None:
        if not pyshacl.__version__.startswith(SUPPORTED_PYSHACL):
            raise Unsupported(f"pyshacl {pyshacl.__version__}: the engine was not checked with it")
        copy = Graph()
        for triple in shapes:
            copy.add(triple)
        # the prefixes rdflib's Graph.query lets pyshacl's SPARQL queries use
        self.namespaces = {p: str(ns) for p, ns in IndexedGraph().namespaces()}
        # pyshacl's constants first, then the shapes' IRIs: the instances lookups will use
        for term in [*vars(pyshacl_consts).values(), *(t for triple in copy for t in triple)]:
            if isinstance(term, URIRef):
                canonical(term)
        try:
            self.sg = ShapesGraph(copy)
            self.shapes = list(self.sg.shapes)
            if self.sg.custom_constraints:
                raise Unsupported("custom constraint components")
            self.plans = {shape.node: self._compile(shape) for shape in self.shapes}
        except (ReportableRuntimeError, NotImplementedError) as err:
            raise Unsupported(str(err)) from None
        self._check_nesting()
        self.sparql: list[SparqlConstraint] = [
            c for plan in self.plans.values() for c in plan.components
            if isinstance(c, SparqlConstraint)
        ]  # fmt: skip
        self.inverse_predicates = frozenset(self._inverse_predicates())
        self.sparql_predicates = self._sparql_predicates()
        self.executor = SHACLExecutor()
        self._lock = threading.Lock()

    @property
    def batchable(self) -> bool:
        """Whether books validated together get the results they get alone (see batch.py)."""
        targets = (self.sg.graph.value(s.node, p) for s in self.shapes for p in _NODE_TARGETS)
        return all(t is None for t in targets) and all(c.batchable for c in self.sparql)

    def _inverse_predicates(self) -> set[Node]:
        """Predicates some path or SPARQL constraint follows from object to subject."""
        # pyshacl finds the targets of sh:targetClass through rdfs:subClassOf from the class
        found: set[Node] = {RDFS.subClassOf}
        for node in self.sg.graph.objects(None, SH.inversePath):
            found |= _path_predicates(self.sg.graph, node)
        for constraint in self.sparql:
            found |= constraint.inverse_predicates
        return found

    def _sparql_predicates(self) -> frozenset[Node] | None:
        """The predicates SPARQL constraints may match (None: any): what Oxigraph gets."""
        found: set[Node] = set()
        for constraint in self.sparql:
            predicates = constraint.predicates
            if predicates is None:
                return None
            found |= predicates
        return frozenset(found)

    def _compile(self, shape: Any) -> _Plan:
        path = predicate = None
        if shape.is_property_shape:
            path = compile_path(self.sg.graph, shape.path())
            predicate = simple_predicate(self.sg.graph, shape.path())
        plan = _Plan(shape, path, predicate)
        done: set[type] = set()
        for parameter, _value in self.sg.graph.predicate_objects(shape.node):
            component_class = CONSTRAINT_PARAMETERS_MAP.get(parameter)
            if component_class is None or component_class in done:
                continue
            done.add(component_class)
            if component_class in _UNSUPPORTED:
                raise Unsupported(f"{component_class.__name__} on {shape.node}")
            try:
                component: Any = component_class(shape)
            except ConstraintLoadWarning:
                continue  # pyshacl logs these and skips the component
            if isinstance(component, SPARQLBasedConstraint):
                component = SparqlConstraint(component, self.namespaces)
            plan.components.append(component)
        return plan

    def _references(self, plan: _Plan) -> list[Any]:
        """The shapes a shape's nested-shape constraints name (pyshacl fails on a missing one)."""
        found: list[Any] = []
        for component in plan.components:
            if type(component) not in _NESTING:
                continue
            heads, _test = _CHECKS[type(component)](component)
            for head in heads:
                names = [head]
                if type(component) in _LIST_COMPONENTS:
                    names = list(self.sg.graph.items(head))
                    if not names:
                        raise Unsupported(f"an empty shape list on {plan.shape.node}")
                for name in names:
                    shape = self.plans.get(name)
                    if shape is None or not _fits(component, shape.shape):
                        raise Unsupported(f"{plan.shape.node} names a missing or unfit shape")
                    found.append(shape.shape)
        return found

    def _check_nesting(self) -> None:
        """No shape may (indirectly) contain itself, nor nest deeper than pyshacl allows."""
        depth: dict[Node, int] = {}

        def visit(shape: Any, path: tuple[Node, ...]) -> int:
            if shape.node in path or len(path) > _MAX_NESTING:
                raise Unsupported(f"recursive or too deeply nested shapes at {shape.node}")
            if shape.node not in depth:
                inner = self._references(self.plans[shape.node])
                depth[shape.node] = 1 + max(
                    (visit(s, (*path, shape.node)) for s in inner), default=0
                )
            return depth[shape.node]

        for shape in self.shapes:
            visit(shape, ())

    def run(self, graph: IndexedGraph, sparql: SparqlRun) -> list[Found]:
        """Every result of validating the graph against the shapes, as plain pyshacl finds them."""
        run = _Run(self, graph, sparql, self.executor)
        results: list[Found] = []
        with self._lock:
            for shape in self.shapes:
                for found in run.validate(shape, None).values():
                    results.extend(found)
        return results


class _Run:
    """One validation of one graph: the engine's shapes driven over it."""

    def __init__(
        self, engine: Engine, graph: IndexedGraph, sparql: SparqlRun, executor: Any
    ) -> None:
        self.engine = engine
        self.graph = graph
        self.sparql = sparql
        self.executor = executor
        self.conformance: dict[Node, dict[Node, bool]] = {}

    def validate(self, shape: Any, focus: list[Node] | None) -> Results:
        """pyshacl's Shape.validate: the results each focus node causes (none: it conforms)."""
        if shape.deactivated:
            return {}
        if focus is None:
            focus = list(shape.focus_nodes(self.graph))
        if not focus:
            return {}
        plan = self.engine.plans[shape.node]
        index = self.graph.index
        if plan.predicate is not None:
            spo, p = index.spo, plan.predicate
            values = {f: set(spo.get(f, _EMPTY).get(p, _EMPTY)) for f in focus}
        elif plan.path is not None:
            values = {f: plan.path(index, f, False) for f in focus}
        else:
            values = {f: {f} for f in focus}
        out: Results = {}
        for component in plan.components:
            self._evaluate(shape, component, values, out)
        return out

    def _evaluate(
        self, shape: Any, component: Any, values: dict[Node, set[Node]], out: Results
    ) -> None:
        if isinstance(component, SparqlConstraint):
            for focus, results in component.evaluate(self.sparql, self.graph, values).items():
                out.setdefault(focus, []).extend(results)
        elif isinstance(component, nested.PropertyConstraintComponent):
            self._property(shape, component, values, out)
        elif type(component) in _CHECKS:
            self._nested(shape, component, values, out)
        else:
            sink: list[Found] = []
            component.make_v_result = _Recorder(component, sink)
            component.evaluate(self.executor, self.graph, values, [])
            for found in sink:  # pyshacl's components report on the focus node they were given
                out.setdefault(found.focus, []).append(found)

    def _property(
        self, shape: Any, component: Any, values: dict[Node, set[Node]], out: Results
    ) -> None:
        """sh:property: each property shape validated once on all the value nodes."""
        owners: dict[Node, list[Node]] = {}
        for focus, nodes in values.items():
            for node in nodes:
                owners.setdefault(node, []).append(focus)
        if not owners:
            return
        for name in component.property_shapes:
            inner = shape.get_other_shape(name)
            # pyshacl validates the property shape once per (focus, value) pair
            for node, found in self.validate(inner, list(owners)).items():
                for focus in owners[node]:
                    out.setdefault(focus, []).extend(found)

    def _nested(
        self, shape: Any, component: Any, values: dict[Node, set[Node]], out: Results
    ) -> None:
        """sh:node, sh:not, sh:and, sh:or, sh:xone: a result for each value that fails the test."""
        everything = {node for nodes in values.values() for node in nodes}
        if not everything:
            return
        heads, test = _CHECKS[type(component)](component)
        for head in heads:
            names = [head]
            if type(component) in _LIST_COMPONENTS:
                names = list(self.engine.sg.graph.items(head))
            members = [shape.get_other_shape(name) for name in names]
            passes = {n: [self._conforms(m, n, everything) for m in members] for n in everything}
            for focus, nodes in values.items():
                for node in nodes:
                    if not test(passes[node]):
                        out.setdefault(focus, []).append(Found(shape, component, focus, node))

    def _conforms(self, shape: Any, node: Node, batch: set[Node]) -> bool:
        """Whether a node conforms to a shape; the shape is checked once for all nodes at hand."""
        known = self.conformance.setdefault(shape.node, {})
        if node not in known:
            todo = [n for n in batch if n not in known]
            failing = self.validate(shape, todo)
            for n in todo:
                known[n] = not failing.get(n)
        return known[node]


_LIST_COMPONENTS: dict[type, str] = {
    logical.AndConstraintComponent: "and_list",
    logical.OrConstraintComponent: "or_list",
    logical.XoneConstraintComponent: "xone_nodes",
}
# For each nested-shape component: its shape (or shape list) nodes, and when a value passes.
_CHECKS: dict[type, Callable[[Any], tuple[list[Node], Callable[[list[bool]], bool]]]] = {
    nested.NodeConstraintComponent: lambda c: (c.node_shapes, all),
    logical.NotConstraintComponent: lambda c: (c.not_list, lambda passes: not passes[0]),
    logical.AndConstraintComponent: lambda c: (c.and_list, all),
    logical.OrConstraintComponent: lambda c: (c.or_list, any),
    logical.XoneConstraintComponent: lambda c: (c.xone_nodes, lambda passes: sum(passes) == 1),
}
_CHECKS[nested.PropertyConstraintComponent] = lambda c: (c.property_shapes, all)


def _fits(component: Any, shape: Any) -> bool:
    """pyshacl fails when sh:property names a node shape or sh:node a property shape."""
    if isinstance(component, nested.PropertyConstraintComponent):
        return bool(shape.is_property_shape)
    if isinstance(component, nested.NodeConstraintComponent):
        return not shape.is_property_shape
    return True


def _path_predicates(shapes: Graph, path: Node) -> set[Node]:
    """Every IRI in a path expression (the predicates an inverse path may follow)."""
    found: set[Node] = set()
    todo, seen = [path], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, URIRef):
            found.add(node)
        else:
            todo.extend(o for _p, o in shapes.predicate_objects(node))
    return found
