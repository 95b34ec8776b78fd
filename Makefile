# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_LINK_MODE := copy

.PHONY: setup run test lint typecheck check messages bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

## setup: create the virtualenv and install the locked dependencies
setup: $(VENV)/.synced

## run: set up, migrate SQLite, load demo data and serve on http://127.0.0.1:8000
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

## test: set up and run the whole suite (DATABASE_URL picks the database; SQLite by default)
test: setup
	$(BIN)/pytest

## lint: ruff lint and format check
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy with the Django and DRF plugins
typecheck: setup
	$(BIN)/mypy mediation

## check: models and migrations agree, production settings pass the deploy check
check: setup
	$(PY) manage.py makemigrations --check --dry-run
	bash .ci/deploy-check

## messages: extract and compile translations (needs GNU gettext)
messages: setup
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore ".venv/*"

## bench: seed PostgreSQL, run under gunicorn, measure, write docs/benchmarks.md
bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/ .pytest_cache .mypy_cache .ruff_cache
