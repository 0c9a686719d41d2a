# Journey Lens: `make run` starts the app on sample data, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-slow bench browser sample clean

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

# Browser tests drive Debian's Chromium; install it when we can, say what to install when we can't.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium'."; \
	  fi; \
	fi

test: $(VENV)/.test-deps browser
	$(BIN)/python -m pytest -q

test-slow: $(VENV)/.test-deps browser
	$(BIN)/python -m pytest -q -m slow --run-slow

bench: $(VENV)/.test-deps
	$(BIN)/python -m tests.bench

sample: $(VENV)/.run-deps
	$(BIN)/python -m cxlib.sample data

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
