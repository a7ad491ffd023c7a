# Two commands a new user needs: `make site` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/python build.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# pytest exits 5 when it collected no tests; that is not a failure of the code under test.
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected"; exit 0; fi; exit $$rc

# sitegen against Hugo (Debian package) and Pelican (PyPI, in bench/.peers/), installed when
# missing; writes docs/benchmarks.md. BENCH_ARGS="--sizes 1000 --sitegen-sizes ''" for a quick run.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf _site .pytest_cache .mypy_cache .ruff_cache
