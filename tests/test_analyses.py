"""What is kept of a SPARQL constraint's analysis, so rdflib parses each query once at most."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery

from bookrdf.validation import analyses
from bookrdf.validation.analyses import (
    analyses_of_shipped_shapes,
    analysis_key,
    query_analysis,
    shipped_analyses,
)
from bookrdf.validation.fragment import analyse

NAMESPACES = {"schema": "http://schema.org/", "dcterms": "http://purl.org/dc/terms/"}
QUERY = """PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT $this ?value WHERE { $this dcterms:hasPart ?value . ?value schema:position ?p .
  FILTER (?p < 1) }"""


def test_the_shipped_analyses_are_those_of_the_shipped_shapes() -> None:
    # Fails when a shipped shape's query changed: run `python -m bookrdf.validation.analyses`.
    assert shipped_analyses() == analyses_of_shipped_shapes()
    assert len(shipped_analyses()) >= 4


def test_the_key_does_not_depend_on_the_order_of_prefix_lines() -> None:
    first, second, rest = QUERY.split("\n", 2)
    assert analysis_key(QUERY, NAMESPACES) == analysis_key(f"{second}\n{first}\n{rest}", NAMESPACES)
    assert analysis_key(QUERY, NAMESPACES) != analysis_key(QUERY.replace("< 1", "< 2"), NAMESPACES)


def test_an_analysis_is_kept_and_then_read_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOKRDF_CACHE_DIR", str(tmp_path))
    parsed = analyse(prepareQuery(QUERY, initNs=NAMESPACES).algebra)
    assert parsed.batchable
    assert parsed.predicates == frozenset(
        {
            URIRef("http://purl.org/dc/terms/hasPart"),
            URIRef("http://schema.org/position"),
        }
    )

    assert query_analysis(QUERY, NAMESPACES) == parsed
    kept = list((tmp_path / "sparql-analyses").glob("*.json"))
    assert len(kept) == 1

    def no_parsing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the kept analysis should have been used")

    monkeypatch.setattr(analyses, "prepareQuery", no_parsing)
    assert query_analysis(QUERY, NAMESPACES) == parsed


def test_a_broken_cache_file_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOKRDF_CACHE_DIR", str(tmp_path))
    expected = query_analysis(QUERY, NAMESPACES)
    [kept] = (tmp_path / "sparql-analyses").glob("*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert query_analysis(QUERY, NAMESPACES) == expected
    assert json.loads(kept.read_text(encoding="utf-8"))["batchable"] is True


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("BOOKRDF_CACHE_DIR", str(blocker / "cache"))
    assert query_analysis(QUERY, NAMESPACES).batchable
