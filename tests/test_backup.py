"""`make backup` and `make restore` round-trip an installation: every table's rows, every upload and
every signed document come back identical in a fresh database and media folder."""

import hashlib
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest

from reports.documents.signing import DEMO_PASSPHRASE

from .databases import ROOT, app_environment, connect, fresh_database, install_demo, manage


def make(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def state_of(url: str, media: Path) -> dict:
    """What must survive: rows per table, upload hashes, signed documents' hashes, read independently."""
    with connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT token::text, sha256, pdf FROM reports_signeddocument ORDER BY id")
        signed = [(token, stored, hashlib.sha256(bytes(pdf)).hexdigest()) for token, stored, pdf in cursor.fetchall()]
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }
    return {"counts": counts, "signed": signed, "files": files}


@pytest.mark.django_db
def test_a_backup_restores_every_row_upload_and_signed_document_into_a_fresh_installation(tmp_path):
    source_media, target_media = tmp_path / "media-source", tmp_path / "media-target"
    archive = tmp_path / "backup.tar"
    with fresh_database("sopkinerja_backup_source") as source, fresh_database("sopkinerja_backup_target") as target:
        env = app_environment(source, source_media)
        install_demo(env)
        signing = {**env, "SOPKINERJA_SIGNING_PASSPHRASE": DEMO_PASSPHRASE}
        manage(
            signing,
            "render_pdf",
            "report",
            "--agency",
            "balangan",
            "--period",
            "2026-TW1",
            "--sign",
            "-o",
            str(tmp_path / "tw1.pdf"),
        )
        upload = source_media / "evidence" / "balangan" / "bukti.pdf"
        upload.parent.mkdir(parents=True)
        upload.write_bytes(b"%PDF-1.7 bukti dukung\n" * 100)
        before = state_of(source, source_media)
        assert before["signed"] and before["files"] and before["counts"]["reports_realisation"] > 0

        done = make(env, "backup", f"BACKUP={archive}")
        assert done.returncode == 0, done.stderr[-3000:]
        assert {"manifest.json", "database.dump", "media/evidence/balangan/bukti.pdf"} <= set(
            tarfile.open(archive).getnames()
        )

        done = make(app_environment(target, target_media), "restore", f"BACKUP={archive}")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "every row count, file and signed document matches the backup" in done.stdout
        after = state_of(target, target_media)
    assert after == before
    assert all(stored == computed for _token, stored, computed in after["signed"])


def test_restore_without_a_backup_named_says_how(tmp_path):
    done = make({**os.environ}, "restore")
    assert done.returncode != 0 and "make restore BACKUP=" in done.stdout


def test_a_restore_that_does_not_match_its_manifest_names_the_difference():
    from sopkinerja.backup import compare

    expected = {"tables": {"workflow_run": 12}, "media": {"a.pdf": "aa"}, "signed_documents": {}}
    actual = {"tables": {"workflow_run": 11, "new_table": 0}, "media": {}, "signed_documents": {}}
    differences = compare(expected, actual).differences
    assert differences == [
        "tables: workflow_run: 12 in the backup, 11 now",
        "media: a.pdf: 'aa' in the backup, None now",
    ]


def test_a_restore_on_sqlite_keeps_nothing_the_running_app_had_written_after_the_backup(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = app_environment(f"sqlite:///{database}", tmp_path / "media")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "backup", "-o", str(tmp_path / "backup.tar"))
    # The running app (WAL mode) writes after the backup; its pages wait in db.sqlite3-wal.
    running = sqlite3.connect(database, isolation_level=None)
    running.execute("PRAGMA wal_autocheckpoint=0")
    running.execute("INSERT INTO auth_group (name) VALUES ('written after the backup')")
    assert Path(f"{database}-wal").stat().st_size > 0
    try:
        manage(env, "restore", "--yes", str(tmp_path / "backup.tar"))
        assert running.execute("SELECT COUNT(*) FROM auth_group").fetchone() == (0,)
        assert running.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        running.close()
