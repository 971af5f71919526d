"""Route N-Triples and N-Quads dumps as text: `read_quads` without a Python object per triple.

`route_lines` gives the quads `files.read_quads` gives, in the same graphs, as N-Quads text for
Oxigraph's bulk loader. Like `read_quads` it reads the file twice: the first pass notes which
books link to which shared IRIs, the second writes each line with its graph(s) (both `routes`).
The text is taken a few megabytes at a time:

    plain blocks     every line `S P O .` as Oxigraph writes N-Triples: no blank node, escape,
                     tab, CR or comment (byte counts and searches tell); each book's run of
                     lines gets its graph with one `bytes.replace`, and two regular expressions
                     find the lines linking a book and a shared IRI
    other blocks     a regular expression splits each line into terms (tabs, runs of spaces,
                     comments, CRLF, blank nodes, N-Quads graphs), which are written again

Only the terms that route (subjects, object IRIs, graphs) are read, as text: an escape in one
sends the file to `read_quads`. Every other check is Oxigraph's own, when it loads the text:
each `S P O .` becomes `S P O G .`, which is the same triple in graph G when the line is valid,
and a syntax error or a quad left in the default graph when it is not (`load_nquads` says
which; `refused` then gives `read_quads`'s error, with line and column). A load gives blank
nodes new labels, so one file is loaded at once, and several files loaded at once have their
labels made unique to each.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from bookrdf.errors import InputError
from bookrdf.store.files import (
    READ_ERRORS,
    TERM_LIMIT_MESSAGE,
    open_rdf,
    parse_quads,
    rdf_format,
    read_failure,
)
from bookrdf.store.owners import Owners
from bookrdf.store.routes import Links, Routed, Row, Unusual, Writer

BLOCK = 1 << 22  # bytes of text read and routed at a time
BULK_BATCH_BYTES = 1 << 25  # bytes of N-Quads given to Oxigraph's bulk loader at a time

_TERM = rb'<[^<>"\s]*>|_:[\w\-]+(?:\.[\w\-]+)*|"(?:[^"\\\r]|\\.)*"(?:@[\w\-]+|\^\^<[^<>"\s]*>)?'
# a line of any other block: terms between tabs or spaces, then an optional comment and CR
_LINE = re.compile(
    rb"[ \t]*(?:(%s)[ \t]+(%s)[ \t]+(%s)(?:[ \t]+(%s))?[ \t]*\.)?[ \t]*(?:#[^\r]*)?\r?"
    % ((_TERM,) * 4)
)
_COMMENT_AFTER_DOT = re.compile(rb"\. *#")


def route_lines(
    path: Path, base: str, folder: Path | None = None, *, name_graphs: bool = True
) -> Iterator[Routed] | None:
    """The quads of an N-Triples or N-Quads file as `read_quads` gives them, as N-Quads text
    to load with `load_nquads`; None for other formats, and for files whose routing terms are
    not plain text (read those with `read_quads`). The first pass runs now. The table of shared
    IRIs is kept in `folder` (in memory when None) until the second ends.
    `name_graphs=False` leaves `Routed.graphs` empty, holding no set of the file's graphs (a
    bulk load into an empty store counts them in the store)."""
    fmt = rdf_format(path)
    if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return None
    owners = Owners(folder)
    links = Links(base, ox.NamedNode(path.resolve().as_uri()), owners)
    quads = fmt == ox.RdfFormat.N_QUADS
    plain: list[bool] = []  # for each block
    try:
        stamp = os.stat(path)
        for text in _texts(path):
            plain.append(not quads and _plain(text))
            if plain[-1]:
                links.observe_plain(text)
            else:
                links.observe(_rows(text, quads, check=True))
    except (Unusual, *READ_ERRORS):
        owners.close()
        return None  # read_quads reads it, or says what is wrong with it
    except BaseException:
        owners.close()
        raise
    writer = Writer(links, uuid.uuid4().hex, name_graphs=name_graphs)
    return _routed(path, writer, plain, stamp)


def _routed(
    path: Path, writer: Writer, plain: list[bool], stamp: os.stat_result
) -> Iterator[Routed]:
    """The second pass: every line followed by its graph(s)."""
    with closing(writer.links.owners):
        yield from _second_pass(path, writer, plain, stamp)


def _second_pass(
    path: Path, writer: Writer, plain: list[bool], stamp: os.stat_result
) -> Iterator[Routed]:
    quads = rdf_format(path) == ox.RdfFormat.N_QUADS
    try:
        now = os.stat(path)
        if (now.st_size, now.st_mtime_ns) != (stamp.st_size, stamp.st_mtime_ns):
            raise Unusual  # the blocks are not the ones the first pass saw
        for index, text in enumerate(_texts(path)):
            if index < len(plain) and plain[index]:
                yield from writer.plain_block(text)
            else:
                yield from writer.block(_rows(text, quads, check=False))
    except Unusual:
        raise InputError(f"{path}: the file changed while it was loaded; load it again") from None
    except READ_ERRORS as err:
        raise read_failure(path, err) from None


def load_nquads(store: ox.Store, nquads: bytes | Path) -> bool:
    """Bulk-load routed N-Quads (text, or a file of it) into a store that has no quad in the
    default graph; False when Oxigraph refuses them: a syntax error, or a quad left in the
    default graph (a line that was not `S P O .`, such as `S P .`). The text goes to the loader
    BULK_BATCH_BYTES at a time."""
    try:
        for batch in _batches(nquads, BULK_BATCH_BYTES):
            if isinstance(batch, Path):
                store.bulk_load(path=batch, format=ox.RdfFormat.N_QUADS)
            else:
                store.bulk_load(batch, format=ox.RdfFormat.N_QUADS)
    except SyntaxError:
        return False
    except MemoryError as err:  # a term over the parser's limit: `refused` names its line
        if TERM_LIMIT_MESSAGE not in str(err):
            raise
        return False
    return next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None


def _batches(nquads: bytes | Path, batch_bytes: int) -> Iterator[bytes | Path]:
    """The text in pieces of about `batch_bytes`, cut at line ends. Oxigraph's bulk loader
    holds up to about 4 GB for one call (1.7 GB for a 10,000-book dump); given 32 MB at a time,
    the whole load peaks at 330 MB for 10,000 books and 450 MB for 100,000 (docs/stores.md).
    Text holding blank nodes goes in one piece: the loader scopes their labels to a call."""
    size = nquads.stat().st_size if isinstance(nquads, Path) else len(nquads)
    if size <= batch_bytes or _has_blank_nodes(nquads):
        yield nquads
        return
    if isinstance(nquads, bytes):
        start = 0
        while start < size:
            end = nquads.find(b"\n", min(start + batch_bytes, size - 1)) + 1 or size
            yield nquads[start:end]
            start = end
        return
    held: list[bytes] = []
    held_bytes = 0
    for text in _texts(nquads):  # whole lines
        held.append(text)
        held_bytes += len(text)
        if held_bytes >= batch_bytes:
            yield b"".join(held)
            held, held_bytes = [], 0
    if held:
        yield b"".join(held)


def _has_blank_nodes(nquads: bytes | Path) -> bool:
    """Whether the text may hold a blank node label (`_:` anywhere, literals included)."""
    if isinstance(nquads, bytes):
        return b"_:" in nquads
    return any(b"_:" in text for text in _texts(nquads))  # whole lines: no label is cut


def syntax_error(path: Path) -> InputError | None:
    """`read_quads`'s error for a file (line, column and what is wrong), None when it has
    none. Oxigraph refusing a file's routed text means the file has one."""
    try:
        for _ in parse_quads(path):
            pass
    except InputError as err:
        return err
    return None


