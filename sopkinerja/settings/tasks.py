"""Background work: the task queue, the worker that runs it, and the documents it renders."""

import os

from .env import envfloat, envint

# Background PDF work: immediate in development and tests; in production set
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `python manage.py worker` (db_worker after
# recover_documents, supervised). The worker writes a heartbeat every WORKER_HEARTBEAT_INTERVAL seconds; /health/
# fails when the newest is older than WORKER_HEARTBEAT_STALE (only with the database queue).
WORKER_HEARTBEAT_INTERVAL = envfloat("WORKER_HEARTBEAT_INTERVAL", 15)
WORKER_HEARTBEAT_STALE = envfloat("WORKER_HEARTBEAT_STALE", 60)
# `manage.py worker` runs db_worker in a child process and starts it again when it dies: after
# WORKER_RESTART_DELAY seconds, doubling up to WORKER_RESTART_DELAY_MAX while it keeps dying young.
WORKER_RESTART_DELAY = envfloat("WORKER_RESTART_DELAY", 1)
WORKER_RESTART_DELAY_MAX = envfloat("WORKER_RESTART_DELAY_MAX", 60)
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}

# A document request still pending after this many seconds: its page stops refreshing and says what to do.
DOCUMENT_PENDING_BOUND = envint("DOCUMENT_PENDING_BOUND", 120)
# `recover_documents` (run it before and alongside db_worker) re-queues a request whose render has
# been running or waiting this long (its worker died), at most DOCUMENT_RENDER_ATTEMPTS times, then fails it.
DOCUMENT_RENDER_TIMEOUT = envint("DOCUMENT_RENDER_TIMEOUT", 600)
DOCUMENT_RENDER_ATTEMPTS = envint("DOCUMENT_RENDER_ATTEMPTS", 2)
