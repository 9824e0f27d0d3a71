# Set-up and the two main commands. `make demo` runs the demo scenario end to end;
# `make test` runs the whole test suite. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/darkcargo/web/vendor

.PHONY: setup setup-browser demo test lint bench dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

.setup-stamp-py: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

.setup-stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser and geography assets are copied from node_modules into the package under versioned
# names so the package serves them itself (no CDN at run time).
$(VENDOR)/.stamp: .setup-stamp-npm scripts/vendor_assets.py | $(BIN)/python
	$(BIN)/python scripts/vendor_assets.py node_modules $(VENDOR)
	touch $@

# The NMEA kernels compiled ahead of time (numba pycc) beside their source: an ingest then
# does not load numba (src/darkcargo/ais/_nmea_build.py). Without them the JIT kernels serve.
KERNEL_SOURCES := $(addprefix src/darkcargo/ais/,_nmea_kernel.py _nmea_codes.py _nmea_build.py)
.kernels-stamp: $(KERNEL_SOURCES) .setup-stamp-py
	@$(BIN)/python -m darkcargo.ais._nmea_build || \
	  echo "warning: NMEA kernels not compiled ahead of time (no C compiler?); numba's JIT serves"
	touch $@

# Bytecode of the package's own modules, as pip writes it for an installed wheel: without it an
# editable checkout compiles them in every process where PYTHONDONTWRITEBYTECODE is set (40 ms
# of each command's start-up). compileall redoes only the files changed since.
setup: .setup-stamp-py $(VENDOR)/.stamp .kernels-stamp
	@$(BIN)/python -m compileall -q src/darkcargo

# Debian's chromium drives the page tests (Playwright uses it; it never downloads a browser).
setup-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests will skip)"; fi; \
	fi

demo: setup
	$(BIN)/darkcargo demo

test: setup setup-browser
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# A wheel and a source archive in dist/, both carrying the vendored browser and geography assets:
# `pip install dist/darkcargo-*.whl` then works on a machine without npm (the wheel is built from
# the archive, which proves the archive complete). Built with the venv's own setuptools (no
# download); see "Install from a wheel" in the README.
dist: setup
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	@ls -l dist

# The benchmarks' peers (MovingPandas with GeoPandas, pyais, pandas) come with the bench extra.
bench: setup
	$(BIN)/pip install -q -e '.[dev,bench]'
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules .setup-stamp-* .kernels-stamp $(VENDOR) darkcargo-demo dist build
	rm -f src/darkcargo/ais/_nmea_native*.so
