# Loyalty Till — the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# System packages: the PC/SC daemon and headers (pyscard builds against them), and the virtual reader and
# card used by the tests. Installed with apt-get when running as root and missing.
SYSDEPS := pcscd libpcsclite-dev vsmartcard-vpcd vsmartcard-vpicc

.PHONY: run test lint typecheck bench bench-quick demo clean help system-deps

help:
	@echo "make run    - install if needed and start the till on its embedded default"
	@echo "make test   - install what the tests need and run the whole suite"
	@echo "make bench  - store-scale benchmarks (builds the bench dataset on first use)"
	@echo "make lint / make typecheck"

# The virtual environment is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,pcsc]'
	@touch $(STAMP)

system-deps:
	@missing=""; \
	for p in $(SYSDEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing system packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing system packages:$$missing — install them (as root: apt-get install$$missing)"; exit 1; \
	fi

run: $(STAMP)
	$(PY) -m app run

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m bench

bench-quick: $(STAMP)
	$(PY) -m bench --members 20000 --entries 200000

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
