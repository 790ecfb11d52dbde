# estatedesk: the two commands a fresh machine needs are `make run` and `make test`.
# Everything else here is what those two use. Run from the repository root.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed

# Every installable package of the repository, found by its pyproject.toml: the shared plumbing
# (servicekit), the suite's policy (tenancy), each service under services/ and the gateway at the
# top level (each installed editable, with its [test] extras).
SERVICES   := $(patsubst services/%/pyproject.toml,%,$(wildcard services/*/pyproject.toml))
APPS       := $(foreach s,$(SERVICES),services/$(s)) $(patsubst %/pyproject.toml,%,$(wildcard gateway/pyproject.toml))
PYPROJECTS := libs/servicekit/pyproject.toml libs/tenancy/pyproject.toml $(foreach a,$(APPS),$(a)/pyproject.toml)
PIP_TARGETS := -e 'libs/servicekit[postgres,test]' -e libs/tenancy $(foreach a,$(APPS),-e '$(a)[test]')

export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

PYTEST_ARGS ?=

.PHONY: help install run test bench lint clean ensure-run ensure-test ensure-bench

help:
	@echo "make run     install, migrate, load the demo estate and start every process of the suite"
	@echo "make test    install and run the whole test suite (installs and starts PostgreSQL and RabbitMQ as root)"
	@echo "make bench   run every bench/*.py benchmark and print their numbers"
	@echo "make lint    ruff over the repository"
	@echo "make clean   remove the venv, var/ and caches"

# --- install -----------------------------------------------------------------------------------
# The venv is made once; packages are installed again only when a pyproject.toml (or this file)
# changes, tracked by a stamp file inside the venv.

$(BIN)/python:
	@$(ENSURE) python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(PYPROJECTS) Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(PIP_TARGETS)
	@touch $@

install: $(STAMP)

# What each command needs on the machine itself, made sure of by deploy/scripts/ensure-servers.sh
# before anything slow: where it all answers already this takes milliseconds and installs nothing;
# as root it installs (apt-get) and starts what is missing; otherwise it stops at once with the
# exact command to run. The tests reach the servers of TEST_AMQP_URL / TEST_DATABASE_URL (else
# AMQP_URL / DATABASE_URL, else 127.0.0.1). chromium is required: the owners' pages' browser tests
# drive it through Playwright. docker-compose (1.29, validates docker-compose.yml) is optional:
# installed when possible, else its tests skip.
ENSURE := deploy/scripts/ensure-servers.sh
# python3-venv only until the venv exists (checking it starts a Python: slow on a busy machine).
VENV_NEED := $(if $(wildcard $(BIN)/python),,python3-venv)
TEST_SERVERS := AMQP_URL="$${TEST_AMQP_URL:-$${AMQP_URL:-}}" DATABASE_URL="$${TEST_DATABASE_URL:-$${DATABASE_URL:-}}"

ensure-run:
	@$(ENSURE) $(VENV_NEED) rabbitmq nginx nginx-lua redis $$([[ "$${DATABASE_URL:-}" == postgresql* ]] && echo postgres)

ensure-test:
	@$(TEST_SERVERS) $(ENSURE) $(VENV_NEED) rabbitmq rabbitmqctl postgres nginx nginx-lua redis chromium --optional docker-compose

ensure-bench:
	@$(TEST_SERVERS) $(ENSURE) $(VENV_NEED) rabbitmq rabbitmqctl postgres nginx nginx-lua redis wrk

# --- the two commands ----------------------------------------------------------------------------

run: ensure-run install
	@ESTATEDESK_ROOT="$(CURDIR)" deploy/scripts/run-local.sh

test: ensure-test install
	$(BIN)/pytest -q --durations=15 $(PYTEST_ARGS)

# --- the rest ------------------------------------------------------------------------------------

bench: ensure-bench install
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks in bench/"; exit 0; fi; \
	failed=(); \
	for f in "$${files[@]}"; do \
	  echo "=== $$f"; \
	  $(BIN)/python "$$f" || failed+=("$$f"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "failed: $${failed[*]}"; exit 1; fi

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
