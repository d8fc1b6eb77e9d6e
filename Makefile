# The two commands: `make run` (the whole product) and `make test` (the whole suite).
# Both work on a fresh machine with Python 3.11: they create .venv and install on first use.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run cluster test lint bench install clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jobhunter run

# Airflow with the CeleryExecutor and two workers on Redis (JH_REDIS_URL): README "Scaling out".
cluster: $(STAMP)
	$(BIN)/jobhunter cluster

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/harvest.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
