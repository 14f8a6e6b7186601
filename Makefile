# Trở Về — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Django 6.1 needs Python 3.12 or newer: take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d /root/.pyenv/versions/3.1[23]*/bin/python3 /usr/local/bin/python3.1[23] 2>/dev/null); do \
  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-env run serve test lint messages migrate reference demo clean

setup: setup-env migrate reference demo

# The environment alone: packages and compiled translations (what `make test` needs).
setup-env: $(VENV)/.installed messages

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -n "$(PYTHON)" || { echo "trove: Python 3.12 or newer is needed (Django 6.1); install python3.12 and retry."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

messages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input --verbosity 0
	@# The audit log's partitions for this year and next (PostgreSQL; nothing to do on SQLite). docs/deploy.md
	$(MANAGE) audit_partitions --verbosity 0

reference: migrate
	$(MANAGE) load_reference_data

demo: reference
	$(MANAGE) seed_demo --if-empty

run: setup
	@echo ""
	@echo "  Trở Về is at http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins (password: demo): admin intake verifier caseworker supervisor statistician coordinator auditor"
	@echo "  finance womenunion investigator prosecutor judge outsider — the README lists their roles"
	@echo ""
	@# The background worker (imports, large exports) runs beside the server and stops with it.
	DEBUG=1 $(MANAGE) db_worker --no-reload --verbosity 0 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 DEMO_SKIP_TWO_FACTOR=1 $(MANAGE) runserver $(HOST):$(PORT)

serve: setup
	STATIC_MANIFEST=1 $(MANAGE) collectstatic --no-input --verbosity 0
	STATIC_MANIFEST=1 DEBUG=0 $(BIN)/gunicorn trove.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

test: setup-env e2e-tools
	$(BIN)/pytest

# Browser tests (trove/e2e): Debian's chromium and chromedriver, and axe-core from npm (package-lock.json). Installed
# when missing and possible (root or sudo; npm); otherwise those tests skip and say why.
.PHONY: e2e-tools
e2e-tools:
	@if [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null || true; \
	  elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null || true; \
	  else echo "trove: chromium-driver is missing and cannot be installed here (no root or sudo): browser tests skip."; fi; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent || true; \
	  else echo "trove: npm is missing: the browser tests skip (they need axe-core)."; fi; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles

# Duplicate-matching benchmark (docs/benchmarks.md): Splink and DuckDB go into the venv from requirements-bench.txt
# only here. Runs on the database DATABASE_URL names; give BENCH_SIZES to change the sizes.
BENCH_SIZES ?= 10000 100000
.PHONY: bench bench-national
# National scale (issue 13, docs/benchmarks.md): `make bench BENCH_SIZE=1000000` fills the database DATABASE_URL names
# (PostgreSQL, a database of its own) with every kind of synthetic record and measures every daily page and API call
# at concurrency 1 (test client) and 16 (gunicorn + wrk, `apt-get install wrk`), with the baselines, in one run.
BENCH_SIZE ?=
ifneq ($(BENCH_SIZE),)
bench: bench-national
else
bench: setup-env
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) load_reference_data
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES)
endif

bench-national: setup-env
	@command -v wrk >/dev/null || { echo "trove: the load part needs wrk (apt-get install wrk)"; exit 1; }
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) load_reference_data
	$(BIN)/python bench/national.py --persons $(or $(BENCH_SIZE),100000)

# API fuzzing (docs/api.md): schemathesis against a server started on a fresh demo database, for every operation, as
# three personas (intake, supervisor, outsider): no 5xx, answers as documented, nothing outside a persona's scope.
# FUZZ_EXAMPLES sets the examples per operation, mode and persona. The test suite runs a bounded version.
FUZZ_DB ?= var/fuzz.sqlite3
FUZZ_PORT ?= 8765
FUZZ_EXAMPLES ?= 25
.PHONY: fuzz
fuzz: setup-env
	rm -f $(FUZZ_DB) $(FUZZ_DB)-wal $(FUZZ_DB)-shm
	export DATABASE_URL=sqlite:///$(abspath $(FUZZ_DB)) API_RATE_LIMIT_PER_MINUTE=1000000; \
	$(MANAGE) migrate --no-input --verbosity 0 && $(MANAGE) load_reference_data && $(MANAGE) seed_demo && \
	{ DEBUG=0 SECURE_COOKIES=0 $(BIN)/gunicorn trove.wsgi --bind 127.0.0.1:$(FUZZ_PORT) --workers 2 --log-level warning & \
	  SERVER=$$!; trap 'kill $$SERVER 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) api_fuzz --url http://127.0.0.1:$(FUZZ_PORT) --examples $(FUZZ_EXAMPLES) --wait 30; }
