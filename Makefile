# The archive's everyday commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://root@127.0.0.1:5432/archive
PYTEST_WORKERS ?= 2

# The first Python 3.12+ on this machine: pyenv's 3.13 (see .python-version), then others.
FIND_PYTHON := for c in python3.13 python3.12 python3 python; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done

.PHONY: help install browser-tools rum run serve test test-sqlite test-postgres postgres check clean screenshots

help:
	@echo "make install   create .venv (Python 3.12+) with the archive and its test tools"
	@echo "make run       set up a SQLite archive with the demo data and serve it at http://127.0.0.1:8000"
	@echo "make serve     serve the archive for real: collectstatic, then gunicorn (gunicorn.conf.py), debug off"
	@echo "make test      the whole test suite on SQLite, then on PostgreSQL"
	@echo "make postgres  start the local PostgreSQL server if it is down"
	@echo "make screenshots  PNGs of every page type, phone and desktop width, in docs/screenshots/"

install: $(VENV)/.installed browser-tools rum node_modules/.package-lock.json

# The browser tests drive Debian's Chromium (never a downloaded one); the Nu Html Checker
# needs Java. Installed with apt when missing and we may; otherwise those tests skip.
browser-tools:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo "Installing$$missing for the browser and HTML tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing$$missing (needs root and apt-get): the browser or HTML tests will skip." >&2; \
		fi; \
	fi

# Search ranks broad queries with a RUM index on PostgreSQL (the search migration makes it
# when the extension is there). Debian packages it per server version: postgresql-<major>-rum.
# Installed with apt when the local server lacks it and we may; otherwise search works without.
rum:
	@ver=$$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1); \
	[ -n "$$ver" ] || ver=$$(pg_config --version 2>/dev/null | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p'); \
	if [ -z "$$ver" ]; then \
		echo "No local PostgreSQL: search on it will run without RUM (slower ranking)." >&2; \
	elif [ -f /usr/share/postgresql/$$ver/extension/rum.control ]; then \
		:; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing postgresql-$$ver-rum for search ranking"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-$$ver-rum >/dev/null; } \
		|| echo "Could not install postgresql-$$ver-rum: search will run without RUM (slower ranking)." >&2; \
	else \
		echo "Missing postgresql-$$ver-rum (needs root and apt-get): search will run without RUM (slower ranking)." >&2; \
	fi

# axe-core and the Nu Html Checker, pinned in package-lock.json.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the browser and HTML tests will skip." >&2; \
	fi

$(VENV)/.installed: pyproject.toml
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then \
		echo "No Python 3.12 or newer found (Django 6 needs it)." >&2; \
		echo "Install one (e.g. 'pyenv install 3.13'), or put python3.13 on PATH, then run make install again." >&2; \
		exit 1; \
	fi; \
	echo "Using $$python ($$($$python --version))"; \
	$$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo
	@echo "The archive is at http://127.0.0.1:8000/  (editors: http://127.0.0.1:8000/admin/)"
	@echo "Make an admin user with: DJANGO_DEBUG=1 $(PY) manage.py createsuperuser"
	@echo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The archive as production runs it: debug off, hashed static files, gunicorn with
# gunicorn.conf.py (GUNICORN_BIND, WEB_CONCURRENCY override it). DATABASE_URL as the settings
# read it (the SQLite file by default); without SECRET_KEY a throwaway one is made for this run.
serve: install
	@if [ -z "$${SECRET_KEY:-}" ]; then \
		echo "make serve: SECRET_KEY is not set; using a throwaway key for this run only" \
			"(sessions and signed links end with it). Set SECRET_KEY in production." >&2; \
		export SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	fi; \
	export DJANGO_DEBUG=0; \
	$(PY) manage.py collectstatic --no-input -v 0 && \
	{ $(PY) manage.py migrate --check >/dev/null || \
		echo "make serve: the database is not migrated or not reachable (manage.py migrate sets it up; make run makes a demo one)." >&2; } && \
	echo "Serving at http://$${GUNICORN_BIND:-127.0.0.1:8000}/ (Ctrl-C stops)" && \
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py

test: install test-sqlite test-postgres

# PostgreSQL is started before the SQLite run too: the tsquery compiler's tests talk to it
# directly whatever database Django uses, and would otherwise skip.
test-sqlite: install postgres
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(PY) -m pytest -q -n $(PYTEST_WORKERS)

test-postgres: install postgres
	@echo "== tests on PostgreSQL"
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -n $(PYTEST_WORKERS)

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start; \
		for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
		pg_isready -h 127.0.0.1 -p 5432; }

# Every page type at 360 px and 1280 px, from the demo archive served by a live server.
screenshots: install
	SCREENSHOTS=docs/screenshots env -u DATABASE_URL $(PY) -m pytest -q -p no:xdist -p no:randomly tests/browser/screenshots.py

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
