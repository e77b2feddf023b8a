# Every target uses the project's own virtual environment in .venv/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: `make run` installs only what the app needs; `make test` adds the test tools.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SCREENSHOTS_DIR ?= $(CURDIR)/.screen-audit
DATA_DIR ?=
DEMO_DIR ?= $(CURDIR)/.demo-store
DATA_ARG := $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

.PHONY: run test demo lint bench install screenshots audit clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(TEST_STAMP)

install: $(TEST_STAMP)

run: $(STAMP)
	$(PY) -m safespace_desk $(DATA_ARG)

# One process for the whole suite. (The screen audit ran in three for a while: PySide crashed when
# the casework audit was followed by the matrix. Its windows outlived the test that had reset the
# theme under them, and were deleted in the middle of the next one; tests/ui/conftest.py now deletes
# every UI test's windows at its teardown. The audit also fails on PySide wrappers of deleted layout
# items, another way to corrupt memory: see tests/ui/layout_items.py.)
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The screen audit (tests/ui/audit/) saves a PNG of every screen it checks; this runs it and copies
# those pictures into docs/screenshots/ (one process, as `make test`).
screenshots: $(TEST_STAMP)
	rm -rf "$(SCREENSHOTS_DIR)"
	QT_QPA_PLATFORM=offscreen SAFESPACE_AUDIT_DIR="$(SCREENSHOTS_DIR)" $(PY) -m pytest -q tests/ui/audit
	$(PY) -m tests.ui.audit.publish "$(SCREENSHOTS_DIR)" docs/screenshots

# The screen audit alone (part of make test too): every role, day and night colours, normal and large text.
audit: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/ui/audit

demo: $(STAMP)
	@if [ ! -f "$(DEMO_DIR)/store.db" ]; then \
		$(PY) -m safespace_desk --data-dir "$(DEMO_DIR)" demo --years 1 --scale 1; \
	else \
		echo "Using the existing demo store in $(DEMO_DIR) (delete it to make a new one)."; \
		echo "Demo sign-in: Demo Manager / demo-manager-password (others: see README.md)"; \
	fi
	$(PY) -m safespace_desk --data-dir "$(DEMO_DIR)"

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Every bench/*.py is a benchmark except common.py (shared helpers). The first run builds the
# bench-scale demo store into bench/.data/ (a few minutes); later runs reuse it.
# Run it on a quiet machine (`uptime`: a load well under the number of cores): the budgets are wall
# clock, and a machine busy with other work stretches every figure (three times and more at a load of
# 8 on 2 cores). On a shared machine read the ratios to a baseline measured in the same run and the
# processor-time lines (*_cpu_*), and write the load next to any figure you quote.
BENCH_SCRIPTS := $(filter-out bench/common.py,$(wildcard bench/*.py))

bench: $(TEST_STAMP)
	@for script in $(BENCH_SCRIPTS); do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
