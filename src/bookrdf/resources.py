"""Files that ship with bookrdf: the ontology, the JSON-LD context and the SHACL shapes."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).parent


def resource_path(relative: str) -> Path:
    """A shipped file: inside the installed wheel, or at the top of a source checkout."""
    for root in (_PACKAGE, _PACKAGE.parent.parent):
        candidate = root / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bookrdf is missing its file {relative}; reinstall bookrdf")


@cache
def jsonld_context() -> dict[str, Any]:
    """The body of ontology/context.jsonld (the value of its "@context")."""
    document = json.loads(resource_path("ontology/context.jsonld").read_text("utf-8"))
    context: dict[str, Any] = document["@context"]
    return context
