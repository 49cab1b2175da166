# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run walkthrough test lint typecheck pytest bench clean system-packages-run system-packages-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# System packages first: a machine without them stops here, before the virtualenv is built.
system-packages-run:
	scripts/system-packages.sh run

system-packages-test:
	scripts/system-packages.sh test

# The service on a fresh SQLite store with the demo agency, its cases and a login per role.
DEMO_DB := demo/workflow.db

run: system-packages-run $(STAMP)
	rm -f $(DEMO_DB) && mkdir -p demo
	WORKFLOW_DB=sqlite:///$(DEMO_DB) $(BIN)/workflow serve --demo

# The command line's walk-through, on its own store in walkthrough/.
walkthrough: system-packages-run $(STAMP)
	$(BIN)/python -m workflow.walkthrough

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Under `make test` a test needing a system program fails naming the install command, never skips.
pytest: system-packages-test $(STAMP)
	WORKFLOW_REQUIRE_SYSTEM_PACKAGES=1 $(BIN)/pytest

test: system-packages-test lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
