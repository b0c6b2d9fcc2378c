# Juece: `make run` serves the demo district, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test lint lint-contract openapi translations bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## run: create .venv, install, migrate, load the demo into an empty database, serve on 127.0.0.1:$(PORT) (8000 unless PORT=…) with a webhook worker
PORT ?= 8000
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) search reindex --if-empty
	@echo "Juece is serving on http://127.0.0.1:$(PORT): the portal at /, the API at /api/v1, its explorer at /docs and reference at /redoc, the contract at /openapi.json"
# One delivery worker beside gunicorn (webhooks, and the outcome notices to commenters, logged),
# stopped when gunicorn stops.
	$(FLASK) deliver & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		JUECE_WORKERS=2 JUECE_BIND=127.0.0.1:$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py

## test: the suite on SQLite, then on PostgreSQL too when TEST_DATABASE_URL is set
test: $(STAMP)
	env -u TEST_DATABASE_URL $(PY) -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PY) -m pytest -q; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## lint-contract: redocly (pinned in package.json, from the npm registry) lints the committed contract; an error fails
lint-contract: node_modules/.installed
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint openapi/openapi.json --format=summary

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

## translations: compile the problem details' Chinese catalogue (core/translations) after editing its .po
translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d core/translations

## openapi: regenerate the committed contract from the running code
openapi: $(STAMP)
	$(FLASK) openapi write --format=json openapi/openapi.json

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
