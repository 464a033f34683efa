# The README's two commands: `make demo` (set up + run the main job) and `make test` (set up + every test layer).
# VENV and PYTHON can be overridden: `make test VENV=/tmp/v PYTHON=python3.11`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTIONS := $(CURDIR)/.cache/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export TLSOPS_COLLECTIONS_ROOT := $(COLLECTIONS)

.PHONY: venv demo test pytest bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	mkdir -p $(COLLECTIONS)/ansible_collections/tlsops
	ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/tlsops/schannel
	touch $@

pytest: venv
	$(BIN)/python -m pytest -n 2 tests

clean:
	rm -rf $(VENV) .cache tests/output
