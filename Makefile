# Loupe's everyday commands. Everything installs itself on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install frontend run demo test test-sqlite test-postgres test-frontend lint bench clean

$(BIN)/loupe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/loupe

frontend/node_modules: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

app/static/index.html: frontend/node_modules $(shell find frontend/src frontend/index.html -type f 2>/dev/null)
	cd frontend && npm run build

frontend: app/static/index.html

# Start Loupe with the offline demo on http://127.0.0.1:8000 (SQLite, development login).
run: install frontend
	$(BIN)/loupe demo

# The whole suite: frontend unit tests and build budget, then Python tests on SQLite and PostgreSQL.
test: test-frontend test-sqlite test-postgres

test-frontend: frontend
	cd frontend && npm test

test-sqlite: install
	LOUPE_TEST_DB=sqlite $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	LOUPE_TEST_DB=postgres LOUPE_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	@for script in bench/bench_*.py; do \
		name=$$(basename $$script .py); echo "== $$name"; $(BIN)/python -m bench.$$name || exit 1; \
	done

clean:
	rm -rf $(VENV) frontend/node_modules app/static .pytest_cache .ruff_cache