def refused(paths: list[Path]) -> InputError:
    """The error of the first of these files that has one."""
    for path in paths:
        error = syntax_error(path)
        if error:
            return error
    # each line of a valid file is routed to a valid line, so this is a bug: keep its traceback
    raise AssertionError(f"Oxigraph refused the routed text of valid files: {paths}")


def _texts(path: Path) -> Iterator[bytes]:
    """The file's text, a few megabytes of whole lines at a time (the last one ends in \\n too)."""
    with open_rdf(path) as stream:
        while text := stream.read(BLOCK):
            if not text.endswith(b"\n"):
                text += stream.readline()  # the rest of the last line
            yield text if text.endswith(b"\n") else text + b"\n"


def _plain(text: bytes) -> bool:
    """Whether every line is `S P O .` with terms Oxigraph reads as the text route does:
    lines start with an IRI and end in " ."; no blank node, escape, tab, CR, comment after
    the dot, datatype after a space (`"x"^^ <…>`) or terms without a space between (`><`)."""
    # each line break but the last between " ." and "<": one count for both
    return (
        text.count(b" .\n<") == text.count(b"\n") - 1
        and text.startswith(b"<")
        and text.endswith(b" .\n")
        and b"\t" not in text
        and b"\r" not in text
        and not (b"_" in text and b"_:" in text)  # one byte is found faster than two
        and not (b"\\" in text and (b"\\u" in text or b"\\U" in text))
        and b"^^ " not in text
        and b"><" not in text
        and _COMMENT_AFTER_DOT.search(text) is None
    )


def _rows(text: bytes, quads: bool, *, check: bool) -> list[Row]:
    """The rows of a block of whole lines that is not plain; `check` its UTF-8 (the loader
    never sees comments)."""
    if check and not text.isascii():
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            raise Unusual from None
    rows = []
    for line in text[:-1].split(b"\n"):
        match = _LINE.fullmatch(line)
        if match is None:
            raise Unusual
        s, p, o, g = match.groups(b"")
        if g and not quads:
            raise Unusual  # N-Triples has no graphs
        if s:
            rows.append((s, p, o, g))
    return rows
