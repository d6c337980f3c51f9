# Two commands for a fresh clone: `make run` and `make test`.
# Everything else here is what those two need.
#
#   make run      an env with Abri alone (no check tools), then the app
#   make test     the same env plus the pinned check tools; lint, types, every test
#   make floors   the tests against the lowest versions pyproject.toml allows
#   make browser  find (or, as root, install) the headless Chromium the PDF tests use
#
# Nothing here installs system packages except `make browser` / `make test` run as
# root, and they say what they install first. `make run` never does.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
APP    := $(VENV)/.installed-app
DEV    := $(VENV)/.installed
FLOORS ?= .venv-floors

.PHONY: run test check bench browser floors completion clean

run: $(APP)
	$(BIN)/abri $(ARGS)

# Without a Chromium the PDF tests are skipped (one line says how to get one);
# with CI set, a missing Chromium is installed or the run fails.
test: $(DEV) check
	@bash scripts/ensure-browser --optional $(BIN)/python
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

check: $(DEV)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Byte-compile first: with PYTHONDONTWRITEBYTECODE set, start-up figures would
# otherwise include compiling every module on every run.
bench: $(DEV)
	@bash scripts/ensure-browser --optional $(BIN)/python
	$(BIN)/python -m compileall -q tui bench >/dev/null
	$(BIN)/python -m bench $(BENCH_ARGS)

# A headless Chromium for PDF export and page capture (Playwright's own download
# does not work offline); installed from the system's packages, as root only.
browser: $(APP)
	@bash scripts/ensure-browser $(BIN)/python

floors:
	@bash scripts/check-floors $(PYTHON) $(FLOORS)

# Shell completion for the current shell's `abri`, e.g. `make completion SHELL_NAME=zsh`.
completion: $(APP)
	@$(BIN)/abri --completion $(or $(SHELL_NAME),bash)

$(APP): pyproject.toml
	@bash scripts/make-venv $(VENV) $(PYTHON) app
	@touch $@

$(DEV): pyproject.toml
	@bash scripts/make-venv $(VENV) $(PYTHON) check
	@touch $@ $(APP)

clean:
	rm -rf $(VENV) $(FLOORS) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
