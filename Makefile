# Two commands on a fresh machine: `make demo` and `make test`. Everything else is for contributors.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint test-virtuoso serve bench bench-draft build docs generate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint,docs,draft,notebook]'
	touch $(STAMP)

## Build the knowledge graph of data/ into build/, print a summary and answer a sample question.
demo: install
	$(BIN)/sgkg build data/
	$(BIN)/sgkg stats
	@echo
	@echo "In which cases did a carer have a prior conviction, and did children's social care know?"
	$(BIN)/sgkg query run find-prior-convictions
	$(BIN)/sgkg report

## Lint, type-check and run the whole test suite (CI runs this).
test: install lint
	$(BIN)/python -m pytest

## ruff on the code, mypy on the package.
lint: install
	$(BIN)/ruff check kg_build tests benchmarks scripts
	$(BIN)/mypy kg_build

## The stored queries and push against Virtuoso Open Source (Debian package; started on 127.0.0.1).
test-virtuoso: install
	@dir=$$(mktemp -d); url=$$(scripts/virtuoso.sh start $$dir) && \
	  SGKG_VIRTUOSO=$$url $(BIN)/python -m pytest -q tests/test_virtuoso.py; rc=$$?; \
	  scripts/virtuoso.sh stop $$dir; rm -rf $$dir; exit $$rc

## A read-only SPARQL endpoint with a query page over build/ (http://127.0.0.1:7878/).
serve: install
	$(BIN)/sgkg serve

## Benchmarks on a synthetic corpus: `make bench` (100 reviews) or `make bench SIZE="1000 10000"`.
SIZE ?= 100
bench: install
	$(BIN)/python benchmarks/bench.py --sizes $(SIZE)

## How well `sgkg draft` drafts: P/R/F1 against hand annotations, and its speed (writes docs/draft.md).
## TEXTS= a folder of the sources' texts (TEXTS/<review id>/<source id>.txt) adds the reviews of data/.
bench-draft: install
	$(BIN)/python benchmarks/draft.py --write docs/draft.md $(if $(TEXTS),--texts $(TEXTS))

build: install
	$(BIN)/sgkg build data/

## HTML documentation of the ontology and vocabularies into docs/ontology/ (pyLODE), and
## docs/queries.md with every stored query and its result on data/.
docs: install
	$(BIN)/python -m kg_build.devtools.ontodocs docs/ontology
	$(BIN)/sgkg build data/ --quiet
	$(BIN)/python -m kg_build.devtools.querydocs build
	$(BIN)/python -m kg_build.devtools.findings build
	$(BIN)/python -m kg_build.devtools.datatable

## Regenerate what is derived from ontology/ (the closed Python namespace).
generate: install
	$(BIN)/python -m kg_build.devtools.codegen

clean:
	rm -rf build report .pytest_cache
