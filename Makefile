# The two commands of the README: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench neo4j browser screenshots clean stories gallery fuzz test-fast
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

NEO4J_BOLT_PORT ?= 7687
NEO4J_HTTP_PORT ?= 7474
NEO4J_PASSWORD  ?= paperkg-password

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

## demo: build the example corpus into ./paperkg-out and print its summary
demo: $(STAMP)
	$(BIN)/paperkg build examples --out paperkg-out --html --fresh --year 2026
	$(BIN)/paperkg stats --out paperkg-out
	$(BIN)/paperkg similar "protein structure prediction" --out paperkg-out -k 5

## test: lint, then the whole test suite (real files, real model, real Neo4j, real Chromium)
test: $(STAMP) lint browser docs
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

## test-fast: the unit tests alone, in seconds: no Neo4j, no Chromium, no model, nothing slow
## (the markers are applied in tests/conftest.py; `make test` still runs everything)
test-fast: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not neo4j and not browser and not model and not slow"

## browser: Debian's Chromium for the HTML view tests (Playwright drives it; no browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

## screenshots: README and gallery pictures of the example views, the site and Neo4j Browser, by the test suite's browser harness
screenshots: $(STAMP) browser
	HF_HUB_OFFLINE=1 $(BIN)/python docs/screenshots.py
	HF_HUB_OFFLINE=1 $(BIN)/python docs/browser_shots.py

## lint: ruff (rules and formatting), then mypy --strict on the library
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

## typecheck: mypy --strict on the library (pyproject's [tool.mypy]). mypy cannot follow the
## editable install's import hook, so the source folders are linked under their installed
## names (graph/ as paperkg/graph, ...) and its paths are shown as the real files again
TYPECHECK := build/typecheck
typecheck: $(STAMP)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/paperkg
	ln -s $(CURDIR)/paperkg/* $(TYPECHECK)/paperkg/
	for folder in graph loaders queries viz; do \
		ln -s $(CURDIR)/$$folder $(TYPECHECK)/paperkg/$$folder; done
	$(BIN)/mypy > $(TYPECHECK)/mypy.log; status=$$?; \
		sed -E 's#^$(TYPECHECK)/paperkg/(graph|loaders|queries|viz)/#\1/#; s#^$(TYPECHECK)/##' \
		$(TYPECHECK)/mypy.log; exit $$status

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[test,bench]'
	touch $(BENCH_STAMP)

## bench: every benchmark at sizes that finish in about 20 minutes, written to
## docs/benchmarks.md; `make bench SIZE=100000` adds the 100,000-paper run
SIZE ?=
bench: $(BENCH_STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/embeddings.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/build_seeds.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/scale.py $(if $(SIZE),--size $(SIZE))
	$(BIN)/python benchmarks/neo4j_load.py $(if $(SIZE),--papers $(SIZE) --runs 1)
	$(BIN)/python benchmarks/neo4j_import.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/extraction_quality.py
	$(BIN)/python benchmarks/extraction_speed.py $(if $(SIZE),--synthetic $(SIZE),--synthetic 10000)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/topic_quality.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/cluster_candidates.py
	$(BIN)/python benchmarks/topic_speed.py $(if $(SIZE),--size $(SIZE))
	$(BIN)/python benchmarks/trends.py $(if $(SIZE),--size $(SIZE))
	$(BIN)/python benchmarks/around.py $(if $(SIZE),--size $(SIZE))
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/search_quality.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/search_speed.py $(if $(SIZE),--size $(SIZE))
	$(BIN)/python benchmarks/views.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/recommend.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/recommend_seeds.py
	$(BIN)/python benchmarks/install_size.py

## neo4j: a real local Neo4j 5.26 Community + APOC + Browser, no Docker (Ctrl-C stops it)
neo4j:
	tools/neo4j/run.sh --bolt-port $(NEO4J_BOLT_PORT) --http-port $(NEO4J_HTTP_PORT) \
		--data .neo4j-data --password "$(NEO4J_PASSWORD)"

.PHONY: docs dist
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[test,docs]'
	touch $(DOCS_STAMP)

## docs: the documentation site (MkDocs Material) into build/site, offline, warnings as
## errors; the CLI reference and the query catalogue are generated from the code
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## dist: the sdist and the wheel into dist/ (what a package index would get)
dist: $(STAMP)
	$(BIN)/python -m build --outdir dist .

## fuzz: loaders, format detection and the gazetteer reader on over 10,000 generated inputs
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py -q --hypothesis-show-statistics

## stories: run the three runnable stories (stories/*/run.sh) with this venv's paperkg
stories: $(STAMP)
	for story in stories/*/run.sh; do \
		PATH="$(abspath $(BIN)):$$PATH" HF_HUB_OFFLINE=1 $$story || exit 1; done

## gallery: docs/gallery.md's pictures: the four views and the recorded build (build.svg)
gallery: screenshots
	HF_HUB_OFFLINE=1 $(BIN)/python docs/record_build.py

clean:
	rm -rf paperkg-out test-output .pytest_cache .ruff_cache
