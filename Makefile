# Two commands for a fresh clone: `make run` and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check bench browser clean

run: $(STAMP)
	$(BIN)/abri $(ARGS)

test: $(STAMP) browser check
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Byte-compile first: with PYTHONDONTWRITEBYTECODE set, start-up figures would
# otherwise include compiling every module on every run.
bench: $(STAMP) browser
	$(BIN)/python -m compileall -q tui bench >/dev/null
	$(BIN)/python -m bench $(BENCH_ARGS)

# A headless Chromium for PDF export and page capture (Playwright's own download
# does not work offline); installed from the system's packages when none is found.
browser:
	@bash scripts/ensure-browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
