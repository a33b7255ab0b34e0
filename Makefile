# The two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run test setup lint format messages check-deploy bench clean prod-smoke faults

$(VENV)/.run-deps: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The HTML checker (vnu-jar, run with Java) and axe-core for the public
# pages' validity and accessibility tests; reinstalled when the lock changes.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# Catalogues are compiled only when their .po changed (as compilemessages does,
# with msgfmt --check-format), so a second `make run` skips the step.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

locale/%.mo: locale/%.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install -y gettext"; exit 1; }
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES)

setup: $(VENV)/.run-deps messages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo

run: setup
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.dev-deps node_modules/.installed messages lint
	@command -v java >/dev/null || { echo "Java is missing for the HTML checker: apt-get install -y openjdk-17-jre-headless"; exit 1; }
	@test -x /usr/bin/chromium || { echo "Chromium is missing for the browser tests: apt-get install -y chromium"; exit 1; }
	@command -v nginx >/dev/null || { echo "nginx is missing for the production smoke and proxy tests: apt-get install -y nginx-light"; exit 1; }
	$(PY) -m pytest -m "not faults" $(PYTEST_ARGS)

# The fault scenarios (tests/faults: Redis and PostgreSQL outages, a killed
# worker, a full disk, backup and restore) on real processes; about four
# minutes, so not part of `make test`. PASS/FAIL per scenario and the figures.
faults: $(VENV)/.dev-deps messages
	scripts/faults/run

check-deploy: $(VENV)/.run-deps
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DATABASE_URL=$${DATABASE_URL:-postgres://localhost/portal} \
		ALLOWED_HOSTS=berita.example.go.id $(MANAGE) check --deploy --fail-level WARNING

# The production shape booted on this machine (nginx with TLS, gunicorn,
# Celery worker and beat, PostgreSQL, Redis) and a smoke test through it;
# see scripts/prod-smoke. About a minute.
prod-smoke: $(VENV)/.dev-deps messages
	@command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx-light"; exit 1; }
	scripts/prod-smoke

bench: $(VENV)/.dev-deps
	$(PY) benchmarks/renditions.py

clean:
	rm -rf $(VENV) db.sqlite3 media private_media staticfiles
