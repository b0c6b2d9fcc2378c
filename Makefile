# Juece: `make run` serves the demo district, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test lint openapi bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## run: create .venv, install, migrate, load the demo into an empty database, serve on :8000 with a webhook worker
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) search reindex --if-empty
	@echo "Juece is serving on http://127.0.0.1:8000 — API explorer: http://127.0.0.1:8000/docs"
# One delivery worker beside gunicorn (webhooks, and the outcome notices to commenters, logged),
# stopped when gunicorn stops.
	$(FLASK) deliver & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		JUECE_WORKERS=2 $(VENV)/bin/gunicorn -c gunicorn.conf.py

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

## openapi: regenerate the committed contract from the running code
openapi: $(STAMP)
	$(FLASK) openapi write --format=json openapi/openapi.json

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
