# The two commands of the quick start: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

RUN_DEBS  := proj-data
TEST_DEBS := proj-data postgresql nats-server chromium

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@scripts/ensure-debian $(RUN_DEBS)
	$(VENV)/bin/deconflict serve --demo --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: $(STAMP)
	@scripts/ensure-debian $(TEST_DEBS)
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q

bench: $(STAMP)
	@scripts/ensure-debian $(TEST_DEBS)
	$(PY) tests/bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
