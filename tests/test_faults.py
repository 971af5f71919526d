"""Faults: `kill -9` during a load, and a full disk under every command that writes.

A killed `bookrdf load` leaves the embedded store exactly as it was (compared graph by graph,
term by term), and a remote server with every graph whole, the ones already sent named by
`--verbose`. A full disk, real (a tiny tmpfs, where this user may mount one) or made with a
file size limit (RLIMIT_FSIZE, which works for anyone), gives one `Error:` line naming the
file, exit 2, no traceback, no temporary file left and the previous output untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from bookrdf.cli import cli
from bookrdf.pipeline import load
from bookrdf.store import Client, RemoteStore, open_store
from tests.conftest import SEED_RECORD
from tests.servers import OxigraphServer, oxigraph_server
from tests.test_release import write_record

BOOKRDF = str(Path(sys.executable).parent / "bookrdf")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
WORK = "https://example.org/bookrdf/book/{}"
GRAPH = "https://example.org/bookrdf/book/{}/graph"
State = dict[str, frozenset[ox.Triple]]


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOOKRDF_TOKEN", "BOOKRDF_USER", "BOOKRDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def catalogue(folder: Path, count: int, title: str) -> Path:
    """`count` copies of the seed record, book-000…, titled `title` and their number."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        write_record(folder, f"book-{n:03}", title=f"{title} {n}")
    return folder


def quads_state(quads: Sequence[ox.Quad]) -> State:
    """Each named graph's triples, as pyoxigraph terms."""
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in quads:
        assert isinstance(quad.graph_name, ox.NamedNode)
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return {graph: frozenset(triples) for graph, triples in graphs.items()}


def store_state(path: Path) -> State:
    """Every named graph in an embedded store, opened as the next bookrdf run would open it."""
    with open_store(path, create=False) as store:
        rows = store.oxigraph.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        return quads_state([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])


