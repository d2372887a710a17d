# Steward: set-up, demo and tests. Every target creates its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL that CI machines run; the vault and server tests run on it too when it answers.
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PG_TESTS := $(wildcard tests/vault tests/server tests/cli/test_intake_cli.py tests/cli/test_import_cli.py tests/cli/test_erase_cli.py tests/cli/test_rights_cli.py tests/cli/test_codes_cli.py tests/cli/test_staff_cli.py tests/cli/test_staff_acknowledgements_cli.py tests/cli/test_tokens_cli.py tests/cli/test_aggregates_cli.py tests/cli/test_extracts_cli.py tests/cli/test_disclosures_cli.py tests/audit/test_audit_store_contract.py tests/audit/test_audit_concurrent_intake.py tests/audit/test_audit_vault_cli.py)
PG_CHECK = $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" >/dev/null 2>&1

.PHONY: demo docs test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	# pycanon (an independent k/l/t implementation the tests compare with) pins old
	# versions of everything; its anonymity module needs only numpy and pandas.
	$(BIN)/pip install --quiet --no-deps 'pycanon>=1.3'
	touch $(STAMP)

## demo: a working vault under the city example plan with synthetic residents, on 127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/steward demo

## docs: check the city example plan and write its documents to build/docs
docs: $(STAMP)
	$(BIN)/steward policy check examples/city-constituent-services.yaml
	$(BIN)/steward policy docs examples/city-constituent-services.yaml --out build/docs
	@echo "Documents written to build/docs (open build/docs/index.html)"

## test: lint, type-check, the whole suite on SQLite, then the vault and server tests on PostgreSQL
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	@if $(PG_CHECK); then \
		echo "== databases: SQLite (whole suite), then PostgreSQL at 127.0.0.1:5432 ($(PG_TESTS))"; \
	else \
		echo "== databases: SQLite only (no PostgreSQL answered at 127.0.0.1:5432)"; \
	fi
	$(BIN)/pytest -n 2
	@if $(PG_CHECK); then \
		echo "== PostgreSQL: $(PG_TESTS)"; \
		STEWARD_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PG_TESTS); \
	fi

## bench: the vault benchmark on SQLite and PostgreSQL (not a test; see docs/benchmarks.md)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_vault.py

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache
