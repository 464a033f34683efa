# The README's two commands:
#   make demo   set everything up and run the main job (a 2008 R2 twin iPhones cannot reach, fixed and proven)
#   make test   set everything up and run every test layer; the last line is pytest's summary
# Override the interpreter or the venv location:  make test PYTHON=python3.11 VENV=/tmp/tlsops-venv
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV ?= .venv
# ansible-core 2.21 needs Python 3.12; its sanity run is skipped (and says so) when no 3.12 exists.
PY312 ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12; do $$p -V >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV221 ?= $(VENV)-core221
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
COLLECTIONS := $(CURDIR)/.cache/collections
PYTEST_ARGS ?=
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export TLSOPS_COLLECTIONS_ROOT := $(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1
# Ansible's and Molecule's own scratch folders stay inside the project (default: ~/.ansible).
export ANSIBLE_HOME := $(CURDIR)/build/ansible-home
# Tools call each other by name (antsibull-docs runs ansible-galaxy, molecule runs ansible-playbook).
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv system-deps demo test check ruff mypy pytest sanity sanity-221 units lint docs-lint changelog-lint \
        molecule bench bench-short build clean ee-context

venv: $(STAMP)

# The ansible package is 15,000 collection files of which only ansible.windows' few are used: it is installed alone
# without compiling bytecode (~35 s less on the build machine), then the rest, ansible-core included, as usual.
$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps --no-compile "$$(grep -E '^ansible[<>=]' requirements-dev.txt)"
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	mkdir -p $(COLLECTIONS)/ansible_collections/tlsops
	ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/tlsops/schannel
	touch $@

# Debian packages the tests and the demo use (system-packages.txt); installs only what is missing.
system-deps:
	@missing=$$(sed -e 's/#.*//' system-packages.txt | xargs -n1 | while read -r p; do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || echo "$$p"; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

demo: venv
	VENV=$(VENV) bash scripts/demo.sh

# Every layer; pytest runs last so its summary line closes the output.
test: venv system-deps changelog-lint lint check docs-lint sanity sanity-221 units molecule bench-short pytest

# Four workers on two cores: the slow tests mostly wait (twins rebooting, timeouts running out, ansible-playbook
# round trips), and four overlap that waiting: 5:50 -> 4:45 on the build machine, the same 1073 tests passing.
PYTEST_WORKERS ?= 4
pytest: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS) tests

sanity: venv
	scripts/ansible-test.sh $(VENV) sanity --venv --python 3.11 --color no

$(VENV221)/.installed:
	$(PY312) -m venv $(VENV221)
	$(VENV221)/bin/python -m pip install -q --upgrade pip
	$(VENV221)/bin/python -m pip install -q 'ansible-core>=2.21,<2.22'
	touch $@

ifeq ($(PY312),)
sanity-221:
	@echo "sanity-221: SKIPPED, no python3.12 on this machine (ansible-core 2.21 needs it)"
else
sanity-221: $(VENV221)/.installed
	scripts/ansible-test.sh $(VENV221) sanity --venv --python 3.12 --color no
endif

units: venv
	scripts/ansible-test.sh $(VENV) units --venv --python 3.11 --color no

# ruff and mypy over plugins/ (ruff.toml, mypy.ini; .pre-commit-config.yaml runs the same two before a commit).
# mypy resolves the collection's imports through the $(COLLECTIONS) link that `make venv` makes.
check: ruff mypy

ruff: venv
	$(BIN)/ruff check plugins

mypy: venv
	$(BIN)/mypy --config-file mypy.ini -p ansible_collections.tlsops.schannel.plugins

lint: venv
	$(BIN)/ansible-lint --profile production --offline roles playbooks

docs-lint: venv
	cd $(COLLECTIONS)/ansible_collections/tlsops/schannel && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

molecule: venv system-deps
	mkdir -p build/molecule/inventory
	$(BIN)/molecule test -s default

bench: venv system-deps
	$(BIN)/python benchmarks/run.py

bench-short: venv system-deps
	$(BIN)/python benchmarks/run.py --short

build: venv
	mkdir -p .cache/dist
	$(BIN)/ansible-galaxy collection build --force --output-path .cache/dist .

# The execution environment's build context (docs/awx.md): the collection tarball under the fixed name
# execution-environment.yml names, then ansible-builder create (offline). Build the image from build/ee/context
# with podman or docker. `make test` checks the same context (tests/packaging/test_collection_build.py).
ee-context: venv
	mkdir -p build/ee
	$(BIN)/ansible-galaxy collection build --force --output-path build/ee .
	cp build/ee/tlsops-schannel-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz build/ee/tlsops-schannel.tar.gz
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee/context --output-filename Containerfile

clean:
	rm -rf $(VENV) $(VENV221) .cache tests/output
