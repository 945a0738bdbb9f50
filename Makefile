# Delaftaler: `make run` sets up and serves the app, `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Debian packages the setup needs, through sudo unless make runs as root.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run serve serve-miljoe test setup browser harfbuzz redis lint format migrate clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Det Fælles Designsystem (dkfds), axe-core og html-validate fra package-lock.json.
# html-validate 10.11 kræver Node ^20.19 eller >= 22.16 (maskinen har Node 20); Debians
# bookworm-nodejs er 18 og er for gammel til html-validate.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
		echo "Installerer Debians nodejs og npm …"; \
		$(APT_INSTALL) nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)

# The background worker (e-mail, PDFs of published versions) runs beside the server and
# stops with it; e-mails are printed in this terminal unless EMAIL_HOST is set. The daily
# reminder run is a task the worker runs; --planlaeg makes sure one is scheduled.
run: export SIDE_ADRESSE ?= http://127.0.0.1:$(PORT)
run: setup harfbuzz
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --adresse http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py send_paamindelser --planlaeg
	$(BIN)/python manage.py db_worker --no-startup-delay & WORKER=$$!; \
		trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn (config/gunicorn.py) against PostgreSQL, after migrations, the PDF
# cache table and collectstatic. DEBUG is off unless set; BIND and WEB_CONCURRENCY choose
# the address and the number of workers. See README, »Drift«.
serve: export DEBUG ?= 0
serve: serve-miljoe setup harfbuzz
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py send_paamindelser --planlaeg
	$(BIN)/python manage.py opdater_tvaers
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

serve-miljoe:
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL mangler: sæt den til produktionsdatabasen, fx postgres://bruger@host:5432/delaftaler" >&2; exit 1; }
	@test -n "$$SECRET_KEY" || { echo "SECRET_KEY mangler: sæt en lang, tilfældig nøgle, fx fra: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 1; }

# Debian's headless Chromium (the browser tests' Blink without a browser's UI around it).
browser: harfbuzz
	@test -x /usr/lib/chromium/chromium-headless-shell || { \
		echo "Installerer Debians chromium-headless-shell …"; \
		$(APT_INSTALL) chromium-headless-shell >/dev/null; }

# WeasyPrint subsets fonts with HarfBuzz-Subset (small PDFs, fast); without it WeasyPrint
# warns, and the tests treat warnings as errors.
harfbuzz:
	@ldconfig -p | grep -q libharfbuzz-subset || { \
		echo "Installerer Debians libharfbuzz-subset0 …"; \
		$(APT_INSTALL) libharfbuzz-subset0 >/dev/null; }

# tests/test_delt_cache.py starts its own redis-server (a free port, no persistence) to
# test several app servers sharing one cache (REDIS_URL).
redis:
	@command -v redis-server >/dev/null || { \
		echo "Installerer Debians redis-server …"; \
		$(APT_INSTALL) redis-server >/dev/null; }

# The tests run without the shell's REDIS_URL: they start their own Redis where they need one.
# Python keeps its bytecode (an empty PYTHONDONTWRITEBYTECODE lets it): with the variable set,
# as this machine's shell has it, every process compiles every module and pytest rewrites
# every test module, in each worker and each server a test starts (3,5 s of CPU each here).
test: export PYTHONDONTWRITEBYTECODE =
test: setup browser redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	env -u REDIS_URL $(BIN)/python -W error::DeprecationWarning -m pytest -n 2 --dist loadgroup

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles node_modules
