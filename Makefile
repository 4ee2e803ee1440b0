# Two entry points do everything on a fresh machine:
#   make synth   set up, then synthesize the example app with the pinned CDK CLI
#   make test    set up, then run ruff, mypy and the test suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

# jsii still runs on Node 20 but prints a large end-of-life banner on every call.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: setup synth test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

synth: setup
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx cdk synth --no-notices

lint: setup
	$(PY) -m ruff check .
	$(PY) -m mypy

test: lint
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest

.PHONY: bench
bench: setup
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) benchmarks/run.py
