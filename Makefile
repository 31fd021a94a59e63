# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NODE   := .liaison
PORT_BASE ?= 8600

.PHONY: run test check lint format bench clean

$(BIN)/liaison: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[fraud]'
	@touch $@

$(VENV)/.dev: $(BIN)/liaison
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## run: create the venv, then run the two-node demo (Ottawa :8600, New Delhi :8601) from ./.liaison
run: $(BIN)/liaison
	$(BIN)/liaison demo --dir $(NODE) --port-base $(PORT_BASE)

## check: lint and type-check
check: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## test: the whole suite (runs `check` first)
test: check
	$(BIN)/python -m pytest -n 2

format: $(VENV)/.dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.dev
	$(BIN)/python bench/ingest.py
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/taxii.py

clean:
	rm -rf $(VENV) build *.egg-info
