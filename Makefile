# Steward: set-up, demo and tests. Every target creates its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: check the city example plan and write its documents to build/docs
demo: $(STAMP)
	$(BIN)/steward policy check examples/city-constituent-services.yaml
	$(BIN)/steward policy docs examples/city-constituent-services.yaml --out build/docs
	@echo "Documents written to build/docs (open build/docs/index.html)"

## test: lint, type-check and run the whole test suite
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache
