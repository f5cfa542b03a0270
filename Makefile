# The two commands a new user types: `make run` and `make test`.
# The fastest build of the lowest Python 3.11+ here (tools/pick_python.py says why builds
# differ); PYTHON=… overrides. Run only when .venv is made.
PYTHON ?= $(shell (python3 tools/pick_python.py || python3.11 tools/pick_python.py) 2>/dev/null \
	|| command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install catalogs run test lint locales bench clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

# Each language's messages.mo beside its .po, which the app reads (else it compiles the .po
# in memory, 3.3 MiB more in each worker per language).
catalogs: install
	$(BIN)/python -m shop.i18n_tools compile

# The demo offers VietQR transfers to a made-up office account (set your own to change it).
run: export OCOP_BANK_BIN ?= 970405
run: export OCOP_BANK_ACCOUNT_NUMBER ?= 1234567890123
run: export OCOP_BANK_ACCOUNT_NAME ?= SO CONG THUONG DEMO
run: export OCOP_OFFICE_EMAIL ?= ocop-office@demo.local
run: catalogs
	$(BIN)/ocop db upgrade
	$(BIN)/ocop demo load
	$(BIN)/ocop serve

test: install
	$(BIN)/python -m pytest -n 2

lint: install
	$(BIN)/ruff check shop admin tests bench migrations tools
	$(BIN)/mypy

# Re-extract UI strings and merge them into every catalog (then translate the new entries).
locales: install
	$(BIN)/python -m shop.i18n_tools update

bench: install
	$(BIN)/python bench/catalog.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
