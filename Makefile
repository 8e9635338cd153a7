# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/dealtrail: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

.PHONY: serve test demo bench
serve: $(BIN)/dealtrail
	$(BIN)/dealtrail serve

demo: $(BIN)/dealtrail
	$(BIN)/dealtrail demo

# The whole suite: domain tests once; store tests on memory, SQLite and PostgreSQL.
test: $(BIN)/dealtrail
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks as ratios against baselines measured in the same run (bench/run.py).
bench: $(BIN)/dealtrail
	$(BIN)/python -m bench.run
