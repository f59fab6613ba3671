# Actionplan: `make run` serves the demo on http://127.0.0.1:$(PORT); `make test` runs the suite.
# Both set up .venv from the system python3 first. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# Development defaults; production sets these in its own environment (see README).
export DJANGO_DEBUG ?= 1

.PHONY: run test test-only lint format migrate demo install system-deps check clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) system-deps

# Debian packages: Pango for WeasyPrint's PDFs, Chromium for the browser tests, poppler for
# looking at PDFs. Installed with apt when missing (needs root, as on the CI machines).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 chromium poppler-utils
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# One background worker (slow reports, publishing) beside the web server; it stops with it.
run: demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install test-only

# PYTEST_ARGS: e.g. "-n 2 --dist loadfile" spreads the suite over two processes (pytest-xdist).
PYTEST_ARGS ?=
test-only:
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Backup and restore of every record and its history (docs/operations.md). BACKUP names the file.
BACKUP ?= backup-$(shell date +%Y%m%d-%H%M%S).json
.PHONY: backup restore
backup: install
	$(BIN)/python manage.py backup_plan_data -o $(BACKUP)

restore: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py restore_plan_data $(BACKUP)

clean:
	rm -rf $(VENV) staticfiles

# Rebuild the vendored front-end files (static/govuk/, tests/browser/vendor/axe.min.js)
# from frontend/package-lock.json; needs Node/npm. The built files are committed,
# so `make run` and `make test` never need Node.
.PHONY: frontend
frontend:
	bash frontend/build.sh

# Page timings and query counts at 50 and about 5,000 actions, as ratios (a throwaway database),
# then the load test. BENCH_ARGS="--neighbour" adds a small plan beside a 20,000-action one.
bench: install
	rm -f /tmp/actionplan-bench.sqlite3
	DATABASE_URL=sqlite:////tmp/actionplan-bench.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/actionplan-bench.sqlite3 $(BIN)/python manage.py bench $(BENCH_ARGS)
	$(MAKE) bench-load

# 20 clients against gunicorn with production settings on a throwaway PostgreSQL database
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres): requests/s, p50/p99
# and each page's share of a bare page's requests/s. See actionplan/loadtest.py.
.PHONY: bench-load
bench-load: install
	$(BIN)/python -m actionplan.loadtest

# Only the spreadsheet import figures of `make bench` (preview and write vs export time).
.PHONY: bench-import
bench-import: install
	$(MAKE) bench BENCH_ARGS="--only imports"
