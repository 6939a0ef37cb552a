"""Backup and restore of a whole installation: the database (pg_dump's custom format, or a copy of
the SQLite file) and the private uploads (under MEDIA_ROOT, or in the S3 bucket with
MEDIA_STORAGE=s3: read and written through Django's storage either way), in one tar with a manifest.

The manifest holds every table's row count, every upload's SHA-256 and every signed document's
stored and computed SHA-256. `restore` checks all of them after restoring and says what differs,
so a backup that does not round-trip is found on the day it is made, not the day it is needed.
"""

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

from reports.models import SignedDocument

FORMAT = 1


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    """A PostgreSQL client tool: on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client).")
    return found


def _pg_environment() -> dict:
    """libpq's variables for the configured database (its OPTIONS included, e.g. a socket `host`)."""
    params = connection.get_connection_params()
    env = {**os.environ}
    for key, variable in (
        ("dbname", "PGDATABASE"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("sslmode", "PGSSLMODE"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def stored_files(storage=None, folder: str = ""):
    """The name of every file in the storage, folder by folder, sorted."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: MEDIA_ROOT is not even made
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for sub in sorted(folders):
        yield from stored_files(storage, f"{folder}{sub}/")


def file_hashes(storage=None) -> dict[str, str]:
    storage = storage or default_storage
    hashes = {}
    for name in stored_files(storage):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as file:
            for chunk in iter(lambda: file.read(1024 * 1024), b""):
                digest.update(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


def signed_document_hashes() -> dict[str, list]:

    return {
        str(token): [stored, hashlib.sha256(bytes(pdf)).hexdigest() if pdf is not None else None]
        for token, stored, pdf in SignedDocument.objects.order_by("pk").values_list("token", "sha256", "pdf")
    }


def manifest() -> dict:
    return {
        "format": FORMAT,
        "database": connection.vendor,
        "tables": table_counts(),
        "media": file_hashes(),
        "signed_documents": signed_document_hashes(),
    }


def backup(output: Path) -> dict:
    """Write the installation to `output` (a .tar); return the manifest written into it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # The manifest first: a write between it and the dump would show up as a difference on restore.
        contents = manifest()
        if _is_postgresql():
            dump = work / "database.dump"
            command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"]
            result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            dump = work / "database.sqlite3"
            target = sqlite3.connect(dump)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
        (work / "manifest.json").write_text(json.dumps(contents, indent=1, sort_keys=True))
        partial = output.with_suffix(output.suffix + ".part")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(dump, dump.name)
            for name in contents["media"]:
                with default_storage.open(name, "rb") as file:
                    member = tarfile.TarInfo(f"media/{name}")
                    member.size = default_storage.size(name)
                    archive.addfile(member, file)
        partial.replace(output)
    return contents


@dataclass
class Comparison:
    differences: list[str]

    @property
    def identical(self) -> bool:
        return not self.differences


def compare(expected: dict, actual: dict) -> Comparison:
    differences = []
    for section in ("tables", "media", "signed_documents"):
        want, have = expected.get(section, {}), actual.get(section, {})
        if section == "tables":
            # A table the restore target has and the backup lacks (a later migration) holds no backed-up rows.
            have = {table: count for table, count in have.items() if table in want or count}
        for key in sorted(set(want) | set(have)):
            if want.get(key) != have.get(key):
                differences.append(f"{section}: {key}: {want.get(key)!r} in the backup, {have.get(key)!r} now")
    return Comparison(differences)


def restore(source: Path) -> Comparison:
    """Replace the database and MEDIA_ROOT with the backup's, then compare with its manifest."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
        work = Path(work)
        archive.extractall(work, filter="data")
        expected = json.loads((work / "manifest.json").read_text())
        if expected.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {expected.get('format')!r}.")
        if expected["database"] != connection.vendor:
            kinds = f"{expected['database']} database, the target {connection.vendor}"
            raise BackupError(f"This backup is of a {kinds}.")
        connection.close()
        if _is_postgresql():
            command = [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={connection.get_connection_params()['dbname']}",  # host and user from PG*
                str(work / "database.dump"),
            ]
            result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            # The live file is in WAL mode: its -wal file may hold pages newer than the file itself,
            # which SQLite would replay over a copied-in file. The backup API writes through them.
            source = sqlite3.connect(work / "database.sqlite3")
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()
            connection.close()
        _restore_media(work / "media")
    return compare(expected, manifest())


def _restore_media(folder: Path) -> None:
    """Make the storage hold exactly the backup's uploads, under the same names."""
    for name in list(stored_files()):
        default_storage.delete(name)
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        with path.open("rb") as content:
            saved = default_storage.save(name, File(content))
        if saved != name:
            raise BackupError(f"The storage saved {name!r} as {saved!r}.")
