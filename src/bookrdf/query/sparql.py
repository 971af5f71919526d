"""What bookrdf reads of a SPARQL query's text without parsing it: its form, the prefixes it
declares and uses, its variables, where its WHERE clause opens, whether it names its own dataset
(FROM) and whether it calls other servers (SERVICE); and parameter binding.

pyoxigraph's parser reads keywords without word boundaries (`?o .SERVICE<x>`, `SERVICEex:s`
and `SERVICESILENT<x>` all call a service), so a keyword is looked for at the start of every
run of letters outside strings, IRIs, comments and the local part of prefixed names: the tests
hold these spellings, checked against pyoxigraph itself.

Parameters are bound by a VALUES block at the start of the WHERE clause, written from
pyoxigraph's serialisation of each term: no value can change the query's text. (pyoxigraph's
own `substitutions` were tried: its BOUND() and BIND() do not see substituted variables, and a
remote server needs the VALUES form anyway, so every target gets the same query.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from bookrdf.errors import QueryError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_TOKENS = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$]\w+)
  | (?P<word>[^\s{}()<>"'\#?$,;]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_USED_PREFIX = re.compile(r"(?:^|[|/^!(])([A-Za-z][\w.-]*)?:")


@dataclass(frozen=True)
class _Token:
    """A lexical token: strings, IRIs and comments are whole, so their braces do not count."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class Shape:
    """What bookrdf needs to know of a query without parsing it fully."""

    form: str
    declared: frozenset[str]
    used: frozenset[str]
    variables: frozenset[str]
    where: int | None  # offset just after the '{' that opens the WHERE clause
    dataset: bool = False  # a FROM or FROM NAMED clause
    service: bool = False  # a SERVICE call, anywhere


def decode_query(data: bytes, source: str) -> str:
    """A query file's text; a QueryError naming the line when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        raise QueryError(
            f"{source}:{line}: the query is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8"
        ) from None


def read_shape(text: str, source: str) -> Shape:
    """The form, prefixes, variables and WHERE clause of a query; a QueryError if no query."""
    tokens = [
        _Token(m.lastgroup or "", m.group(), m.start())
        for m in _TOKENS.finditer(text)
        if m.lastgroup not in {"space", "comment"}
    ]
    declared: set[str] = set()
    i = 0
    while i < len(tokens) and tokens[i].text.upper() in {"BASE", "PREFIX"}:
        if tokens[i].text.upper() == "PREFIX" and i + 1 < len(tokens):
            declared.add(tokens[i + 1].text.rstrip(":"))
        i += 3 if tokens[i].text.upper() == "PREFIX" else 2
    form = tokens[i].text.upper() if i < len(tokens) else ""
    if form not in _FORMS:
        raise QueryError(f"{source}: not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    used = {p for t in tokens if t.kind == "word" for p in _USED_PREFIX.findall(t.text)}
    variables = frozenset(t.text[1:] for t in tokens if t.kind == "var")
    return Shape(
        form,
        frozenset(declared),
        frozenset(used),
        variables,
        _where(tokens[i:]),
        dataset=any(_reads_as(t, "FROM") for t in _before_pattern(tokens[i:])),
        service=any(_reads_as(t, "SERVICE") for t in tokens[i:]),
    )


def _reads_as(token: _Token, keyword: str) -> bool:
    """Whether pyoxigraph reads `keyword` in a token: at the start of a run of letters before
    the token's first ':' (what follows is a prefixed name's local part)."""
    if token.kind != "word":
        return False
    head = token.text.split(":", 1)[0].upper()
    return any(run.startswith(keyword) for run in re.findall(r"[A-Z]+", head))


def _after_template(tokens: list[_Token]) -> list[_Token]:
    """The tokens after the form keyword, past a CONSTRUCT template."""
    rest = tokens[1:]
    if tokens[0].text.upper() == "CONSTRUCT" and rest and rest[0].text == "{":
        depth = 0
        for index, token in enumerate(rest):
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            if depth == 0:
                return rest[index + 1 :]
    return rest


def _before_pattern(tokens: list[_Token]) -> list[_Token]:
    """The tokens between the form keyword (and template) and the query pattern's '{'."""
    rest = _after_template(tokens)
    parens = 0
    for index, token in enumerate(rest):
        parens += {"(": 1, ")": -1}.get(token.text, 0)
        if token.text == "{" and parens == 0:
            return rest[:index]
    return rest


def _where(tokens: list[_Token]) -> int | None:
    """The offset after the '{' opening the WHERE clause (a CONSTRUCT template is skipped)."""
    template = len(tokens) > 1 and tokens[1].text == "{"
    if tokens[0].text.upper() == "CONSTRUCT" and not template:
        return None  # CONSTRUCT WHERE { … }: its pattern is also its template
    parens = 0
    for token in _after_template(tokens):
        parens += {"(": 1, ")": -1}.get(token.text, 0)
        if token.text == "{" and parens == 0:
            return token.start + 1
    return None


def with_values(text: str, shape: Shape, params: Mapping[str, Term], source: str) -> str:
    """The query with a VALUES block for the parameters, on the same line (lines keep numbers)."""
    if not params:
        return text
    for name in params:
        if name not in shape.variables:
            raise QueryError(f"{source}: the query has no variable ?{name} to bind")
    if shape.where is None:
        raise QueryError(f"{source}: parameters need a WHERE clause written as WHERE {{ … }}")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(str(term) for term in params.values())
    return f"{text[: shape.where]} VALUES ({names}) {{ ({values}) }} {text[shape.where :]}"
