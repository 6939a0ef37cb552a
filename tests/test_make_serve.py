"""`make serve` runs the production stack from the checkout: gunicorn with whitenoise, PostgreSQL
from DATABASE_URL, and the background worker, whose heartbeat /health/ reports."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .databases import ROOT, free_port, fresh_database


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture
def empty_database(db):
    with fresh_database("sopkinerja_serve_test") as url:
        yield url


def test_make_serve_answers_pages_static_files_and_health_with_a_live_worker(empty_database, tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "DATABASE_URL": empty_database,
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_WORKERS": "2",
        "WORKER_HEARTBEAT_INTERVAL": "1",
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        ["make", "serve", f"HOST=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body, _type = fetch(f"{base}/health/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert status == 200, (tmp_path / "serve.log").read_text()[-3000:]
        health = json.loads(body)
        assert health["checks"]["worker"]["required"] is True and health["checks"]["worker"]["ok"] is True
        status, page, _type = fetch(f"{base}/accounts/login/")
        assert status == 200 and "Masuk" in page.decode()
        status, _css, content_type = fetch(f"{base}/static/css/app.css")
        assert status == 200 and content_type.startswith("text/css")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
