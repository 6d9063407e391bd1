# The two commands of the README: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

## demo: build the example corpus into ./paperkg-out and print its summary
demo: $(STAMP)
	$(BIN)/paperkg build examples --out paperkg-out
	$(BIN)/paperkg stats --out paperkg-out
	$(BIN)/paperkg similar "protein structure prediction" --out paperkg-out -k 5

## test: lint, then the whole test suite (real files, real model)
test: $(STAMP) lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: measure the seed build and write docs/benchmarks.md
bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/build_seeds.py

clean:
	rm -rf paperkg-out test-output .pytest_cache .ruff_cache
