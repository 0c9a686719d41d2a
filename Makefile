# Journey Lens: `make run` starts the app on sample data, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-slow snapshots bench bench-upload bench-large load profile-pages profile-session browser sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-deps
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Browser tests and chart images drive Debian's Chromium; PDFs need DejaVu (and a CJK fallback
# font so Chinese names render). Install them when we can, say what to install when we can't.
DEBS := chromium fonts-dejavu-core fonts-droid-fallback
browser:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing="$$missing fonts-droid-fallback"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages for the browser tests:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; \
	  else \
	    echo "Browser tests need Debian packages:$$missing — run 'sudo apt-get install$$missing'."; \
	  fi; \
	fi

# Two pytest runs: the library and page tests on TEST_WORKERS processes (each test module stays on
# one worker, so its module fixtures run once), then the browser tests alone (one server, one
# Chromium). Both always run; make fails if either did.
TEST_WORKERS ?= 2
test: $(VENV)/.test-deps browser
	@$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadscope -m "not browser"; lib=$$?; \
	$(BIN)/python -m pytest -q -m browser; web=$$?; \
	echo "make test: library and pages exit $$lib, browser exit $$web"; \
	exit $$(( lib || web ))

test-slow: $(VENV)/.test-deps browser
	$(BIN)/python -m pytest -q -m slow --run-slow

# Rewrite tests/snapshots/*.sql from the SQL each metric sends now; review the diff, then commit it.
snapshots: $(VENV)/.test-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_sql_snapshots.py --snapshot-update

# ClickHouse (chdb) is the bench's peer: installed only for the bench targets (it is large).
$(VENV)/.bench-deps: requirements.txt requirements-dev.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-bench.txt
	touch $@

# Benchmarks (see README "Benchmarks"); each appends its run to bench-results/bench.json.
bench: $(VENV)/.bench-deps
	$(BIN)/python -m tests.bench

bench-upload: $(VENV)/.test-deps browser
	$(BIN)/python -m tests.bench_upload

bench-large: $(VENV)/.test-deps
	$(BIN)/python -m tests.bench.large

load: $(VENV)/.test-deps browser
	$(BIN)/python -m tests.load

# Server CPU per page, cold and warm, split into queries / figures / serialisation (README, "Page cost").
profile-pages: $(VENV)/.test-deps browser
	$(BIN)/python -m tests.profile_pages

# One upload session's server CPU without a browser: load + mapping, then every page's first visit.
profile-session: $(VENV)/.test-deps
	$(BIN)/python -m tests.profile_session

# Writes the sample company's files and data/sample_workspace.zip (the prepared sample the app opens).
sample: $(VENV)/.run-deps
	$(BIN)/python -m cxlib.sample data

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
