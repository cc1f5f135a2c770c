# The README's two commands. Needs only Python 3.11+ with pip and venv.
#   make report   set up .venv and run the whole report on the built-in demo data
#   make test     set up .venv with the test extras and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: report test lint setup clean browser

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "partnermap needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (partnermap)" >/dev/null
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e ".[test]"
	touch $@

setup: $(VENV)/.installed

# Prints the path of the report's index.html (progress goes to stderr).
report: $(VENV)/.installed
	$(BIN)/partnermap report -o reports/

# The browser tests drive Debian's Chromium; install it when it is missing (needs root, as in CI).
# Without root (or network) the install fails: the browser tests then skip, except under CI=true.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) \
		|| echo "Chromium could not be installed: the browser tests will be skipped (they fail under CI=true)"

# The house style, held by tools (docs/architecture.md): lint, public docstrings, import layers.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/numpydoc lint $$(find src/partnermap -name '*.py' | sort)
	$(BIN)/lint-imports --no-cache

# One worker per core (pytest-xdist), each test file on one worker (its module fixtures run once).
test: lint browser
	$(BIN)/python -m pytest --hypothesis-profile=ci -n auto --dist loadfile

clean:
	rm -rf $(VENV) reports/*-demo reports/*-demo.failed build src/*.egg-info
