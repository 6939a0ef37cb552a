"""A web worker killed in the middle of saving a unit's quarter leaves no half-saved rows: the
save is one transaction, and PostgreSQL drops it with the connection. Then the same save, sent
again to the worker gunicorn starts in its place, saves every row.

No hook in the code: the test holds a row lock the save needs half-way (the second indicator's),
waits until the worker's transaction has written the first row and is waiting on that lock, and
kills the worker with SIGKILL.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from .databases import ROOT, app_environment, connect, free_port, fresh_database, install_demo

DEMO_PASSWORD = "demo-sop-kinerja"


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.url.rstrip("/") == base, "sign-in failed"
    return session


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


@pytest.mark.django_db
def test_a_worker_killed_mid_save_leaves_no_half_saved_rows_and_the_retry_saves_all(tmp_path):
    with fresh_database("sopkinerja_crash_test") as url:
        env = app_environment(url, tmp_path / "media")
        install_demo(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "sopkinerja.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--timeout", "120"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        database = connect(url)
        try:
            wait_for(lambda: _answers(base), what="gunicorn")
            session = sign_in(base, "balangan.kasi-layanan")
            unit_page = wait_for(lambda: _unit_page(session, base), what="the unit's figures page")
            form = session.get(unit_page, timeout=10).text
            indicators = list(dict.fromkeys(re.findall(r'name="i(\d+)-value"', form)))
            assert len(indicators) >= 2, "the unit needs two indicators for a save to be half-done"
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
            data = {"csrfmiddlewaretoken": token}
            for n, pk in enumerate(indicators):
                data[f"i{pk}-value"] = str(1000 + n)

            def rows() -> int:
                with database.cursor() as cursor:
                    cursor.execute(
                        "SELECT COUNT(*) FROM reports_realisation "
                        "WHERE year = 2026 AND quarter = 4 AND indicator_id IN %s",
                        (tuple(int(pk) for pk in indicators),),
                    )
                    return cursor.fetchone()[0]

            assert rows() == 0
            blocker = connect(url)
            with blocker.cursor() as cursor:  # the save writes the first row, then waits for the second's lock
                cursor.execute("SELECT 1 FROM reports_indicator WHERE id = %s FOR UPDATE", (int(indicators[1]),))
            master = server.pid
            (worker,) = wait_for(lambda: worker_pids(master), what="the gunicorn worker")
            sender = subprocess.Popen(
                [sys.executable, "-c", _POST, unit_page, repr(dict(session.cookies)), repr(data)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip

            def writing_and_waiting():
                with database.cursor() as cursor:
                    cursor.execute(
                        "SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND pid <> pg_backend_pid() AND query ILIKE '%%reports_indicator%%'"
                    )
                    found = cursor.fetchone()
                    database.rollback()
                    return found is not None and found[0]

            wait_for(writing_and_waiting, what="the save to have written a row and to wait for the lock")
            os.kill(worker, signal.SIGKILL)
            sender.wait(timeout=30)
            blocker.rollback()
            blocker.close()
            assert rows() == 0  # the first row went with the killed transaction

            replacement = wait_for(lambda: [p for p in worker_pids(master) if p != worker], what="a new worker")
            assert replacement
            session = sign_in(base, "balangan.kasi-layanan")
            form = session.get(unit_page, timeout=10).text
            data["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
            answer = session.post(unit_page, data=data, headers={"Referer": unit_page}, timeout=30)
            assert answer.status_code == 200 and rows() == len(indicators)
        finally:
            database.close()
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


# The save, sent from its own process: it never gets an answer, because its worker dies.
_POST = """
import ast, sys, requests
url, cookies, data = sys.argv[1], ast.literal_eval(sys.argv[2]), ast.literal_eval(sys.argv[3])
try:
    requests.post(url, data=data, cookies=cookies, headers={"Referer": url}, timeout=60)
except requests.RequestException:
    pass
"""


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/health/?scope=web", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _unit_page(session: requests.Session, base: str) -> str:
    """The Kepala Seksi Layanan goes straight to the unit's page for TW IV 2026."""
    answer = session.get(f"{base}/data/2026-TW4/", timeout=10, allow_redirects=False)
    return f"{base}{answer.headers['Location']}" if answer.status_code == 302 else ""
