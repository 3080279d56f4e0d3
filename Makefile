# Haven: the two commands a person needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3
# uv from PATH, else the one pip installs as a module (bootstrapped by the `uv` target).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/haven
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help uv install install-dev system-packages node-packages demo test test-embedded lint bench bench-packages reliability

help:
	@echo "make demo   install, migrate, seed the demo community and serve http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole suite against PostgreSQL and Redis"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	$(UV) sync --frozen --no-dev

install-dev: uv
	$(UV) sync --frozen

# Debian's chromium drives the browser tests; docker-compose validates docker-compose.yml.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v docker-compose >/dev/null 2>&1 || missing="$$missing docker-compose"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# axe-core from the npm registry (package-lock.json) for the accessibility tests; needs npm.
node-packages:
	@command -v npm >/dev/null 2>&1 || { echo "npm is required for the accessibility tests (Debian: apt-get install npm)" >&2; exit 1; }
	@if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; \
	fi

demo: install
	$(UV) run --frozen --no-dev python manage.py migrate --no-input
	$(UV) run --frozen --no-dev python manage.py crisis_lexicon_sync
	$(UV) run --frozen --no-dev python manage.py seed_demo
	@echo "Serving Haven on http://$(HOST):$(PORT) (Ctrl-C to stop)"
	HAVEN_EMBEDDED_BEAT=1 $(UV) run --frozen --no-dev uvicorn supportforum.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio --no-access-log

lint: install-dev
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen python manage.py makemigrations --check --dry-run

# Two pytest processes (pytest-xdist, one per core; TEST_WORKERS=0 runs one). "--dist load"
# hands tests out in pytest-django's order, so each process runs the tests that roll back
# before those that flush the database (and with it the rows data migrations made).
TEST_WORKERS ?= 2

test: install-dev system-packages node-packages lint
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(UV) run --frozen pytest -n $(TEST_WORKERS) --dist load
	$(MAKE) --no-print-directory test-embedded

# The embedded default (SQLite, in-memory layer, eager Celery) that `make demo` uses.
test-embedded: install-dev
	env -u DATABASE_URL -u REDIS_URL SQLITE_PATH=:memory: $(UV) run --frozen pytest -m embedded -q -p no:cacheprovider -n $(TEST_WORKERS) --dist load

# The fault suite (issue 9, about ten minutes): a production-like stack of its own (a
# private PostgreSQL cluster and redis-server, uvicorn, Celery worker and beat), broken
# while members post; it leaves the machine's PostgreSQL and Redis alone.
reliability: install-dev
	env -u DATABASE_URL -u REDIS_URL HAVEN_RELIABILITY=1 $(UV) run --frozen pytest tests/reliability -p no:cacheprovider -s -q

# Benchmarks (not tests): every bench/bench_*.py in turn (bench/run_all.py), then
# bench/RESULTS.md. In-process ones on a throw-away SQLite file; the stack ones (alert
# latency, fan-out, pages under load with wrk) on PostgreSQL databases of their own.
bench: install-dev bench-packages
	env -u DATABASE_URL -u REDIS_URL $(UV) run --frozen python bench/run_all.py

# wrk (Debian's package) drives the pages benchmark.
bench-packages:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing wrk from Debian"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }
