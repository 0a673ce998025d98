# Fangkong: `make run` to try it, `make test` to test it. See README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser check lint format messages bench clean install fuzz

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the demo township on SQLite at http://$(HOST):$(PORT) (and the background worker).
run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/fangkong migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/fangkong demo --if-empty
	DEBUG=$${DEBUG:-1} $(BIN)/fangkong serve --host $(HOST) --port $(PORT)

## The whole suite (browser journeys run too when Chromium is installed; see test-browser).
test: $(STAMP)
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest -m browser $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ] || exit $$rc

## Browser journeys only, in Debian's Chromium; fails instead of skipping when it is missing.
test-browser: $(STAMP)
	FANGKONG_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser $(PYTEST_ARGS)

## Fuzz the JSON API with schemathesis against a server of its own (demo township, SQLite).
fuzz: $(STAMP)
	bash .ci/fuzz-api

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy fangkong bench
	DEBUG=1 $(BIN)/fangkong makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh and compile the Chinese catalogue (needs GNU gettext: apt-get install gettext).
messages: $(STAMP)
	DEBUG=1 $(BIN)/fangkong makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'bench/*' --no-obsolete
	DEBUG=1 $(BIN)/fangkong compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
