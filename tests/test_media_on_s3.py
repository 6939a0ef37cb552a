"""MEDIA_STORAGE=s3: uploads go to a private S3-compatible bucket (django-storages) shared by every
web and worker host, come back only through the download views, and round-trip through `make
backup` / `make restore`. The bucket is a real S3 protocol server on loopback (moto's)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from sopkinerja.object_storage import s3_storages

from . import object_storage
from .databases import app_environment, fresh_database, install_demo
from .genuine_files import pdf_bytes
from .test_backup import make, state_of


@pytest.fixture(scope="module")
def s3_endpoint():
    with object_storage.s3_service() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, tmp_path, settings):
    name = object_storage.new_bucket(s3_endpoint)
    settings.MEDIA_ROOT = tmp_path / "media-unused"
    with override_settings(STORAGES=s3_storages(object_storage.environment(s3_endpoint, name))):
        yield name


@pytest.fixture
def evidence(bucket, evidence):
    """The shared evidence, uploaded once the bucket is in place: into the bucket."""
    return evidence


def test_an_upload_is_stored_in_the_bucket_and_nowhere_on_disk(s3_endpoint, bucket, evidence, tmp_path):
    import hashlib

    objects = object_storage.object_hashes(s3_endpoint, bucket)
    assert objects == {evidence.file.name: hashlib.sha256(pdf_bytes()).hexdigest()}
    assert not (tmp_path / "media-unused").exists()


def test_the_uploaded_object_is_private_to_the_bucket_owner(s3_endpoint, bucket, evidence):
    grants = object_storage.client(s3_endpoint).get_object_acl(Bucket=bucket, Key=evidence.file.name)["Grants"]
    assert grants and all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)
    assert not any("AllUsers" in grant["Grantee"].get("URI", "") for grant in grants)


def test_its_agency_downloads_the_file_from_the_bucket_under_its_original_name(login, evidence):
    response = login("balangan.kadis").get(reverse("reports:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="buku-tamu TW3.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_another_agency_gets_a_404_for_a_file_in_the_bucket(login, evidence):
    assert login("padangpanjang.kadis").get(reverse("reports:evidence-download", args=[evidence.pk])).status_code == 404


def test_a_file_gone_from_the_bucket_is_a_404_not_a_500(login, s3_endpoint, bucket, evidence):
    object_storage.client(s3_endpoint).delete_object(Bucket=bucket, Key=evidence.file.name)
    response = login("balangan.kadis").get(reverse("reports:evidence-download", args=[evidence.pk]))
    assert response.status_code == 404


def test_s3_storage_without_its_credentials_stops_start_up_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE=s3 needs S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY"):
        s3_storages({"S3_BUCKET": "arsip"})


@pytest.mark.django_db
def test_a_backup_restores_every_object_of_the_bucket_into_a_fresh_installation(s3_endpoint, tmp_path):
    """The round trip of test_backup, with the uploads in buckets: the target bucket ends up holding
    exactly the source's objects (a stray object there is removed), read back straight from S3."""
    source_bucket, target_bucket = object_storage.new_bucket(s3_endpoint), object_storage.new_bucket(s3_endpoint)
    s3 = object_storage.client(s3_endpoint)
    s3.put_object(Bucket=source_bucket, Key="evidence/balangan/bukti.pdf", Body=b"%PDF-1.7 bukti dukung\n" * 100)
    s3.put_object(Bucket=source_bucket, Key="attachments/7/disposisi ke-1.pdf", Body=pdf_bytes())
    s3.put_object(Bucket=target_bucket, Key="evidence/lain/sisa.pdf", Body=b"%PDF-1.7 not in the backup\n")
    archive = tmp_path / "backup.tar"
    with fresh_database("sopkinerja_s3_source") as source, fresh_database("sopkinerja_s3_target") as target:
        env = {**app_environment(source, tmp_path / "unused"), **object_storage.environment(s3_endpoint, source_bucket)}
        install_demo(env)
        before = state_of(source, tmp_path / "unused")
        objects = object_storage.object_hashes(s3_endpoint, source_bucket)

        done = make(env, "backup", f"BACKUP={archive}")
        assert done.returncode == 0, done.stderr[-3000:]

        target_env = {
            **app_environment(target, tmp_path / "unused"),
            **object_storage.environment(s3_endpoint, target_bucket),
        }
        done = make(target_env, "restore", f"BACKUP={archive}")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "every row count, file and signed document matches the backup" in done.stdout
        after = state_of(target, tmp_path / "unused")
    assert after == before
    # The two uploads, and the demo's logo of each office stored by install_demo.
    assert {key for key in objects if not key.startswith("logos/")} == {
        "evidence/balangan/bukti.pdf",
        "attachments/7/disposisi ke-1.pdf",
    }
    assert len(objects) == 4
    assert object_storage.object_hashes(s3_endpoint, target_bucket) == objects
    assert not (tmp_path / "unused").exists()
