"""N-Triples and N-Quads dumps routed as text (`store.lines`) give exactly the quads of
`read_quads`, and a file with a syntax error is refused with `read_quads`'s one-line error."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookrdf.cli import cli
from bookrdf.errors import InputError
from bookrdf.store import lines, load_files, memory_store, open_store
from bookrdf.store.files import parse_quads, read_quads
from bookrdf.store.lines import _plain, load_nquads, route_lines
from tests.conftest import BASE

DATA = Path(__file__).parent.parent / "data" / "books"
SCHEMA = "http://schema.org/"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def canonical(quads: Iterator[ox.Quad]) -> set[str]:
    """Quads as N-Quads lines, blank nodes labelled by the dataset's shape."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def as_text(path: Path, base: str = BASE) -> set[str]:
    """The quads of a file routed as text (it must be: no fall back to read_quads)."""
    routed = route_lines(path, base)
    assert routed is not None, f"{path} was not routed as text"
    store = ox.Store()
    assert load_nquads(store, b"".join(block.nquads for block in routed))
    return canonical(iter(store))


def as_quads(path: Path, base: str = BASE) -> set[str]:
    return canonical(read_quads(path, base))


def graph_order(path: Path, base: str = BASE) -> tuple[list[str], list[str]]:
    """The graphs in the order each way names them first (how a load lists its books)."""
    routed = route_lines(path, base)
    assert routed is not None
    text = [graph for block in routed for graph in block.graphs]
    quads: dict[str, None] = {}
    for quad in read_quads(path, base):
        assert isinstance(quad.graph_name, ox.NamedNode)
        quads.setdefault(quad.graph_name.value, None)
    return text, list(quads)


def publish(inputs: list[Path], out: Path, *formats: str) -> Path:
    options = [arg for fmt in formats for arg in ("-f", fmt)]
    result = run("publish", *map(str, inputs), "-o", str(out), "--no-validate", *options)
    assert result.exit_code == 0, result.stderr
    return out


def load_each_way(paths: list[Path], folder: Path) -> Iterator[set[str]]:
    """The canonical quads of files loaded into memory, an empty store and a busy one."""
    yield canonical(iter(memory_store(paths).oxigraph))
    with open_store(folder / "empty") as store:
        load_files(paths, store)
        yield canonical(iter(store.oxigraph))
    other = ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"))
    with open_store(folder / "busy") as store:
        store.oxigraph.add(other)
        load_files(paths, store)
        store.oxigraph.remove(other)
        yield canonical(iter(store.oxigraph))


# --- releases made by bookrdf publish ------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    result = run("generate", "--books", "30", "--seed", "3", "--out", str(folder))
    assert result.exit_code == 0, result.stderr
    return publish([folder / "books.jsonl"], folder / "release", "nt.gz", "nt", "nq")


@pytest.fixture(scope="module")
def seed_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish([DATA], tmp_path_factory.mktemp("seed"), "nt.gz", "nq")


@pytest.mark.parametrize("name", ["books.nt.gz", "books.nt", "books.nq"])
def test_a_generated_release_routes_as_text_to_the_same_quads(generated: Path, name: str) -> None:
    path = generated / name
    quads = as_quads(path)
    assert as_text(path) == quads
    text, by_quads = graph_order(path)
    assert text == by_quads
    routed = route_lines(path, BASE)
    assert routed is not None
    # a publisher's triples come with each of its books, and go to each book's graph once
    assert sum(block.quads for block in routed) == len(quads)


@pytest.mark.parametrize("name", ["books.nt.gz", "books.nq"])
def test_the_seed_release_routes_as_text_to_the_same_quads(seed_release: Path, name: str) -> None:
    assert as_text(seed_release / name) == as_quads(seed_release / name)


def test_a_dump_loads_the_same_into_an_empty_and_a_busy_store(
    generated: Path, tmp_path: Path
) -> None:
    other = ox.Quad(
        ox.NamedNode("http://x/s"),
        ox.NamedNode("http://x/p"),
        ox.Literal("o"),
        ox.NamedNode("http://x/g"),
    )
    with open_store(tmp_path / "bulk") as store:  # the bulk loader
        bulk = load_files([generated / "books.nt.gz"], store)
        bulk_quads = {str(quad) for quad in store.oxigraph}
    with open_store(tmp_path / "busy") as store:  # a transaction, staged in a store
        store.oxigraph.add(other)
        busy = load_files([generated / "books.nt.gz"], store)
        store.oxigraph.remove(other)
        busy_quads = {str(quad) for quad in store.oxigraph}
    assert bulk_quads == busy_quads == as_quads(generated / "books.nt.gz")
    assert (bulk.books, bulk.triples) == (busy.books, busy.triples) == (30, len(bulk_quads))


# --- a hand-written dump -------------------------------------------------------------------

HOSTILE = (
    "# a dump written by hand: comments, tabs, CRLF, runs of spaces\r\n"
    f'<{BASE}book/b1> <{SCHEMA}name> "A title . with <x> and _:b0 inside ." .\r\n'
    f"<{BASE}book/b1>\t<{SCHEMA}publisher>\t<{BASE}org/p>  .  # a comment . <x>\n"
    f'   <{BASE}org/p>   <{SCHEMA}name>  "Press \\"quoted\\" # no comment"@en-GB .\n'
    f"<{BASE}book/b2> <{SCHEMA}publisher> <{BASE}org/p>.\n"
    "\n"
    "\t\n"
    f'<{BASE}book/b2> <{SCHEMA}datePublished> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    f"<{BASE}book/b2> <{SCHEMA}about> _:b0 .\n"
    f'_:b0 <{SCHEMA}name> "Blank ^^<http://x/y> node"@de .\n'
    f"_:b0 <{SCHEMA}sameAs> _:b1 .\n"
    f"_:b1 <{SCHEMA}sameAs> _:b0.\n"
    f"<{BASE}org/p> <{SCHEMA}member> <{BASE}person/x> .\n"
    f"<{BASE}book/b1> <{SCHEMA}author> <{BASE}person/x> .\n"
    f'<{BASE}person/x> <{SCHEMA}name> "X"@de .\n'
    f'<http://elsewhere.example/thing> <{SCHEMA}name> "about no book" .\n'
    f"<{BASE}book/b1/chapter/1> <{SCHEMA}isPartOf> <{BASE}book/b1> .\n"
    f'<{BASE}book/b1#id> <{SCHEMA}name> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    f'<{BASE}book/> <{SCHEMA}name> "an empty book id: shared" .\n'
    f"<{BASE}book/b1> <{SCHEMA}mentions> <{BASE}book/> .\n"
    f'<{BASE}book/b1> <{SCHEMA}description> "tab\\there\\nand é, \\u00e9 and \\U0001F600" .\n'
    f'<{BASE}book/b1> <{SCHEMA}name> "" .\n'
    "# the last line has no line break\n"
    f'<{BASE}book/b2> <{SCHEMA}name> "last" .'
)


@pytest.mark.parametrize("name", ["hostile.nt", "hostile.nt.gz"])
def test_a_hostile_dump_routes_as_text_to_the_same_quads(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    data = HOSTILE.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    quads = as_quads(path)
    assert len(quads) == 22
    assert as_text(path) == quads
    text, by_quads = graph_order(path)
    assert text == by_quads


# lines as Oxigraph writes them, in an order no release has: a book's lines apart, ids alike
PLAIN = [
    f"<{BASE}book/b1> <{SCHEMA}publisher> <{BASE}org/p> .",
    f"<{BASE}book/b2> <{SCHEMA}publisher> <{BASE}org/p> .",
    f'<{BASE}book/b1> <{SCHEMA}name> "one" .',
    f'<{BASE}book/b22> <{SCHEMA}name> "a book whose id starts as b2\'s does" .',
    f'<{BASE}book/b2#x> <{SCHEMA}name> "b2, again" .',
    f'<{BASE}org/p> <{SCHEMA}name> "P" .',
    f"<{BASE}org/q> <{SCHEMA}member> <{BASE}book/b22> .",
    f'<{BASE}org/q> <{SCHEMA}name> "Q" .',
    f'<{BASE}org/t> <{SCHEMA}name> "T" .',
]


@pytest.mark.parametrize(
    "extra",
    [
        "",
        f'<{BASE}org/t> <{SCHEMA}name> "commented" . # a comment .',
        f'<{BASE}org/t><{SCHEMA}name> "terms without a space" .',
        f'<{BASE}book/b1> <{SCHEMA}name> "x"^^ <{BASE}org/t> .',
        f'<{BASE}book/b1> <{SCHEMA}name> "a raw\ttab" .',
        f'<{BASE}book/b1> <{SCHEMA}name> "an escape: \\u00e9" .',
    ],
)
def test_plain_looking_lines_route_to_the_same_quads(tmp_path: Path, extra: str) -> None:
    path = tmp_path / "plain.nt"
    path.write_text("\n".join([*PLAIN, extra]).strip() + "\n")
    assert _plain(path.read_bytes()) == (not extra)  # each extra line is read a line at a time
    loaded = memory_store([path]).oxigraph  # as text, or as quads when the text route gives up
    assert canonical(iter(loaded)) == as_quads(path)


@pytest.mark.parametrize(
    "text",
    [
        f'_:b0 <{SCHEMA}name> "1" .\n_:b0 <{SCHEMA}url> _:b1 .\n',
        f"<{BASE}book/b1> <{SCHEMA}about> _:b0 .\n<{BASE}book/b1> <{SCHEMA}url> _:b1 .\n",
    ],
)
def test_blank_nodes_stay_apart_across_files_and_loads(tmp_path: Path, text: str) -> None:
    for name in ("a.nt", "b.nt"):
        (tmp_path / name).write_text(text)
    paths = [tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "a.nt"]
    for loaded in load_each_way(paths, tmp_path):
        assert sum("_:c14n" in quad for quad in loaded) == 6  # two lines, three times over


def test_small_blocks_give_the_same_quads_every_way(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks end inside a book's lines, and between lines sharing a blank node."""
    monkeypatch.setattr(lines, "BLOCK", 150)
    hostile = tmp_path / "hostile.nt"
    hostile.write_text(HOSTILE)
    paths = [generated / "books.nt.gz", hostile]
    expected = {quad for path in paths for quad in as_quads(path)}
    for loaded in load_each_way(paths, tmp_path):
        assert loaded == expected


@pytest.mark.parametrize("batch", [100_000, 1_000_000])
def test_a_dump_given_to_the_bulk_loader_in_pieces_loads_the_same(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Pieces cut at line ends (a few dozen pieces, a few); text with blank nodes
    (the hostile dump) goes in one piece, so its labels keep naming one node."""
    monkeypatch.setattr(lines, "BULK_BATCH_BYTES", batch)
    hostile = tmp_path / "hostile.nt"
    hostile.write_text(HOSTILE)
    for i, paths in enumerate([[generated / "books.nt.gz"], [generated / "books.nt.gz", hostile]]):
        expected = {quad for path in paths for quad in as_quads(path)}
        for loaded in load_each_way(paths, tmp_path / str(i)):
            assert loaded == expected


def test_the_bulk_loader_gets_pieces_of_about_the_batch_size(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines, "BLOCK", 1000)  # a file is read in blocks of whole lines
    routed = route_lines(generated / "books.nt.gz", BASE)
    assert routed is not None
    text = b"".join(block.nquads for block in routed)
    (tmp_path / "routed.nq").write_bytes(text)
    for source in (text, tmp_path / "routed.nq"):
        pieces = list(lines._batches(source, 10_000))
        assert all(isinstance(piece, bytes) and piece.endswith(b"\n") for piece in pieces)
        assert b"".join(pieces) == text  # type: ignore[arg-type]
        assert len(pieces) >= len(text) // 20_000
        assert all(len(piece) <= 20_000 for piece in pieces)  # type: ignore[arg-type]
    blank = text + b'_:b0 <http://schema.org/name> "x" <http://example.org/g> .\n'
    assert list(lines._batches(blank, 10_000)) == [blank]


def test_nquads_keep_their_graphs(tmp_path: Path) -> None:
    path = tmp_path / "mixed.nq"
    path.write_text(
        f'<{BASE}book/b1> <{SCHEMA}name> "in its book" .\n'
        f'<{BASE}org/p> <{SCHEMA}name> "in a graph of its own" <http://x/g> .\n'
        f'_:b <{SCHEMA}name> "a blank node, in a graph" <http://x/g> .\n'
        f"<{BASE}book/b1> <{SCHEMA}publisher> <{BASE}org/p> <http://x/g> .\n"
    )
    assert as_text(path) == as_quads(path)


@pytest.mark.parametrize(
    "line",
    [
        f'<{BASE}book/b\\u0031> <{SCHEMA}name> "an escaped subject" .',
        f"<{BASE}book/b1> <{SCHEMA}publisher> <{BASE}org/\\u0070> .",
        f'<{BASE}book/b1> <{SCHEMA}name> "x" ^^ <http://www.w3.org/2001/XMLSchema#string> .',
        f'<{BASE}book/b1><{SCHEMA}name>"no spaces".',
    ],
)
def test_unusual_lines_are_read_as_quads(tmp_path: Path, line: str) -> None:
    path = tmp_path / "unusual.nt"
    path.write_text(f"{line}\n<{BASE}book/b1> <{SCHEMA}publisher> <{BASE}org/p> .\n")
    assert route_lines(path, BASE) is None
    with open_store(tmp_path / "store") as store:
        load_files([path], store)
        assert {str(q) for q in store.oxigraph} == {str(q) for q in read_quads(path, BASE)}


def test_a_byte_order_mark_is_skipped_by_both_routes(tmp_path: Path) -> None:
    path = tmp_path / "marked.nt"
    text = f'<{BASE}book/b1> <{SCHEMA}name> "a byte order mark" .\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert as_text(path) == as_quads(path)
    assert len(as_quads(path)) == 1


def test_a_file_changed_between_the_passes_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "books.nt"
    path.write_text(f'<{BASE}book/b1> <{SCHEMA}name> "one" .\n')
    routed = route_lines(path, BASE)
    assert routed is not None
    path.write_text(f'<{BASE}book/b1> <{SCHEMA}name> "one, and then some more" .\n')
    with pytest.raises(InputError, match="changed while it was loaded"):
        list(routed)


# --- syntax errors ---------------------------------------------------------------------------

BAD_LINES = [
    "<http://a b> <http://x/p> <http://x/o> .",  # a plain-looking line: the loader refuses it
    "<http://x/s> <http://x/p> .",  # two terms: the graph would become the object
    '<http://x/s> <http://x/p> "x"^^ .',  # a datatype that would swallow the graph
    '<http://x/s> <http://x/p> "x"@1a .',  # a bad language tag
    '<http://x/s> <http://x/p> "unterminated .',
    "<http://x/s> <http://x/p> <http://x/o> <http://x/g> .",  # a graph in N-Triples
    '<http://x/s> <http://x/p> "x" . <http://x/s> <http://x/p> "y" .',
    "<http://x/s> <http://x/p> <relative> .",
]


def expected_error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        list(parse_quads(path))
    return f"Error: {caught.value}"


def write_bad(folder: Path, line: str, *, noisy: bool) -> Path:
    """Good lines around a bad one (line 3); `noisy` adds a comment, making the block irregular."""
    path = folder / "bad.nt"
    good = f'<{BASE}book/b1> <{SCHEMA}name> "fine" .\n'
    comment = "# a comment\n" if noisy else good
    path.write_text(good + comment + line + "\n" + good)
    return path


@pytest.mark.parametrize("noisy", [False, True])
@pytest.mark.parametrize("line", BAD_LINES)
def test_a_syntax_error_into_an_empty_store_is_read_quads_error(
    tmp_path: Path, line: str, noisy: bool
) -> None:
    path = write_bad(tmp_path, line, noisy=noisy)
    store = tmp_path / "store"
    result = run("load", str(path), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [expected_error(path)]
    assert ":3:" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / ".store.loading").exists()
    assert not store.exists()  # the store this run created is gone with it


@pytest.mark.parametrize("line", BAD_LINES[:3])
def test_a_syntax_error_leaves_a_store_as_it_was(tmp_path: Path, line: str) -> None:
    store = tmp_path / "store"
    good = tmp_path / "good.nt"
    good.write_text(f'<{BASE}book/b9> <{SCHEMA}name> "kept" .\n')
    assert run("load", str(good), "--store", str(store)).exit_code == 0
    with open_store(store) as opened:
        before = {str(quad) for quad in opened.oxigraph}
    path = write_bad(tmp_path, line, noisy=False)
    result = run("load", str(good), str(path), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [expected_error(path)]
    with open_store(store) as opened:
        assert {str(quad) for quad in opened.oxigraph} == before


def test_a_syntax_error_in_the_second_file_names_it(tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_text(f'<{BASE}book/b9> <{SCHEMA}name> "fine" .\n')
    bad = write_bad(tmp_path, BAD_LINES[1], noisy=False)
    result = run("load", str(good), str(bad), "--store", str(tmp_path / "store"))
    assert result.stderr.splitlines() == [expected_error(bad)]


def test_a_syntax_error_in_query_data_is_read_quads_error(tmp_path: Path) -> None:
    path = write_bad(tmp_path, BAD_LINES[0], noisy=False)
    with pytest.raises(InputError) as caught:
        memory_store([path])
    assert f"Error: {caught.value}" == expected_error(path)


# --- random dumps ---------------------------------------------------------------------------

_NAMES = st.text("abcXYZ019-_.~", min_size=1, max_size=6)
_IRIS = st.one_of(
    st.builds(lambda n: f"{BASE}book/{n}", _NAMES),
    st.builds(lambda n, m: f"{BASE}book/{n}/chapter/{m}", _NAMES, _NAMES),
    st.builds(lambda n: f"{BASE}book/{n}#part", _NAMES),
    st.builds(lambda n: f"{BASE}org/{n}", _NAMES),
    st.builds(lambda n: f"{BASE}person/{n}", _NAMES),
    st.just(f"{BASE}book/"),
    st.builds(lambda n: f"http://elsewhere.example/{n}", _NAMES),
).map(ox.NamedNode)
_BLANKS = st.sampled_from(["b0", "b1", "x.y", "z-9"]).map(ox.BlankNode)
_LITERALS = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=12).map(ox.Literal),
    st.builds(
        lambda t, tag: ox.Literal(t, language=tag),
        st.text(max_size=5),
        st.sampled_from(["en", "de-CH", "x-a"]),
    ),
    st.builds(
        lambda t: ox.Literal(t, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        st.text(max_size=5),
    ),
)
_TRIPLES = st.builds(
    ox.Triple,
    st.one_of(_IRIS, _BLANKS),
    st.sampled_from([f"{SCHEMA}name", f"{SCHEMA}publisher", f"{SCHEMA}isPartOf"]).map(ox.NamedNode),
    st.one_of(_IRIS, _BLANKS, _LITERALS),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(triples=st.lists(_TRIPLES, max_size=40), noise=st.booleans())
def test_random_dumps_route_as_text_to_the_same_quads(
    tmp_path: Path, triples: list[ox.Triple], noise: bool
) -> None:
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    if noise:  # what a hand could add: comments, blank lines, tabs, CRLF
        text = text.replace(b"> <", b">\t <").replace(b" .\n", b" . # noted\r\n\n")
    path = tmp_path / "random.nt"
    path.write_bytes(text)
    assert as_text(path) == as_quads(path)
