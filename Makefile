# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_BOOT ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ASSETS := static/vendor/.built
SERVICES := $(PY) -m commissioning.devservices exec --
export DJANGO_DEBUG ?= true

.PHONY: run test lint format bench bench-scale load install assets services-down clean help

help:
	@echo "make run    install, start PostgreSQL, Redis, worker, beat and web on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   lint, migrations check and the whole test suite against real services"
	@echo "make e2e    browser tests (Playwright + Debian's Chromium) with axe-core accessibility checks"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make bench  benchmarks that print figures (bench-scale: one worker process against two)"
	@echo "make load   locust, 50 users for LOAD_TIME (5m) against gunicorn + worker, 1M analysis running"

$(VENV)/bin/python:
	@command -v $(PYTHON_BOOT) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON_BOOT) not found)"; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)

$(INSTALLED): $(VENV)/bin/python requirements.lock pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(INSTALLED)

$(ASSETS): $(INSTALLED) package.json package-lock.json scripts/build_assets.py
	$(VENV)/bin/npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/build_assets.py
	touch $@

assets: $(ASSETS)

run: $(INSTALLED) $(ASSETS)
	$(PY) -m commissioning.devrun

test: $(INSTALLED) $(ASSETS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(SERVICES) bash -c '$(PY) manage.py makemigrations --check --dry-run && $(VENV)/bin/pytest $(PYTEST_ARGS)'
	$(SERVICES) env DJANGO_DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=commissioning.example.nhs.uk $(PY) manage.py check --deploy --fail-level WARNING

# Debian's Chromium, never Playwright's own browser download (CI reaches only the registries).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "e2e: $(CHROMIUM) is missing; installing Debian's chromium"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium; } >/dev/null \
	    || { echo "e2e: could not install chromium with apt-get; install Debian's chromium package (or set CHROMIUM=/path/to/chromium)"; exit 1; }; }
	@test -x $(CHROMIUM) || { echo "e2e: $(CHROMIUM) still missing after apt-get install chromium"; exit 1; }

e2e: $(INSTALLED) $(ASSETS) chromium
	$(SERVICES) env E2E=1 E2E_CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(INSTALLED)
	$(SERVICES) $(PY) -m bench
	$(SERVICES) $(PY) -m bench.scale --people $${SCALE_PEOPLE:-3000000}

bench-scale: $(INSTALLED)
	$(SERVICES) $(PY) -m bench.scale --people $${SCALE_PEOPLE:-3000000}

LOAD_TIME ?= 5m
LOAD_USERS ?= 50
load: $(INSTALLED) $(ASSETS)
	$(SERVICES) $(PY) -m loadtest.run --time $(LOAD_TIME) --users $(LOAD_USERS)

services-down: $(INSTALLED)
	$(PY) -m commissioning.devservices down

clean: services-down
	rm -rf $(VENV) node_modules static/vendor staticfiles .data
