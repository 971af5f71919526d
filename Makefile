# bookrdf — `make demo` and `make test` work on a fresh machine with python3 (>= 3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: install system-deps demo test explore lint typecheck pytest bench fuzz clean

# Debian packages some tests use: a real Virtuoso server, the raptor RDF parser (rapper) and
# headless Chromium (the book page test).
# Needs root (CI runs as root).
DEBIAN_PACKAGES := virtuoso-opensource-7-bin raptor2-utils chromium
DEBIAN_COMMANDS := virtuoso-t rapper chromium

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

STORE ?= .bookrdf/store

system-deps:
	@missing=0; for c in $(DEBIAN_COMMANDS); do command -v $$c >/dev/null || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi

demo: install
	$(BIN)/bookrdf publish data/books --out $(OUT)
	$(BIN)/bookrdf load data/books --store $(STORE)
	$(BIN)/bookrdf query toc --store $(STORE)

lint: install
	$(BIN)/ruff check src tests benchmarks fuzz
	$(BIN)/ruff format --check src tests benchmarks fuzz

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint typecheck pytest

# The suite with new random examples for the property tests (`make test` draws the same ones
# on every run, so that it fails on a change and never on an unlucky draw).
explore: install
	HYPOTHESIS_PROFILE=explore $(BIN)/pytest -q

# Benchmarks, never part of `make test` (docs/benchmarks.md): about 15 minutes on 2 cores.
# make bench BENCH_ARGS="--sizes 1000 10000 100000"   # the memory target; "--quick": a check
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Fuzz each importer and the record loader (atheris) for FUZZ_SECONDS in all; report on stdout
# and in fuzz/report.json, crashing inputs in fuzz/crashes/. Exit 1 when anything crashed.
FUZZ_SECONDS ?= 300

fuzz: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r fuzz/requirements.txt
	$(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .ruff_cache .pytest_cache
