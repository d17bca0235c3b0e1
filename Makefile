# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed

.PHONY: demo test install browser bench bench-align clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=23"

# Third-party packages, pinned; torch first so nothing can pull a CUDA build.
$(DEPS): $(BIN)/python constraints.txt setup.cfg
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt ".[test]"
	touch $(DEPS)

# The package itself, rebuilt from the working tree every time (a real, non-editable install).
install: $(DEPS)
	$(BIN)/pip install -q --no-deps --force-reinstall .

demo: install
	$(BIN)/policytrace extract corpus --out extracted
	$(BIN)/policytrace compare extracted
	$(BIN)/policytrace report extracted --html extracted/report.html

# The report is tested in real headless Chromium (Debian's chromium + chromium-driver).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

test: install browser
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/throughput.py

bench-align: install
	$(BIN)/python bench/align.py

clean:
	rm -rf $(VENV) build *.egg-info
