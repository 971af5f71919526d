"""A validation result as the engine finds it: what pyshacl's make_v_result would be given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib.term import Node


@dataclass(frozen=True, slots=True)
class Found:
    """One result: its shape and constraint component (pyshacl objects), focus node and value.

    `path` is a result path a SPARQL constraint chose (else the shape's own path applies);
    `extra_messages` and `bound_vars` are the SPARQL constraint's messages and the row they are
    filled in from.
    """

    shape: Any  # pyshacl.shape.Shape
    component: Any  # a pyshacl ConstraintComponent
    focus: Node
    value: Node | None = None
    path: Node | None = None
    constraint_component: Node | None = None
    source_constraint: Node | None = None
    extra_messages: Iterable[Any] | None = None
    bound_vars: Any = None
