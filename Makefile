# Loyalty Till — the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# System packages, installed with apt-get when running as root and missing.
# Runtime: the PC/SC daemon, the CCID reader driver, the headers pyscard builds against.
SYSDEPS      := pcscd libccid libpcsclite-dev
# The till window (Qt): what Qt's libraries link against, the X11 platform plugin's libraries, and a font
# with Vietnamese glyphs.
SYSDEPS      += libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 fonts-dejavu-core
SYSDEPS      += libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
                libxcb-render-util0 libxcb-image0
# Tests only: vsmartcard's virtual reader and card. vpcd listens on TCP on all interfaces: never on a till.
TEST_SYSDEPS := vsmartcard-vpcd vsmartcard-vpicc
# Tests only: PostgreSQL for the central service, run as a throwaway cluster (initdb/pg_ctl) on 127.0.0.1.
TEST_SYSDEPS += postgresql

.PHONY: run test explore lint typecheck bench bench-quick bench-analytics demo clean help system-deps test-system-deps translations \
	translations-update screenshots

help:
	@echo "make run    - install if needed and start the till on its embedded default"
	@echo "make test   - install what the tests need and run the whole suite"
	@echo "make bench  - store-scale benchmarks (builds the bench dataset on first use)"
	@echo "make bench-analytics - the insights refresh on 1,000,000 members beside the lifetimes package"
	@echo "make lint   - ruff, and lint-imports: the layer rules of DESIGN.md (pyproject [tool.importlinter])"
	@echo "make typecheck"
	@echo "make screenshots - render every screen of the till window to docs/screenshots (vi and en)"

# $(call install-missing,PACKAGES): apt-get install what is missing (as root), or say what to install.
define install-missing
missing=""; \
for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	echo "installing system packages:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
else \
	echo "missing system packages:$$missing - install them (as root: apt-get install$$missing)"; exit 1; \
fi
endef

# The window's translations: Qt Linguist sources (.ts) compiled to what Qt loads (.qm).
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

# The virtual environment is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,pcsc]'
	$(VENV)/bin/pyside6-lrelease -silent $(TS)
	@touch $(STAMP)

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

# After changing texts in app/ui: refresh the .ts sources (then translate the new entries).
translations-update: $(STAMP)
	$(VENV)/bin/pyside6-lupdate app/ui/*.py app/ui/desk/*.py -ts $(TS) -no-obsolete -locations none

system-deps:
	@$(call install-missing,$(SYSDEPS))

test-system-deps:
	@$(call install-missing,$(TEST_SYSDEPS))

# The till's own modules compiled to bytecode ahead of the start (pip does it for what it installs; a
# process told not to write bytecode would otherwise compile every module at every start).
BYTECODE := app loyalty devices sync central

run: $(STAMP) $(QM)
	@$(PY) -m compileall -q $(BYTECODE) >/dev/null
	$(PY) -m app run

# Every screen of the window, offscreen, in Vietnamese and English: docs/screenshots/<screen>_vi.png, _en.png.
screenshots: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m app.ui.screenshots docs/screenshots

# The suite runs on every core (pytest-xdist, up to 4 workers): each worker has its own pcscd rig, PostgreSQL
# cluster, centrals and Qt, so no test shares a daemon or a port with another.
test: $(STAMP) $(QM) test-system-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider --numprocesses auto --maxprocesses 4

# The hypothesis properties with fresh random examples, many more than `make test` draws: run before landing
# rule changes; a failure it finds becomes an explicit @example in the property that caught it.
explore: $(STAMP)
	LOYALTY_HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -p no:cacheprovider -m "not slow" tests/loyalty tests/services tests/central tests/sync

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(PY) -m mypy

# The analytics benchmark's baseline, the lifetimes package, in a virtual environment of its own: it is never a
# dependency of the till. Where it does not install, the benchmark says so and compares with the textbook
# likelihood instead.
BASELINE_VENV := bench/.data/baseline-venv
$(BASELINE_VENV)/.installed:
	$(PYTHON) -m venv $(BASELINE_VENV)
	$(BASELINE_VENV)/bin/python -m pip install --quiet 'lifetimes==0.11.3' || \
		echo "lifetimes did not install: the analytics benchmark compares with the textbook likelihood"
	@touch $@

bench: $(STAMP) $(QM) $(BASELINE_VENV)/.installed test-system-deps
	$(PY) -m bench
	QT_QPA_PLATFORM=offscreen $(PY) -m bench window
	$(PY) -m bench desk
	$(PY) -m bench sync

bench-analytics: $(STAMP) $(BASELINE_VENV)/.installed
	$(PY) -m bench analytics

bench-quick: $(STAMP) $(QM) test-system-deps
	$(PY) -m bench --members 20000 --entries 200000
	QT_QPA_PLATFORM=offscreen $(PY) -m bench window --members 20000 --entries 200000 --samples 200 --cold 3
	$(PY) -m bench desk --members 20000 --entries 200000
	$(PY) -m bench sync --members 20000 --entries 10000 --tills 10 --till-entries 500 --pull-budget 120

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
