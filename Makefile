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
NPM_STAMP := node_modules/.installed

.PHONY: setup synth test lint typecheck unit bench snapshot-update clean test-deep

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	$(CDK) synth --quiet --no-notices --no-version-reporting
	@echo "cdk.out/ written: $$(ls cdk.out/*.template.json | tr '\n' ' ')"

lint: $(PY_STAMP)
	$(BIN)/ruff check src tests sample_app
	$(BIN)/ruff format --check src tests sample_app

typecheck: $(PY_STAMP)
	$(BIN)/mypy --strict src tests sample_app

unit: setup
	$(BIN)/pytest -m "not slow"

test: lint typecheck unit

# --- property-based tests (issue 6): the deep hypothesis profile; `make test` runs the small one.
test-deep: setup
	ECS_PATTERNS_HYPOTHESIS_PROFILE=deep $(BIN)/pytest tests/property --hypothesis-show-statistics
# --- end property-based tests

snapshot-update: setup
	$(BIN)/pytest -m "not slow" --snapshot-update

clean:
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache

bench: setup
	$(PY) benchmarks/synth.py --repeat 3
