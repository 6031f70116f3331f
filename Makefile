# Two commands: `make run` serves the portal with demo data on SQLite,
# `make test` runs the whole suite. Both install what is missing first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Debian packages: gettext compiles the translations, fonts-liberation2 gives the
# PDFs a Times-metric serif with every Vietnamese glyph; the test suite also needs
# a browser for its end-to-end tests and poppler for reading PDFs.
APT_RUN := gettext fonts-liberation2 libharfbuzz-subset0
APT_TEST := $(APT_RUN) chromium poppler-utils zbar-tools

.PHONY: run test test-only lint messages sysdeps-run sysdeps-test clean bench fuzz

# The demo signs its published documents with a throw-away CA (var/demo-ca,
# not in git; docs/deploy.md says how production signs).
DEMO_CA := var/demo-ca
DEMO_SIGNING := SIGNING_PKCS12_FILE=$(DEMO_CA)/signer.p12 SIGNING_PKCS12_PASSWORD=demo \
	SIGNING_TRUST_ROOTS=$(DEMO_CA)/ca.pem

run: sysdeps-run $(VENV)/.runtime messages
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py make_demo_ca --out $(DEMO_CA) --password demo
	DEBUG=true $(DEMO_SIGNING) $(PY) manage.py load_demo
	@DEBUG=true $(PY) manage.py mail_destination
	@# The task worker (mail, reminders) runs beside the server and stops with
	@# it, whether the server ends by Ctrl-C, a signal or an error.
	DEBUG=true $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true $(DEMO_SIGNING) $(PY) manage.py runserver $(HOST):$(PORT)

test: sysdeps-test $(VENV)/.dev messages test-only

test-only:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages:
	DEBUG=true $(PY) manage.py compilemessages --ignore=$(VENV) -v0

# Install only what is missing, so a machine set up once is not touched again.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
	  | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

sysdeps-run:
	$(call apt_install,$(APT_RUN))

sysdeps-test:
	$(call apt_install,$(APT_TEST))

$(VENV)/bin/python:
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Benchmarks (bench/README.md): page queries and latency on the demo and the
# scale data, PDF, import, and a gunicorn load on a throw-away PostgreSQL.
# BENCH_ARGS=--quick for a shorter run.
BENCH_ARGS ?=
bench: sysdeps-run $(VENV)/.dev messages
	@ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	bench/run $(BENCH_ARGS)

# The property-based tests (tests/fuzz) at length: FUZZ_EXAMPLES examples per
# test (default 1000) from a new random seed each run, where `make test` runs a
# bounded, fixed set. A failure prints the @reproduce_failure line to replay it.
FUZZ_EXAMPLES ?= 1000
fuzz: sysdeps-run $(VENV)/.dev messages
	FUZZ_PROFILE=long FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q tests/fuzz $(PYTEST_ARGS)
