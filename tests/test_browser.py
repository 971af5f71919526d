"""The book page in a real browser: headless Chromium (Debian package `chromium`).

Chromium must be installed (`apt-get install -y chromium`); without it this test fails, it does
not skip, since CI installs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from bookrdf.site import write_site
from bookrdf.vocab import Minter
from tests.conftest import SEED_RECORD
from tests.test_site import PageReader, books_of, rdf_of_jsonld


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless Chromium is missing: apt-get install -y chromium")
    return found


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Chromium headless, offline, with a throwaway profile."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done


def test_the_book_page_in_chromium_carries_the_books_graph(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(books_of(SEED_RECORD), site, minter=Minter())
    page = (site / "book/crisis-in-north-korea.html").as_uri()
    dumped = run_chromium(tmp_path / "profile", "--dump-dom", page).stdout.decode("utf-8")
    reader = PageReader()
    reader.feed(dumped)
    [script] = reader.scripts
    embedded = rdf_of_jsonld(json.loads(script))
    turtle = Graph().parse(site / "book/crisis-in-north-korea.ttl", format="turtle")
    assert len(turtle) > 400
    assert isomorphic(embedded, turtle)
    assert ("citation_title", "Crisis in North Korea") in reader.meta

    shot = tmp_path / "page.png"
    run_chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=412,915",
        "--hide-scrollbars",
        page,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
