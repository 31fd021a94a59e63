# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NODE   := .liaison

.PHONY: run test check lint format bench clean

$(BIN)/liaison: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(BIN)/liaison
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## run: create the venv, initialise a node in ./.liaison (once), load demo data, serve on :8600
run: $(BIN)/liaison
	@test -f $(NODE)/liaison.toml || $(BIN)/liaison init --dir $(NODE) --node-name ottawa --party ca
	$(BIN)/liaison demo load --dir $(NODE)
	$(BIN)/liaison serve --dir $(NODE)

## check: lint and type-check
check: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## test: the whole suite (runs `check` first)
test: check
	$(BIN)/python -m pytest

format: $(VENV)/.dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.dev
	$(BIN)/python bench/ingest.py
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/taxii.py

clean:
	rm -rf $(VENV) build *.egg-info
