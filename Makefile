# Agent Console — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml clients/python/pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test install migrate seed lint format bench fuzz openapi clean

$(STAMP): pyproject.toml clients/python/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" -e ./clients/python
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: install, migrate, load demo data, start a job worker and a demo runtime
## following the change stream, and serve http://$(HOST):$(PORT) (SQLite by
## default); Ctrl+C stops them all
run: seed
	@echo "Agent Console: http://$(HOST):$(PORT)/  (login printed above)"
	@trap 'kill $$worker $$runtime 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py worker --no-reload & worker=$$!; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_runtime --url http://$(HOST):$(PORT) > /dev/null 2>&1 & runtime=$$!; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make worker: run background jobs (eval runs) on their own, e.g. beside gunicorn
worker: migrate
	$(BIN)/python manage.py worker

## make test: the whole suite (DATABASE_URL picks the database; SQLite by default)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make lint: ruff, and import-linter's contracts (layers point down, the domain is pure)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make fuzz: hostile input for minutes (schemathesis, all phases and checks; console forms)
fuzz: install
	$(BIN)/python -m fuzz $(FUZZ_MINUTES)

## make openapi: write the served OpenAPI document to tests/fixtures/openapi.json
openapi: install
	$(BIN)/python -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'console.settings'); django.setup(); from django.test import Client; open('tests/fixtures/openapi.json', 'wb').write(Client(HTTP_HOST='127.0.0.1').get('/api/v1/openapi.json').content)"

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
