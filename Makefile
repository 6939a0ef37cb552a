# The few commands a person needs. `make run` and `make test` do all the set-up.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
MO     := locale/id/LC_MESSAGES/django.mo
HOST   ?= 127.0.0.1:8000

.PHONY: run serve backup restore test fuzz lint messages makemessages check bench clean browser

# Find Python >= 3.12: pyenv (reads .python-version), then python3.13, python3.12, python3.
$(PY):
	@found=""; \
	for c in "$$(pyenv which python3 2>/dev/null)" python3.13 python3.12 python3; do \
	  [ -n "$$c" ] || continue; p=$$(command -v "$$c" 2>/dev/null) || continue; \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$p; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "ERROR: SOP Kinerja needs Python 3.12 or newer (3.13 recommended)."; \
	  echo "       Install it, e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv'."; \
	  exit 1; \
	fi; \
	echo "Using $$found ($$($$found --version))"; \
	"$$found" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(MO): $(STAMP) locale/id/LC_MESSAGES/django.po locale/id/LC_MESSAGES/djangojs.po
	@command -v msgfmt >/dev/null || { echo "ERROR: msgfmt missing: apt-get install gettext"; exit 1; }
	DEBUG=1 $(PY) manage.py compilemessages --locale id --ignore .venv
	@touch $(MO)

messages: $(MO)

# A local trial: production settings (DEBUG off, the app's own error pages) over plain HTTP on
# 127.0.0.1, a secret key made once in var/, mail printed to the console, the demo CA trusted, and the
# second factor optional for the demo logins (OTP_REQUIRED=1 make run asks for it as production does).
DEV_KEY := var/dev-secret-key
RUN_ENV  = DEBUG=$${DEBUG:-0} LOG_FORMAT=$${LOG_FORMAT:-text} HTTPS=0 HOST="$(HOST)" SECRET_KEY="$$(cat $(DEV_KEY))" WHITENOISE_USE_FINDERS=1 \
           EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
           SIGNING_TRUST_ROOTS=$(CURDIR)/var/keys/demo-ca.pem OTP_REQUIRED=$${OTP_REQUIRED:-0}

$(DEV_KEY):
	@mkdir -p var && umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(DEV_KEY)

# Serve the app on the embedded SQLite database with demo data.
run: $(MO) $(DEV_KEY)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

# The production stack on this machine: gunicorn (WEB_WORKERS processes of WEB_THREADS threads each:
# with threads, a worker busy reading a big upload leaves its other threads free for the login page;
# docs/performance.md, "Worker class") with static files through
# whitenoise, PostgreSQL from DATABASE_URL, and the background worker (documents, e-mail) beside it,
# which starts its db_worker again when it dies and re-queues what the dead one held (manage.py worker).
# Settings come from the environment (README, "Settings"); SECRET_KEY defaults to the one in var/.
WEB_WORKERS ?= 3
WEB_THREADS ?= 4
SERVE_ENV  = DEBUG=0 HTTPS=$${HTTPS:-0} HOST="$(HOST)" SECRET_KEY="$${SECRET_KEY:-$$(cat $(DEV_KEY))}" \
             TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend} \
             EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}

serve: $(MO) $(DEV_KEY)
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) \
	  echo "ERROR: make serve needs a PostgreSQL database: DATABASE_URL=postgres://user:password@host/name make serve"; \
	  exit 1;; esac
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py createcachetable
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v 0
	$(SERVE_ENV) sh -c '$(PY) manage.py worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(PY) -m gunicorn sopkinerja.wsgi --bind "$(HOST)" --workers $(WEB_WORKERS) \
	    --worker-class gthread --threads $(WEB_THREADS) --graceful-timeout 10'

# The database and the uploads in one .tar with a manifest of row counts and hashes; restore checks
# them all. Same environment as serve (DATABASE_URL, MEDIA_ROOT). Stop the app before a restore.
BACKUP ?=
backup: $(STAMP) $(DEV_KEY)
	$(SERVE_ENV) $(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: $(STAMP) $(DEV_KEY)
	@[ -n "$(BACKUP)" ] || { echo "ERROR: name the backup: make restore BACKUP=var/backups/sopkinerja-….tar"; exit 1; }
	$(SERVE_ENV) $(PY) manage.py restore --yes "$(BACKUP)"

# Browser tests drive Debian's chromium; Playwright never downloads a browser of its own.
# Signature checks use poppler's pdfsig with an NSS trust store (libnss3-tools' certutil).
# The bench (and its test) loads the pages with Debian's wrk.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v pdfsig >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v certutil >/dev/null 2>&1 || missing="$$missing libnss3-tools"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "NOTE: tests needing$$missing are skipped until installed: sudo apt-get install$$missing"; fi; \
	fi

# Whole suite on a real PostgreSQL (throwaway server unless DATABASE_URL is set).
test: $(MO) browser
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=tests.settings tests/with-postgres.sh $(PY) manage.py makemigrations --check --dry-run
	tests/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

# The fuzz tests with their big numbers (the suite runs FORM_FUZZ_EXAMPLES=25 of each), on
# PostgreSQL and then on SQLite (a temporary file, the WAL and IMMEDIATE options of `make run`).
# FUZZ_DATABASES=postgres (or sqlite) runs one of them.
FUZZ_EXAMPLES  ?= 300
FUZZ_DATABASES ?= postgres sqlite
FUZZ_TESTS     := tests/test_form_fuzz.py tests/test_import_fuzz.py tests/test_sop_fuzz.py tests/test_verification_fuzz.py tests/test_api_fuzz.py
fuzz: $(MO)
	$(if $(filter postgres,$(FUZZ_DATABASES)),FORM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) tests/with-postgres.sh $(PY) -m pytest $(FUZZ_TESTS) -q)
	$(if $(filter sqlite,$(FUZZ_DATABASES)),FORM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DJANGO_SETTINGS_MODULE=tests.settings_sqlite \
	  $(PY) -m pytest $(FUZZ_TESTS) -q)

# Speed as ratios against baselines measured in the same run: the main pages under wrk against
# gunicorn on a throwaway PostgreSQL with scale data, at 1/10 and at the reference size, then the
# PDFs against chromium (docs/performance.md). BENCH_AGENCIES, BENCH_YEARS, BENCH_SECONDS, … in
# tests/bench/run.py make it smaller. About 10 minutes at the reference size.
bench: $(MO) browser
	$(PY) tests/bench/run.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

makemessages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages --locale id --ignore .venv --no-obsolete

check: $(MO) $(DEV_KEY)
	$(RUN_ENV) $(PY) manage.py check

clean:
	rm -rf $(VENV) db.sqlite3 media
