"""One shared base for every test: both seed offices, loaded once, with their people."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from reports.models import Indicator, Realisation
from workflow.models import Agency, Sop
from workflow.seed import load_all

PASSWORD = "test-password-123"
# The seed data is loaded as of this day, so realisations exist for TW I-III of 2026.
TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # No demo logos: MEDIA_ROOT is a fresh directory per test (below), and the logo tests load them.
        load_all(password=PASSWORD, today=TODAY, logos=False)


@pytest.fixture(autouse=True)
def indonesian():
    """The interface language is Indonesian unless a test says otherwise."""
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def uploads_in_a_temp_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT  # downloads are sent from where uploads are stored


@pytest.fixture
def balangan(db) -> Agency:
    return Agency.objects.get(slug="balangan")


@pytest.fixture
def padang_panjang(db) -> Agency:
    return Agency.objects.get(slug="padang-panjang")


@pytest.fixture
def sop000(balangan):
    return Sop.objects.get(agency=balangan).current_version()


@pytest.fixture
def sop002(padang_panjang):
    return Sop.objects.get(agency=padang_panjang).current_version()


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def login(client, db):
    def _login(username: str):
        client.force_login(user(username))
        return client

    return _login


@pytest.fixture
def realisation(balangan) -> Realisation:
    """Balangan's library visitors, 2026-TW3: a figure that takes evidence files in upload tests."""
    indicator = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    return Realisation.objects.get(indicator=indicator, year=2026, quarter=3)


def stored_files(settings) -> list:
    """Every file under MEDIA_ROOT: empty when an upload was refused."""
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] if settings.MEDIA_ROOT.exists() else []
