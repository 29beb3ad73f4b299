# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8765
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; JOBS=0 runs in this process.
JOBS   ?= auto
XDIST  := -n $(JOBS) --dist loadfile --no-loadscope-reorder  # see tests/conftest.py
FAST   := not slow and not browser and not integration

.PHONY: demo test test-fast test-py312 test-py313 format bench install clean readme-table validate chromium golden

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# Compile the kernels once for this Python (numba caches them on disk, shared by every
	@# process of this install), so the first run and every worker start at once.
	$(BIN)/python -m sim.precompile
	touch $(STAMP)

install: $(STAMP)

## demo: set everything up and start the dashboard on http://127.0.0.1:$(PORT)/
demo: $(STAMP)
	$(BIN)/servicechain dashboard --port $(PORT)

## chromium: Debian's chromium for the browser tests (never `playwright install`)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium \
	    || { echo "error: could not install chromium; run: apt-get install chromium" >&2; exit 1; }; \
	fi

## test: set everything up, lint, and run the whole test suite on every core
test: $(STAMP) chromium
	$(BIN)/ruff check sim dashboards tests benchmarks
	$(BIN)/ruff format --check sim dashboards tests benchmarks
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## test-fast: the inner loop, about 4 minutes on 2 cores: the unit, property, kernel, golden and
## direction tests (no lint; leaves the slow, browser and integration tests to `make test`)
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "$(FAST)" $(PYTEST_ARGS)

## test-py312: what a new interpreter or library can change, again on Python 3.12 with the newest
## Mesa 3.x, EMA Workbench and Solara, their deprecation warnings as errors: the compiled kernels
## against their NumPy reference, the golden outputs bit for bit, the model's and the API's faces,
## Mesa's and EMA Workbench's interfaces and the dashboard's logic (about a minute on 2 cores;
## PY312=/path/to/python3.12; .ci/run finds one)
PY312 ?= python3.12
VENV312 := .venv312
PY313_TESTS := tests/test_kernels.py tests/test_golden.py tests/test_model.py \
  tests/test_mesa_conventions.py tests/test_rerun.py tests/test_hostile_input.py
PY312_TESTS := $(PY313_TESTS) tests/test_mesa_integration.py tests/test_ema.py \
  tests/test_dashboard_logic.py tests/test_params.py tests/test_scenarios.py \
  tests/test_reproducible_faces.py
$(VENV312)/.installed: pyproject.toml
	$(PY312) -m venv $(VENV312)
	$(VENV312)/bin/python -m pip install --quiet --upgrade pip
	$(VENV312)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"
	$(VENV312)/bin/python -m sim.precompile
	touch $@

test-py312: $(VENV312)/.installed
	$(VENV312)/bin/python -c "import sys, mesa; print('Python', sys.version.split()[0], 'Mesa', mesa.__version__)"
	$(VENV312)/bin/python -m pytest $(XDIST) -m "$(FAST)" -p no:cacheprovider \
	  -W error::DeprecationWarning -W error::FutureWarning $(PY312_TESTS) $(PYTEST_ARGS)

## test-py313: a third pass on Python 3.13 with the newest Mesa 3.x, deprecation warnings as
## errors: the core of test-py312 (the compiled kernels against their NumPy reference, the golden
## outputs bit for bit, the model's and the API's faces), to keep CI's time budget
## (PY313=/path/to/python3.13; .ci/run finds one when present)
PY313 ?= python3.13
VENV313 := .venv313
$(VENV313)/.installed: pyproject.toml
	$(PY313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"
	$(VENV313)/bin/python -m sim.precompile
	touch $@

test-py313: $(VENV313)/.installed
	$(VENV313)/bin/python -c "import sys, mesa; print('Python', sys.version.split()[0], 'Mesa', mesa.__version__)"
	$(VENV313)/bin/python -m pytest -m "not browser and not slow" -p no:cacheprovider \
	  -W error::DeprecationWarning -W error::FutureWarning $(PY313_TESTS) $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff format sim dashboards tests benchmarks
	$(BIN)/ruff check --fix sim dashboards tests benchmarks

## bench: run the benchmarks, print a table and write benchmarks/results/latest.json
bench: $(STAMP)
	$(BIN)/python -m benchmarks

## readme-table: regenerate the "what the model shows" table in README.md
readme-table: $(STAMP)
	$(BIN)/servicechain readme-table --write README.md

clean:
	rm -rf $(VENV) $(VENV312) $(VENV313) .pytest_cache .ruff_cache .hypothesis

## validate: check the shipped defaults against the published patterns (writes docs/VALIDATION.md)
validate: $(STAMP)
	$(BIN)/servicechain validate

## golden: regenerate tests/golden/ after an intended change of the model's results (say so in the commit)
golden: $(STAMP)
	$(BIN)/python -m tests.golden
