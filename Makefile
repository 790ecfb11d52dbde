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
# (servicekit), the suite's policy (tenancy) and each service under services/ (installed editable, with its [test] extras).
SERVICES   := $(patsubst services/%/pyproject.toml,%,$(wildcard services/*/pyproject.toml))
PYPROJECTS := libs/servicekit/pyproject.toml libs/tenancy/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml)
PIP_TARGETS := -e 'libs/servicekit[postgres,test]' -e libs/tenancy $(foreach s,$(SERVICES),-e 'services/$(s)[test]')

export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

PYTEST_ARGS ?=

.PHONY: help install run test bench lint clean ensure-docker-compose

help:
	@echo "make run     install, migrate, load the demo estate and start every process of the suite"
	@echo "make test    install and run the whole test suite (PostgreSQL and RabbitMQ on 127.0.0.1)"
	@echo "make bench   run every bench/*.py benchmark and print their numbers"
	@echo "make lint    ruff over the repository"
	@echo "make clean   remove the venv, var/ and caches"

# --- install -----------------------------------------------------------------------------------
# The venv is made once; packages are installed again only when a pyproject.toml (or this file)
# changes, tracked by a stamp file inside the venv.

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(PYPROJECTS) Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(PIP_TARGETS)
	@touch $@

install: $(STAMP)

# Debian's docker-compose (1.29) validates docker-compose.yml in the tests; no Docker engine needed.
ensure-docker-compose:
	@if ! command -v docker-compose >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing docker-compose (Debian package) for the compose test"; \
	    $$SUDO apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq docker-compose >/dev/null; \
	  else \
	    echo "warning: docker-compose is missing and cannot be installed here (needs root and apt-get);"; \
	    echo "         the compose test will be skipped. Install it with: sudo apt-get install docker-compose"; \
	  fi; \
	fi

# --- the two commands ----------------------------------------------------------------------------

run: install
	@ESTATEDESK_ROOT="$(CURDIR)" deploy/scripts/run-local.sh

test: install ensure-docker-compose
	$(BIN)/pytest -q --durations=15 $(PYTEST_ARGS)

# --- the rest ------------------------------------------------------------------------------------

bench: install
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
