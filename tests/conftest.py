"""One shared base for every test: both seed offices, loaded once, with their people."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, Evidence, Indicator, Realisation, SignedDocument
from reports.performance.services import evidence_add
from sopkinerja.common.periods import Period
from workflow.models import Agency, Disposition, Employee, Run, RunStep, Sop
from workflow.runs.services import run_start, run_step_submit
from workflow.seed import load_all

from .fake_chat import FakeChat, point_at
from .figures_helpers import library_visitors
from .genuine_files import pdf_bytes, upload
from .workflow_helpers import complete_current, current, executor_of

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


def employee(username: str) -> Employee:
    return Employee.objects.select_related("user", "agency").get(user__username=username)


def sign_report(
    agency, who="balangan.kadis", period="2026-TW1", *, secret=DEMO_PASSPHRASE, via="command"
) -> SignedDocument:
    """The agency's performance report for the period, signed by who with the secret."""
    return document_sign(agency=agency, kind=DocumentKind.REPORT, user=user(who), secret=secret, period=period, via=via)


@pytest.fixture
def login(client, db):
    def _login(username: str):
        client.force_login(user(username))
        return client

    return _login


@pytest.fixture
def visitors(balangan) -> Indicator:
    """Balangan's library visitors, reported by the Seksi Layanan."""
    return library_visitors(balangan)


@pytest.fixture
def realisation(visitors) -> Realisation:
    """Balangan's library visitors, 2026-TW3: a figure that takes evidence files in upload tests."""
    return Realisation.objects.get(indicator=visitors, year=2026, quarter=3)


@pytest.fixture
def evidence(realisation) -> Evidence:
    """The Seksi Layanan's guest book for TW III 2026, uploaded as bukti dukung of its visitors."""
    return evidence_add(
        realisation=realisation, file=upload("buku-tamu TW3.pdf", pdf_bytes()), user=user("balangan.kasi-layanan")
    )


@pytest.fixture
def run(sop000) -> Run:
    """Balangan's quarter run of SOP 000 for 2025-TW1, started by the Sekretaris: step 1 is active."""
    return run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"))


@pytest.fixture
def padang_panjang_run(sop002) -> Run:
    """Padang Panjang's quarter run of SOP 002 for 2026-TW1, started by the Kepala Dinas."""
    return run_start(version=sop002, period=Period.parse("2026-TW1"), user=user("padangpanjang.kadis"))


@pytest.fixture
def submitted_step(run) -> RunStep:
    """Step 2 of Balangan's quarter run, handed in and waiting for its approver, the Sekretaris."""
    complete_current(run)
    run_step = current(run)
    run_step_submit(run_step_id=run_step.pk, user=executor_of(run_step), output_note="Direkap")
    run_step.refresh_from_db()
    return run_step


def stored_files(settings) -> list:
    """Every file under MEDIA_ROOT: empty when an upload was refused."""
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] if settings.MEDIA_ROOT.exists() else []


@pytest.fixture
def chat(settings, balangan):
    """A local WhatsApp and Telegram server (tests.fake_chat), with Balangan sending WhatsApp through Fonnte."""
    fake = FakeChat()
    point_at(fake, settings)
    Agency.objects.filter(pk=balangan.pk).update(whatsapp_gateway="fonnte")
    yield fake
    fake.stop()


@pytest.fixture
def disposition(run):
    """The disposisi that handed the run's first step to its executor."""
    return Disposition.objects.select_related("to_position__agency").get(run_step__run=run)
