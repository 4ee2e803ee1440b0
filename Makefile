# Two entry points do everything on a fresh machine:
#   make synth   set up, then synthesize the example app with the pinned CDK CLI
#   make test    set up, then run ruff, mypy, the test suite and the version matrix
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

# jsii still runs on Node 20 but prints a large end-of-life banner on every call.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

# The version matrix (README "Supported versions"), one venv each under build/: the floor
# (pyproject's dependency group floor: the oldest aws-cdk-lib and constructs, with
# $(PYTHON)), and the oldest and newest Python the package declares, with the newest
# aws-cdk-lib. Each Python is the first of these that runs: pythonX.Y on PATH, then pyenv's.
find_python = $(shell for p in python$(1) $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python); \
	do "$$p" -c '' 2>/dev/null && { command -v "$$p"; break; }; done)
ifndef PYTHON_OLDEST
PYTHON_OLDEST := $(call find_python,3.10)
endif
ifndef PYTHON_NEWEST
PYTHON_NEWEST := $(call find_python,3.13)
endif
MATRIX := build/floor build/python3.10 build/python3.13
build/floor/.installed: MATRIX_PYTHON = $(PYTHON)
build/floor/.installed: MATRIX_GROUP = floor
build/python3.10/.installed: MATRIX_PYTHON = $(PYTHON_OLDEST)
build/python3.13/.installed: MATRIX_PYTHON = $(PYTHON_NEWEST)
MATRIX_GROUP ?= test
# The suites, by directory: unit (every folder of tests/ that mirrors a package: cli/,
# construct/, handler/, ...) and contract (tests/contract/). The ecosystem checks
# (tests/ecosystem/: cdk-nag 3.x, cfn-lint, checkov, the CDK CLI, the integ-tests-alpha
# snapshot, the wheel and sdist) run in $(VENV) only.
NOT_UNIT := tests/contract/ tests/ecosystem/ tests/integ/ tests/events/ tests/support/
UNIT_TESTS := $(filter-out $(NOT_UNIT),$(sort $(wildcard tests/*/)))
CONTRACT_TESTS := tests/contract

.PHONY: setup synth test lint matrix test-floor test-python3.10 test-python3.13

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

build/%/.installed: pyproject.toml
	@test -n "$(MATRIX_PYTHON)" || { echo "make: no working python for build/$*:" \
		"put it on PATH or set PYTHON_OLDEST / PYTHON_NEWEST" >&2; exit 1; }
	rm -rf build/$*
	$(MATRIX_PYTHON) -m venv build/$*
	build/$*/bin/python -m pip install --quiet --upgrade pip
	build/$*/bin/python -m pip install --quiet -e . --group $(MATRIX_GROUP)
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
	$(MAKE) matrix

# Run one after another: each suite uses both cores already.
matrix: test-floor test-python3.10 test-python3.13

test-floor: build/floor/.installed
	PATH="$(CURDIR)/build/floor/bin:$$PATH" build/floor/bin/python -m pytest -q \
		$(UNIT_TESTS) $(CONTRACT_TESTS)

test-python3.10 test-python3.13: test-%: build/%/.installed
	PATH="$(CURDIR)/build/$*/bin:$$PATH" build/$*/bin/python -m pytest -q $(UNIT_TESTS)

.PHONY: bench
bench: setup
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) benchmarks/run.py
