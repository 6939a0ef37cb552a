"""The embedded SQLite database (`make run`) under ten people writing at once: every action is done
or refused for a reason in domain words, never "database is locked", and nothing is lost.

The suite runs on PostgreSQL, so the load runs in a process of its own on an SQLite file
(tests/sqlite_load.py) with the settings `make run` uses. Without WAL, `BEGIN IMMEDIATE` and the
busy timeout, eight or nine of the ten actions failed with "database is locked" (issue 15).
"""

import json
import subprocess
import sys

from .databases import ROOT, app_environment


def run_the_load(tmp_path) -> dict:
    env = {
        **app_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "media"),
        "SIGNING_KEY_FILE": str(tmp_path / "keys" / "{username}.p12"),
        "SIGNING_TRUST_ROOTS": str(tmp_path / "keys" / "demo-ca.pem"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_load"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ten_people_approving_submitting_and_signing_at_once_on_sqlite_lose_nothing(tmp_path):
    load = run_the_load(tmp_path)
    database = load["database"]
    assert (database["vendor"], database["journal_mode"], database["transaction_mode"]) == (
        "sqlite",
        "wal",
        "IMMEDIATE",
    )
    assert database["busy_timeout_ms"] == 20000 and database["synchronous"] == 1  # NORMAL
    assert database["select_for_update_rows"] > 0  # accepted (and ignored) inside a transaction

    failures = [outcome for outcome in load["outcomes"] if outcome["result"] not in {"done", "refused"}]
    assert not failures, f"actions failed instead of waiting their turn: {failures}"
    refusals = sorted(outcome["reason"] for outcome in load["outcomes"] if outcome["result"] == "refused")
    assert refusals == ["Langkah 1 sudah disampaikan dan menunggu persetujuan.", "Langkah 1 sudah disetujui."]

    counts = load["counts"]
    assert (counts["approvals"], counts["approved"]) == (1, "approved")
    assert (counts["submissions"], counts["submitted"]) == (1, "submitted")
    assert counts["figures"] == ["103.0000"] * 3  # every correction of every figure was kept, the last one last
    assert counts["signed_documents"] == 3 and counts["signed_requests"] == 2
