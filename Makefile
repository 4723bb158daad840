# The two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# PostgreSQL for the second test run (trust auth on this machine kind).
PG_TEST_URL ?= postgres://root@127.0.0.1:5432/actionplan
DEMO_PASSWORD ?= demo-password-2026

.PHONY: install system-packages assets run serve-prod serve-prod-db loadtest test test-sqlite test-postgres test-quick lint bench clean

install: system-packages $(VENV)/.installed assets

# Chromium (browser tests) and Liberation fonts (Arial metrics, for the PDF board pack).
# Installed with apt when running as root; otherwise only a warning.
system-packages:
	@if fc-list 2>/dev/null | grep -qi liberation && [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium and fonts-liberation with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; \
	else \
		echo "!!! chromium and/or fonts-liberation are missing and cannot be installed here" >&2; \
		echo "!!! (not root, or no apt-get). Browser tests and PDF fonts need them: run" >&2; \
		echo "!!!   sudo apt-get install chromium fonts-liberation" >&2; \
	fi

# The look: GOV.UK Frontend from npm, compiled with Arial into static/build/ (git-ignored,
# served by staticfiles). npm ci runs only when node_modules is missing or the lock
# file is newer than the last install.
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
BUILD := static/build
NPM_STAMP := node_modules/.package-lock.json

assets: $(BUILD)/app.css $(BUILD)/govuk-frontend.min.js $(BUILD)/govuk/assets/manifest.json

$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund --include=dev
	touch $@

$(BUILD)/app.css: $(NPM_STAMP) $(wildcard static/scss/*.scss)
	@mkdir -p $(BUILD)
	node_modules/.bin/sass --pkg-importer=node --no-source-map --style=compressed \
		--quiet-deps static/scss/app.scss $@

$(BUILD)/govuk-frontend.min.js: $(NPM_STAMP)
	@mkdir -p $(BUILD)
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_DIST)/govuk-frontend.min.js.map $(BUILD)/

# Images and manifest only: the GDS Transport fonts are not used.
$(BUILD)/govuk/assets/manifest.json: $(NPM_STAMP)
	rm -rf $(BUILD)/govuk/assets
	@mkdir -p $(BUILD)/govuk
	cp -R $(GOVUK_DIST)/assets $(BUILD)/govuk/assets
	rm -rf $(BUILD)/govuk/assets/fonts
	touch $@

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
	@echo "  Board packs are made in the background by one worker (manage.py db_worker),"
	@echo "  started here beside the web server and stopped with it. Emails that fall due"
	@echo "  (manage.py send_notifications, every minute here) are printed below, not sent."
	@echo
	trap 'kill %1 %2 2>/dev/null' EXIT; \
		$(PY) manage.py db_worker & \
		$(PY) manage.py send_notifications --every 60 & \
		$(PY) manage.py runserver 127.0.0.1:8000

# Board pack time and memory for the seed plan and synthetic plans (not a test).
bench: install
	$(PY) bench/pages.py
	$(PY) bench/pages.py --postgres
	$(PY) bench/as_at.py
	$(PY) bench/board_pack.py

# Production mode on this machine (README, "Deploying"): DEBUG off, a throwaway SECRET_KEY,
# PostgreSQL with two roles, static files collected for WhiteNoise, gunicorn with 2
# workers and the board-pack worker. Production is HTTPS only, so gunicorn serves TLS here
# with a throwaway self-signed certificate (in a real deployment the reverse proxy does
# TLS): open https://127.0.0.1:8000 and accept the browser's warning. The demo people are
# created with DEBUG on for that one command, so that someone can sign in.
#
# Two roles (README, "Security"): SERVE_OWNER owns the database and runs the migrations;
# the service connects as SERVE_APP_ROLE, which reads and writes but cannot switch the
# history guard off, touch the triggers or rewrite history. SERVE_ADMIN_URL (a superuser
# on this machine) only creates the roles and the database.
SERVE_PG ?= 127.0.0.1:5432
SERVE_ADMIN_URL ?= postgres://root@$(SERVE_PG)/postgres
SERVE_DB ?= actionplan_serve
SERVE_OWNER ?= actionplan_owner
SERVE_APP_ROLE ?= actionplan_app
SERVE_OWNER_URL := postgres://$(SERVE_OWNER)@$(SERVE_PG)/$(SERVE_DB)
SERVE_DATABASE_URL := postgres://$(SERVE_APP_ROLE)@$(SERVE_PG)/$(SERVE_DB)
SERVE_DIR := var/serve-prod

# The roles and the database, then (as the owner) the migrations, the plan, the demo
# people and the app role's grants. Safe to run again.
serve-prod-db:
	@$(PY) -c "import psycopg; \
		c = psycopg.connect('$(SERVE_ADMIN_URL)', autocommit=True, connect_timeout=3); \
		role = lambda name, extra: c.execute('SELECT 1 FROM pg_roles WHERE rolname = %s', [name]).fetchone() \
			or c.execute('CREATE ROLE \"%s\" LOGIN NOSUPERUSER NOCREATEROLE %s' % (name, extra)); \
		role('$(SERVE_OWNER)', 'NOCREATEDB'); role('$(SERVE_APP_ROLE)', 'NOCREATEDB NOINHERIT'); \
		c.execute('SELECT 1 FROM pg_database WHERE datname = %s', ['$(SERVE_DB)']).fetchone() \
			or c.execute('CREATE DATABASE \"$(SERVE_DB)\" OWNER \"$(SERVE_OWNER)\"')" \
		|| { echo "PostgreSQL is not reachable at $(SERVE_ADMIN_URL)" >&2; exit 1; }
	export DEBUG=0 DATABASE_URL='$(SERVE_OWNER_URL)' ALLOWED_HOSTS=127.0.0.1 \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py load_seed_plan && \
	DEBUG=1 DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py create_demo_users && \
	$(PY) manage.py grant_app_role --role $(SERVE_APP_ROLE)

serve-prod: install serve-prod-db
	@mkdir -p $(SERVE_DIR) && chmod 700 $(SERVE_DIR)
	@test -f $(SERVE_DIR)/cert.pem || openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout $(SERVE_DIR)/key.pem -out $(SERVE_DIR)/cert.pem 2>/dev/null
	export DEBUG=0 DATABASE_URL='$(SERVE_DATABASE_URL)' ALLOWED_HOSTS=127.0.0.1 CONN_MAX_AGE=60 \
		SITE_URL=https://127.0.0.1:8000 \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	$(PY) manage.py collectstatic --no-input -v 0 && \
	$(PY) manage.py verify_history && \
	echo && \
	echo "  Open https://127.0.0.1:8000 (self-signed certificate: accept the warning) and sign" && \
	echo "  in as chair, awaken.lead, police.lead, manager or board.member: $(DEMO_PASSWORD)" && \
	echo "  The service connects as $(SERVE_APP_ROLE); $(SERVE_OWNER) owns the database." && \
	echo "  (chair and manager then set up an authenticator app: MFA_REQUIRED_ROLES, README)" && \
	echo && \
	trap 'kill %1 %2 2>/dev/null' EXIT && \
	{ $(PY) manage.py db_worker & } && \
	{ $(PY) manage.py send_notifications --every 60 & } && \
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --workers 2 --bind 127.0.0.1:8000 \
		--certfile $(SERVE_DIR)/cert.pem --keyfile $(SERVE_DIR)/key.pem

# The load test (a benchmark, not part of `make test`): gunicorn (2 workers) + PostgreSQL,
# 20 people for 2 minutes; prints p50/p95/p99, requests per second, errors and lost
# updates. Locust is installed here only (the optional "load" extra).
loadtest: install
	@$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --quiet -e '.[test,load]'
	$(PY) loadtest/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Every test, on SQLite and on PostgreSQL, after the lint: what CI runs.
test: lint test-sqlite test-postgres

# The tests run in one process a core (pytest-xdist), each with a test database of its
# own; each process runs its share in the suite's order, so browser tests still come
# last. PYTEST_WORKERS=0 runs them all in this one process.
PYTEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS)

test-sqlite: install
	@echo "=== Test suite on SQLite ==="
	env -u DATABASE_URL $(PYTEST)

# While working: SQLite only, no lint, and no browser or property-based tests (the ones
# marked slow in tests/conftest.py). Not a substitute for `make test`.
test-quick: install
	env -u DATABASE_URL $(PYTEST) -m "not slow"

# Runs the suite again on PostgreSQL when it is reachable. Under CI an unreachable
# PostgreSQL is a failure, never a silent skip.
test-postgres: install
	@if $(PY) -c "import psycopg, sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "=== Test suite on PostgreSQL ($(PG_TEST_URL)) ==="; \
		DATABASE_URL='$(PG_TEST_URL)' $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL) and CI is set: failing." >&2; exit 1; \
	else \
		echo "!!! PostgreSQL is not reachable at $(PG_TEST_URL): the PostgreSQL run was NOT done." >&2; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