def server_state(server: OxigraphServer) -> State:
    """Every named graph on the server, read through the Graph Store Protocol."""
    request = urllib.request.Request(server.store_url, headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        data = answer.read()
    return quads_state(list(ox.parse(data, format=ox.RdfFormat.N_QUADS)))


def titles(state: State) -> dict[str, str]:
    """Each book graph's book title."""
    found = {}
    for graph, triples in state.items():
        work = ox.NamedNode(graph.removesuffix("/graph"))
        for triple in triples:
            if triple.subject == work and triple.predicate == TITLE:
                assert isinstance(triple.object, ox.Literal)
                found[graph] = triple.object.value
    return found


def wait_until(process: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 180
    while not ready():
        assert process.poll() is None, f"the load ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within 180 s"
        time.sleep(0.01)


def kill(process: subprocess.Popen[bytes]) -> None:
    """`kill -9` the bookrdf process, as a user would; then end any worker it left behind
    (each load starts in a session of its own, so that they can be found)."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def size(paths: Iterator[Path]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile
            total += path.stat().st_size
    return total


class Growth:
    """Whether files grew past a size, or stopped growing for a while."""

    def __init__(self, files: Callable[[], Iterator[Path]]) -> None:
        self.files = files
        self.last = (-1, time.monotonic())

    def past(self, limit: int) -> bool:
        return size(self.files()) > limit

    def still_for(self, seconds: float, at_least: int) -> bool:
        now, current = time.monotonic(), size(self.files())
        if current != self.last[0]:
            self.last = (current, now)
            return False
        return current > at_least and now - self.last[1] >= seconds


# --- kill -9 during a load ---------------------------------------------------------------
def test_a_killed_load_leaves_the_store_as_it_was_at_every_point(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with open_store(store) as opened:
        load([catalogue(tmp_path / "old", 20, "Old")], opened, validate=False)
        load([SEED_RECORD], opened, validate=False)  # a graph the next load leaves alone
    before = store_state(store)
    assert len(before) == 21
    new = catalogue(tmp_path / "new", 200, "New")
    spool = Growth(lambda: (tmp_path / ".store.staging").glob("*/books.nt"))
    wal = Growth(lambda: store.glob("*.log"))
    wal_before = size(store.glob("*.log"))
    points: dict[str, Callable[[], bool]] = {
        # books are being read, mapped and staged
        "staging": lambda: spool.past(1_000_000),
        # every book is staged; the store's graphs are being compared and the update built
        "writing": lambda: spool.still_for(0.5, 1_000_000),
        # the update is being committed: the store's write-ahead log grows
        "committing": lambda: wal.past(wal_before + 4_000_000),
    }
    after_kill: dict[str, State] = {}
    for point, ready in points.items():
        process = subprocess.Popen(
            [BOOKRDF, "load", str(new), "--store", str(store), "--no-validate"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until(process, ready, point)
        finally:
            kill(process)
        after_kill[point] = store_state(store)
    done = subprocess.run(
        [BOOKRDF, "load", str(new), "--store", str(store), "--no-validate"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert b"loaded 200 books" in done.stderr
    final = store_state(store)
    seed_graph = GRAPH.format("crisis-in-north-korea")
    expected = {GRAPH.format(f"book-{n:03}"): f"New {n}" for n in range(200)}
    assert titles(final) == {**expected, seed_graph: "Crisis in North Korea"}
    assert final[seed_graph] == before[seed_graph]
    assert after_kill["staging"] == before
    assert after_kill["writing"] == before
    # killed while committing: the old store or the whole new one, never a mix
    assert after_kill["committing"] in (before, final)
    assert not (tmp_path / ".store.staging").exists()  # what the killed runs staged is gone


def verbose_loaded(log: str) -> set[str]:
    """The graphs a `--verbose` log shows were PUT with success."""
    found = set()
    for match in re.finditer(r"^HTTP PUT \S+\?graph=(\S+) -> 2\d\d ", log, re.M):
        found.add(urllib.parse.unquote(match.group(1)))
    return found


def test_a_killed_remote_load_leaves_whole_graphs_and_the_log_names_them(
    tmp_path: Path,
) -> None:
    """A remote load is staged first: killed then, the server is untouched. Killed while
    sending, every graph on the server is whole (the old one or the new one: each PUT is a
    transaction), and the --verbose log names each one already replaced; a new run then
    replaces the rest."""
    with oxigraph_server() as server:
        remote = RemoteStore(
            server.query_url,
            gsp_endpoint=server.store_url,
            client=Client(timeout=30, retries=0),
        )
        load([catalogue(tmp_path / "old", 20, "Old")], remote, validate=False)
        before = server_state(server)
        new = catalogue(tmp_path / "new", 200, "New")
        command = [BOOKRDF, "load", str(new), "--endpoint", server.query_url]
        command += ["--gsp-endpoint", server.store_url, "--no-validate", "--verbose"]
        temp = tmp_path / "tmp"  # where a remote load stages
        temp.mkdir()
        env = {**os.environ, "TMPDIR": str(temp)}
        spool = Growth(lambda: temp.glob("*/books.nt"))
        log = tmp_path / "stderr"

        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
            try:
                wait_until(process, lambda: spool.past(1_000_000), "staging")
            finally:
                kill(process)
        assert server_state(server) == before
        assert "HTTP PUT" not in log.read_text("utf-8")

        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
            try:
                wait_until(
                    process, lambda: len(verbose_loaded(log.read_text("utf-8"))) >= 30, "PUTs"
                )
            finally:
                kill(process)
        logged = verbose_loaded(log.read_text("utf-8"))
        after = server_state(server)
        new_titles = {GRAPH.format(f"book-{n:03}"): f"New {n}" for n in range(200)}
        replaced = {g for g, title in titles(after).items() if title == new_titles[g]}
        # the log names every graph replaced, but for at most the one in flight when killed
        assert logged <= replaced
        assert len(replaced - logged) <= 1
        for graph, triples in after.items():
            if graph not in replaced:
                assert triples == before[graph], graph  # whole and untouched
        assert set(after) == set(before) | replaced

        done = subprocess.run(command, capture_output=True, check=False, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert titles(server_state(server)) == new_titles


# --- a full disk -------------------------------------------------------------------------
def file_size_limit(limit: int) -> Callable[[], None]:
    """For a child process: files may not grow past `limit` bytes; writes past it fail with
    EFBIG ("File too large") instead of killing the process with SIGXFSZ."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, hidden ones too (so a left temporary file shows)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 3 MB file system (tmpfs); skipped where this user may not mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def run_limited(
    args: Sequence[str], limit: int | None = None, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    """Run bookrdf (under a file size limit when given); a hang is a failure, not a stuck
    test: after 300 s the process and any worker it started are killed."""
    process = subprocess.Popen(
        [BOOKRDF, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=file_size_limit(limit) if limit else None,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"bookrdf {' '.join(args)} hung; it said: {err.decode()}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # workers left behind
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def assert_one_error(done: subprocess.CompletedProcess[bytes], names: str, reason: str) -> None:
    """Exit 2 and one `Error:` line naming the file (a regex) and the reason."""
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert re.match(rf"Error: {names}: (cannot [a-z ]+: )?{reason}", lines[0]), lines[0]


TOO_LARGE = r"file too large \(over the file size limit, see `ulimit -f`\)"
NO_SPACE = r"no space left on device; free some space and run again"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Records whose release, site or load is far larger than the room left for it."""
    return catalogue(tmp_path_factory.mktemp("big"), 200, "Big")


SEED_PAGE = Path(__file__).parent.parent / "data" / "raw" / "000_b131de8bda212195.txt"


# Each command writing somewhere: its arguments given the output folder, the output the
# previous run left there, and the file the error names (a regex, under the folder).
COMMANDS: dict[str, tuple[Callable[[Path, Path], list[str]], str]] = {
    "publish": (
        lambda big, out: ["publish", str(big), "--out", str(out / "out"), "--no-validate"],
        r"out/[\w.]+",
    ),
    "import": (
        lambda big, out: ["import", "muse", str(SEED_PAGE), "-o", str(out / "record.yaml")],
        r"record\.yaml",
    ),
    "export": (
        lambda big, out: [
            "export",
            "records",
            str(out / "rel" / "books.ttl"),
            "-o",
            str(out / "record.yaml"),
        ],
        r"record\.yaml",
    ),
    "site": (
        lambda big, out: ["site", str(big), "--out", str(out / "out"), "--no-validate"],
        r"out",
    ),
    "load": (
        lambda big, out: ["load", str(big), "--store", str(out / "store"), "--no-validate"],
        r"\.?store(\.staging)?",
    ),
}


# A file size well under what each command writes (a record, a site page, a dump, a store).
LIMITS = {"publish": 1_000_000, "import": 200, "export": 200, "site": 20_000, "load": 1_000_000}


def previous_output(command: str, folder: Path) -> None:
    """What an earlier, successful run of the command left in the folder."""
    if command in {"import", "export"}:
        (folder / "record.yaml").write_text("id: previous\ntitle: Previous\n", "utf-8")
        if command == "import":
            return
    args = {
        "export": ["publish", str(SEED_RECORD), "--out", str(folder / "rel"), "-f", "ttl"],
        "publish": ["publish", str(SEED_RECORD), "--out", str(folder / "out"), "--no-validate"],
        "site": ["site", str(SEED_RECORD), "--out", str(folder / "out"), "--no-validate"],
        "load": ["load", str(SEED_RECORD), "--store", str(folder / "store"), "--no-validate"],
    }[command]
    done = run_limited(args)
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_size_limit_is_one_clear_error_and_nothing_changes(
    command: str, big: Path, tmp_path: Path
) -> None:
    previous_output(command, tmp_path)
    before = snapshot(tmp_path)
    state = store_state(tmp_path / "store") if command == "load" else None
    arguments, names = COMMANDS[command]
    done = run_limited(arguments(big, tmp_path), limit=LIMITS[command])
    assert_one_error(done, re.escape(str(tmp_path)) + "/" + names, TOO_LARGE)
    if command == "load":
        assert store_state(tmp_path / "store") == state
        assert not list(tmp_path.glob(".*"))  # nothing staged is left
    else:
        assert snapshot(tmp_path) == before  # the previous output whole, no temporary file


def test_a_store_that_cannot_grow_is_left_as_it_was(big: Path, tmp_path: Path) -> None:
    """Room to stage the load but not to commit it: the store's own write fails."""
    previous_output("load", tmp_path)
    state = store_state(tmp_path / "store")
    done = run_limited(COMMANDS["load"][0](big, tmp_path), limit=30_000_000)
    assert_one_error(done, re.escape(str(tmp_path / "store")), TOO_LARGE)
    assert "none of the books" in done.stderr.decode() or "0 of 200 books" in done.stderr.decode()
    assert store_state(tmp_path / "store") == state
    again = run_limited(COMMANDS["load"][0](big, tmp_path))
    assert again.returncode == 0, again.stderr.decode()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_disk_is_one_clear_error_and_nothing_changes(
    command: str, big: Path, tiny_disk: Path
) -> None:
    previous_output(command, tiny_disk)
    before = snapshot(tiny_disk)
    state = store_state(tiny_disk / "store") if command == "load" else None
    if command in {"import", "export"}:  # fill the disk but for a few bytes
        filled = subprocess.run(
            ["dd", "if=/dev/zero", f"of={tiny_disk / 'filler'}", "bs=4096"],
            capture_output=True,
            check=False,
        )
        assert b"No space left" in filled.stderr
        before = snapshot(tiny_disk)
    arguments, names = COMMANDS[command]
    done = run_limited(arguments(big, tiny_disk))
    assert_one_error(done, re.escape(str(tiny_disk)) + "/" + names, NO_SPACE)
    if command == "load":
        assert store_state(tiny_disk / "store") == state
    else:
        assert snapshot(tiny_disk) == before


def test_a_new_store_on_a_full_disk_is_one_clear_error_and_no_folder(tiny_disk: Path) -> None:
    filled = subprocess.run(
        ["dd", "if=/dev/zero", f"of={tiny_disk / 'filler'}", "bs=4096"],
        capture_output=True,
        check=False,
    )
    assert b"No space left" in filled.stderr
    done = run_limited(["load", str(SEED_RECORD), "--store", str(tiny_disk / "store")])
    assert_one_error(done, re.escape(str(tiny_disk / "store")), NO_SPACE)
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]


def test_stdout_on_a_full_disk_is_one_clear_error(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:  # a real ENOSPC on every write
        done = run_limited(["map", str(SEED_RECORD)], stdout=full)
    assert_one_error(done, "<stdout>", NO_SPACE)
    with (tmp_path / "book.ttl").open("wb") as out:
        done = run_limited(["map", str(SEED_RECORD)], limit=1000, stdout=out)
    assert_one_error(done, "<stdout>", TOO_LARGE)


# A broken bookrdf.toml: one `Error:` line naming the file, exit 2, never a setting ignored.


def run_with_config(folder: Path, content: bytes | None, *args: str) -> Result:
    """`bookrdf map SEED` in `folder`, holding a bookrdf.toml of `content` (None: none)."""
    if content is not None:
        (folder / "bookrdf.toml").write_bytes(content)
    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        return runner.invoke(cli, [*args, "map", str(SEED_RECORD)])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'base = "not an iri"\n',
            "bookrdf.toml: base IRI 'not an iri' is not an http(s) IRI ending in '/'; "
            "give one like https://example.org/books/",
        ),
        (
            b'base = "https://a.example/"\n[bookrdf]\nstore = "s"\n',
            "bookrdf.toml: setting 'base' outside [bookrdf]; move it into the [bookrdf] table",
        ),
        (
            b'[bookrdf]\nbase = "https://a.example/"\n[bookrdf.dataset]\ntitle = "T"\n',
            "bookrdf.toml: unknown [bookrdf] setting 'dataset'; settings are base, store; "
            "[dataset] is a table of its own, not [bookrdf.dataset]",
        ),
        (
            b'[bookrdf]\nstore = ""\n',
            "bookrdf.toml: store should be a folder's path, such as .bookrdf/store",
        ),
        (
            b'[bookrdf]\nstore = "a\\u0000b"\n',
            "bookrdf.toml: store should be a folder's path, such as .bookrdf/store",
        ),
        (
            b'# settings\nbase = "https://caf\xe9.example/"\n',
            "bookrdf.toml:2: is not UTF-8 text (byte 0xe9); save it as UTF-8",
        ),
    ],
)
def test_a_broken_config_is_one_line_naming_it(
    tmp_path: Path, content: bytes, message: str
) -> None:
    result = run_with_config(tmp_path, content)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_a_config_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bookrdf.toml").mkdir()
    result = run_with_config(tmp_path, None)
    assert result.stderr == (
        "Error: bookrdf.toml: cannot read the configuration file: Is a directory\n"
    )
    (tmp_path / "bookrdf.toml").rmdir()
    (tmp_path / "bookrdf.toml").symlink_to(tmp_path / "moved-away.toml")
    result = run_with_config(tmp_path, None)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bookrdf.toml: cannot read the configuration file: No such file or directory\n"
    )


def test_a_config_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    result = run_with_config(tmp_path, b'\xef\xbb\xbfbase = "https://press.example/"\n')
    assert result.exit_code == 0, result.output
    graph = ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE)
    assert ox.NamedNode("https://press.example/book/crisis-in-north-korea") in {
        quad.subject for quad in graph
    }


def test_a_config_in_a_parent_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "bookrdf.toml").write_text('base = "https://parent.example/"\n', "utf-8")
    (tmp_path / "sub").mkdir()
    result = run_with_config(tmp_path / "sub", None)
    assert result.exit_code == 0, result.output
    assert "parent.example" not in result.stdout
    assert "https://example.org/bookrdf/book/" in result.stdout
