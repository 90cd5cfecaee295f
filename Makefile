PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DANGJIAN_HOME ?= $(CURDIR)/var

.PHONY: demo test test-dates install install-test system-deps lint clean

$(BIN)/dangjian: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/dangjian
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(BIN)/dangjian
install-test: $(VENV)/.test-deps

## Chromium and a CJK font from Debian's packages when missing (as root; otherwise it says what
## to run). See scripts/system-deps.
system-deps:
	sh scripts/system-deps

## Create the venv, migrate, load the demo county if empty, serve on 127.0.0.1:$(PORT).
## The demo's keys are generated once under DANGJIAN_HOME (production sets each one).
demo: export DANGJIAN_DEMO = 1
demo: $(BIN)/dangjian
	$(BIN)/dangjian migrate --noinput -v0
	$(BIN)/dangjian demo-data --if-empty
	$(BIN)/dangjian collectstatic --noinput -v0
	$(BIN)/dangjian demo-accounts
	$(BIN)/dangjian serve --port $(PORT) --worker

## Install test dependencies (Python's and the system's) and run every test
## (DATABASE_URL picks the database). The tests but the browser's run spread over the machine's
## cores (pytest-xdist; each process has its own test database); TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= auto
test: $(VENV)/.test-deps system-deps
	h=$$(mktemp -d); DANGJIAN_HOME=$$h $(BIN)/pytest -q -n $(TEST_WORKERS) -m "not browser"; \
	  rc=$$?; rm -rf $$h; exit $$rc
	h=$$(mktemp -d); DANGJIAN_HOME=$$h $(BIN)/pytest -q -m browser; rc=$$?; rm -rf $$h; exit $$rc

## The tests again on fixed days (DANGJIAN_TEST_TODAY, see conftest.py), to show they pass on any
## day of the year: by default 1 January of next year and 30 November, 1 and 31 December of this
## one, and 31 December at 17:00 UTC (a UTC machine's last evening, already 1 January in the
## county). DATE_TESTS narrows it to some paths (default: every test but the browser's and those
## that run other processes, which keep the real clock).
THIS_YEAR := $(shell date +%Y)
TEST_DATES ?= $(shell echo $$(($(THIS_YEAR) + 1)))-01-01 $(THIS_YEAR)-11-30 $(THIS_YEAR)-12-01 \
	$(THIS_YEAR)-12-31 $(THIS_YEAR)-12-31T17:00:00+00:00
DATE_TESTS ?=
test-dates: $(VENV)/.test-deps
	@set -e; for day in $(TEST_DATES); do \
	  echo "== tests on $$day"; \
	  h=$$(mktemp -d); DANGJIAN_TEST_TODAY=$$day DANGJIAN_HOME=$$h $(BIN)/pytest -q \
	    -n $(TEST_WORKERS) -m "not browser and not real_clock" $(DATE_TESTS) || { rm -rf $$h; exit 1; }; \
	  rm -rf $$h; \
	done

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy dangjian

clean:
	rm -rf $(VENV) var test-artifacts
