# The few commands people type. Everything runs from a local virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# `make run` serves the site as production does, DEBUG off (the site's own error pages, hashed static
# files), but over plain HTTP on this machine, with uploaded images served by Django and a secret key
# made once and kept in .secret_key (git ignores it).
RUN_ENV = DEBUG=0 SECRET_KEY="$$(cat .secret_key)" ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost \
	SITE_URL=http://$(HOST):$(PORT) SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 BEHIND_TLS_PROXY=0 \
	SECURE_HSTS_SECONDS=0 SERVE_MEDIA=1

.secret_key: | $(BIN)/python
	@umask 077; $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

## run: set up and serve the site with demo content on SQLite at http://127.0.0.1:8000,
## with the worker that sends its emails beside it; Ctrl-C stops both, and so does either one stopping
run: install .secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(RUN_ENV) STAFF_TWO_FACTOR=0 GUNICORN_BIND=$(HOST):$(PORT) GUNICORN_WORKERS=2 $(BIN)/gunicorn -c gunicorn.conf.py ibdmovement.wsgi & web=$$!; \
	trap 'exit 130' INT TERM; \
	trap 'kill $$worker $$web 2>/dev/null; wait' EXIT; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$web 2>/dev/null; do sleep 1; done; \
	echo "Stopping the web server and the worker."; exit 1

## test: set up and run lint and the whole test suite (SQLite unless DATABASE_URL is set)
test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium; install it when we can (as root),
# or say why they will be skipped.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get install -y -q chromium >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) || \
	      echo "Could not install chromium: browser tests will be skipped."; \
	  else \
	    echo "No /usr/bin/chromium and not root: browser tests will be skipped (apt-get install chromium)."; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .secret_key

## bench: measure the site in production mode over a large dataset, on a throwaway SQLite database;
## BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432/postgres" for PostgreSQL (see docs/performance.md)
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
