# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 3000
UI_DIST := src/sora2/web/dist/index.html
UI_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/package.json frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: run test install install-test ui test-python test-frontend test-browser chromium redis nginx s3-server litellm cluster bench size openapi clean

run: install ui ## install what is missing, build the UI, migrate, serve on http://$(HOST):$(PORT)
	$(BIN)/sora2 db upgrade
	$(BIN)/sora2 serve --host $(HOST) --port $(PORT)

# The browser suite runs in its own pytest process: Playwright's sync API keeps an event loop running for its
# session-scoped browser, which would stop every asyncio test collected after it. The rest runs in PYTEST_WORKERS
# processes (pytest-xdist): many tests wait on server processes, so three keep two cores busy.
PYTEST_WORKERS ?= 3
test: install-test ui chromium redis nginx s3-server litellm ## every test: Python (API, e2e, browser) and Vitest
	$(BIN)/python -m pytest -m "not browser" -n $(PYTEST_WORKERS)
	$(BIN)/python -m pytest -m browser
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory test-frontend; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# The UI is built only when its sources exist and changed since the last build.
ui:
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory $(UI_DIST); fi

$(UI_DIST): frontend/node_modules/.package-lock.json $(UI_SOURCES)
	cd frontend && npm run build --silent

# Browser tests drive Debian's Chromium; install it when missing and we may (root), else say how.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium' and then 'make test' again."; exit 1; \
	  fi; \
	fi

# The multi-instance tests need a redis-server binary (they start their own Redis when none answers on :6379).
redis:
	@if ! command -v redis-server >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's redis-server for the multi-instance tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else \
	    echo "The multi-instance tests need Redis: run 'sudo apt-get install -y redis-server' and then 'make test' again."; exit 1; \
	  fi; \
	fi

# The cluster tests put Debian's nginx in front of two instances. Only the binary is wanted: the package's own
# service stays stopped (policy-rc.d), so nothing listens on port 80.
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's nginx for the cluster tests (its service is not started)"; \
	    made_policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; status=$$?; \
	    if [ -n "$$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi; exit $$status; \
	  else \
	    echo "The cluster tests need nginx: run 'sudo apt-get install -y nginx' and then 'make test' again."; exit 1; \
	  fi; \
	fi

# A local S3-compatible server for the storage tests and the cluster: moto's, from PyPI, in a virtualenv of its own
# (its dependencies stay out of the project's).
S3_VENV := .venv-s3
$(S3_VENV)/bin/moto_server:
	$(PYTHON) -m venv $(S3_VENV)
	$(S3_VENV)/bin/pip install --quiet --upgrade pip
	$(S3_VENV)/bin/pip install --quiet 'moto[s3]>=5,<6' 'flask>=3' 'flask-cors>=4'

s3-server: $(S3_VENV)/bin/moto_server

# Two instances behind nginx (round-robin) on PostgreSQL, Redis and a local S3 server, all on loopback, until Ctrl-C.
cluster: install-test ui redis nginx s3-server ## run the scale-out layout locally (see docs/deployment.md)
	$(BIN)/python -m tests.fixtures.cluster

test-python: install-test redis nginx s3-server litellm
	$(BIN)/python -m pytest -m "not browser" -n $(PYTEST_WORKERS)

# The gateway end-to-end test runs a real LiteLLM proxy from PyPI in its own venv (.venv-litellm).
litellm: install-test
	$(BIN)/python -m tests.fixtures.litellm

test-browser: install-test ui chromium
	$(BIN)/python -m pytest -m browser

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run test --silent

size: ui ## gzip size of the first route's JS + CSS
	cd frontend && npm run size

# wrk gives the list benchmark a load generator that does not compete for the CPU it measures.
bench: install-test ## print every benchmark's figures (see docs/performance.md)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk not installed (apt-get install wrk): the list benchmark falls back to a Python load generator"
	$(BIN)/python -m bench.run_all

openapi: install ## regenerate the OpenAPI document and the web UI's types from it
	$(BIN)/sora2 openapi --out frontend/openapi.json
	cd frontend && npm run gen:api

clean:
	rm -rf $(VENV) $(S3_VENV) .venv-litellm frontend/node_modules src/sora2/web/dist .pytest_cache
