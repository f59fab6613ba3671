# Actionplan: `make run` serves the demo on http://127.0.0.1:$(PORT); `make test` runs the suite.
# Both set up .venv from the system python3 first. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# Development defaults; production sets these in its own environment (see README).
export DJANGO_DEBUG ?= 1

.PHONY: run test test-only lint format migrate demo install system-deps check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) system-deps

# Debian packages the product needs at run time: Pango for WeasyPrint's PDFs.
system-deps:
	@if ! ldconfig -p | grep -q libpango-1.0; then \
		echo "Installing Pango for PDF output (needs root and apt)..."; \
		apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install test-only

test-only:
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles
