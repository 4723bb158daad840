# The two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# PostgreSQL for the second test run (trust auth on this machine kind).
PG_TEST_URL ?= postgres://root@127.0.0.1:5432/actionplan
DEMO_PASSWORD ?= demo-password-2026

.PHONY: install run test test-sqlite test-postgres lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed_plan
	DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py create_demo_users
	@echo
	@echo "  Open http://127.0.0.1:8000 and sign in as chair, awaken.lead, police.lead,"
	@echo "  manager or board.member with the password: $(DEMO_PASSWORD)"
	@echo
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint test-sqlite test-postgres

test-sqlite: install
	@echo "=== Test suite on SQLite ==="
	env -u DATABASE_URL $(VENV)/bin/pytest

# Runs the suite again on PostgreSQL when it is reachable. Under CI an unreachable
# PostgreSQL is a failure, never a silent skip.
test-postgres: install
	@if $(PY) -c "import psycopg, sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "=== Test suite on PostgreSQL ($(PG_TEST_URL)) ==="; \
		DATABASE_URL='$(PG_TEST_URL)' $(VENV)/bin/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL) and CI is set: failing." >&2; exit 1; \
	else \
		echo "!!! PostgreSQL is not reachable at $(PG_TEST_URL): the PostgreSQL run was NOT done." >&2; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
