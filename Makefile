# ecs-patterns: two commands do everything on a fresh machine.
#   make synth   -> venv + pinned deps + pinned CDK CLI/Node, then a real `cdk synth` of the sample app
#   make test    -> the same set-up where missing, then ruff, mypy --strict and pytest
# Both are idempotent: the set-up steps re-run only when their lock files change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
NODE22 := $(CURDIR)/node_modules/.bin/node
CDK    := $(NODE22) $(CURDIR)/node_modules/aws-cdk/bin/cdk

# jsii runs on the pinned, supported Node 22 from package-lock.json rather than the machine's Node 20.
export JSII_NODE := $(NODE22)
# Offline: no version check, no telemetry, no notices (also set in cdk.json).
export CDK_DISABLE_VERSION_CHECK := true
export CDK_DISABLE_CLI_TELEMETRY := true

PY_STAMP  := $(VENV)/.installed
# The deploy test's emulator: moto + boto3 pinned in their own venv, apart from the library's.
MOTO_VENV  := $(VENV)/moto
MOTO_STAMP := $(MOTO_VENV)/.installed
NPM_STAMP := node_modules/.installed
# --- checkov: its own venv, its pins clash with requirements.lock ---
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# --- end checkov ---
# --- docs and release: mkdocs, Material, mkdocstrings, build and twine in their own venv ---
DOCS_VENV  := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed
# --- end docs and release ---

.PHONY: setup synth test lint typecheck unit bench scale cost snapshot-update clean compliance-report deploy-test test-deep docs dist

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(MOTO_STAMP): tests/deploy/requirements-moto.lock
	test -x $(MOTO_VENV)/bin/python || $(PYTHON) -m venv $(MOTO_VENV)
	$(MOTO_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/deploy/requirements-moto.lock
	touch $@

# --- checkov ---
$(CHECKOV_STAMP): requirements-checkov.lock
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.lock
	touch $@

# Rewrites docs/compliance.md from freshly synthesized test stacks and sample app (+ checkov).
compliance-report: setup $(CHECKOV_STAMP)
	$(PY) -m scripts.compliance_report
# --- end checkov ---

# --- docs and release ---
$(DOCS_STAMP): requirements-docs.lock
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-docs.lock
	touch $@

# The documentation site into site/, strictly: a warning (broken link, anchor or API reference)
# fails. Its Python examples run in the unit tests (tests/test_docs_examples.py).
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict --quiet

# The release artifacts into dist/ (what .github/workflows/publish.yml uploads), checked by twine;
# built with the pinned setuptools of requirements-docs.lock (no isolation: no unpinned download).
dist: $(DOCS_STAMP)
	rm -rf dist
	$(DOCS_VENV)/bin/python -m build --no-isolation --outdir dist .
	$(DOCS_VENV)/bin/twine check --strict dist/*
# --- end docs and release ---

$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	$(CDK) synth --quiet --no-notices --no-version-reporting
	@echo "cdk.out/ written: $$(ls cdk.out/*.template.json | tr '\n' ' ')"

lint: $(PY_STAMP)
	$(BIN)/ruff check src tests sample_app scripts benchmarks
	$(BIN)/ruff format --check src tests sample_app scripts benchmarks

typecheck: $(PY_STAMP)
	$(BIN)/mypy --strict src tests sample_app scripts benchmarks

unit: setup $(CHECKOV_STAMP) $(DOCS_STAMP)
	$(BIN)/pytest -m "not slow and not deploy"

# The unit tests and the emulator deploy test run side by side (two jobs, each job's output kept
# together): on 2 cores that takes about 2 minutes instead of about 3 one after the other.
test: lint typecheck docs
	$(MAKE) --no-print-directory -j2 --output-sync=target unit deploy-test

# The real CLI's `cdk bootstrap` + `cdk deploy` (create, then update) of the sample app
# into a local moto server on 127.0.0.1 (tests/deploy; 1.0 to 2.3 min here, plus ~1 min for
# .venv/moto the first time). `make test` runs it beside the unit tests.
deploy-test: setup $(MOTO_STAMP)
	$(BIN)/pytest -m deploy --durations=5 tests/deploy

# --- property-based tests: the deep hypothesis profile; `make test` runs the small one.
# Every hypothesis test (tests/property and those beside the unit tests, such as the routing
# properties): hypothesis's pytest plugin marks each one `hypothesis`.
test-deep: setup
	ECS_PATTERNS_HYPOTHESIS_PROFILE=deep $(BIN)/pytest tests -m hypothesis --hypothesis-show-statistics
# --- end property-based tests

snapshot-update: setup $(CHECKOV_STAMP)
	$(BIN)/pytest -m "not slow and not deploy" --snapshot-update

clean:
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache build/nag-runtime site dist

# Byte-compiled first, as a wheel install would be: an editable install has no .pyc of its own,
# and machines with PYTHONDONTWRITEBYTECODE=1 (like this one) would otherwise time the compiler.
# The results are written to benchmarks/results.md (committed with the date and machine in it).
bench: setup
	$(PY) -m compileall -q src
	$(PY) benchmarks/synth.py --repeat 3 > benchmarks/results.md.tmp
	mv benchmarks/results.md.tmp benchmarks/results.md
	cat benchmarks/results.md

scale: setup
	$(PY) benchmarks/scale.py

# The fixed monthly cost of the default deployment and of each added service, one load balancer
# per service against the shared ingress (1, 10 and 30 services), counted in the synthesized
# templates and priced from the dated table benchmarks/prices-us-east-1.toml; every line printed
# with its arithmetic and assumptions. Deterministic; no AWS account involved.
cost: setup
	$(PY) benchmarks/cost.py
