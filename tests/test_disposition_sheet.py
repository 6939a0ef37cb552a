"""Issue 15: the lembar disposisi as offices use it. Sifat and the ticked "dengan hormat harap"
choices, the issuer's paraf, forwarding down the line (Kabid → Kasi → Staf) with its history, and the
printed sheet with every box."""

import datetime
import subprocess
import tempfile
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.documents.rendering import disposition_sheet
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.models import Disposition, Position
from workflow.runs.services import (
    disposition_amend,
    disposition_forward,
    disposition_open,
    run_start,
    run_step_submit,
)
from workflow.sop.services import employee_create

from .conftest import user
from .workflow_helpers import complete_current, current

WITA = ZoneInfo("Asia/Makassar")
STARTED = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=WITA)


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(pdf)
        source.flush()
        return subprocess.run(
            ["pdftotext", "-layout", source.name, "-"], check=True, capture_output=True, text=True
        ).stdout


@pytest.fixture
def monday_run(sop000):
    """As `run`, but started at 08:00 on Monday 23 November 2026."""
    return run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris"), now=STARTED)


@pytest.fixture
def to_kabid(monday_run):
    """Step 5 of seed 000 is the Kepala Bidang's: its disposisi, after steps 1-4 are done."""
    for _ in range(4):
        complete_current(monday_run, now=STARTED)
    run_step = current(monday_run)
    assert run_step.step.executor.position.title.startswith("Kepala Bidang Pengembangan")
    return run_step.disposition


def kasi_layanan():
    return Position.objects.get(agency__slug="balangan", title__startswith="Kepala Seksi Layanan")


def test_an_automatic_disposisi_is_biasa_and_asks_for_follow_up(monday_run):
    disposition = monday_run.steps.get(step__number=1).disposition
    assert disposition.urgency == Disposition.Urgency.ORDINARY
    assert disposition.requests == ["ditindaklanjuti"]


def test_the_issuer_sets_sifat_and_choices_and_the_sheet_prints_every_box_with_the_ticked_ones_marked(monday_run):
    disposition = monday_run.steps.get(step__number=1).disposition
    disposition_amend(
        disposition_id=disposition.pk,
        user=user("balangan.sekretaris"),
        urgency="sangat_segera",
        requests=["diketahui", "dijawab"],
        instruction="Mohon segera dikumpulkan sebelum rapat.",
    )
    disposition.refresh_from_db()
    assert (disposition.urgency, disposition.requests) == ("sangat_segera", ["diketahui", "dijawab"])
    text = pdf_text(disposition_sheet(disposition).pdf())
    assert "☑ Sangat Segera" in text and "☐ Biasa" in text and "☐ Rahasia" in text
    assert "☑ Diketahui" in text and "☑ Dijawab" in text
    assert "☐ Ditindaklanjuti" in text and "☐ Disimpan/diarsipkan" in text
    assert text.count("☐") + text.count("☑") == 4 + 10
    assert "Mohon segera dikumpulkan sebelum rapat." in text


def test_the_sheet_carries_the_paraf_of_the_issuer_with_the_moment_of_issue(monday_run):
    disposition = monday_run.steps.get(step__number=1).disposition
    html = disposition_sheet(disposition).html
    paraf = html.split('class="paraf"')[1][:400]
    assert "NA" in paraf and "NOOR AINAH" in paraf and "23-11-2026 08.00" in paraf


def test_a_choice_outside_the_list_or_an_empty_instruction_is_refused_and_nothing_changes(monday_run):
    disposition = monday_run.steps.get(step__number=1).disposition
    for requests, text in ((["dibakar"], "x"), ([], "  ")):
        with pytest.raises(ValidationError):
            disposition_amend(
                disposition_id=disposition.pk,
                user=user("balangan.sekretaris"),
                urgency="segera",
                requests=requests,
                instruction=text,
            )
    disposition.refresh_from_db()
    assert disposition.urgency == "biasa" and disposition.requests == ["ditindaklanjuti"]


def test_once_read_a_disposisi_can_no_longer_be_changed_by_its_issuer(to_kabid):
    disposition_open(disposition=to_kabid, user=user("balangan.kabid-perpustakaan"))
    with pytest.raises(WorkflowRefused, match="sudah dibaca"):
        disposition_amend(
            disposition_id=to_kabid.pk,
            user=to_kabid.from_user,
            urgency="segera",
            requests=["diketahui"],
            instruction="",
        )


def test_a_forward_from_the_kabid_to_a_kasi_reaches_the_kasis_inbox_with_the_history(to_kabid, login):
    forward = disposition_forward(
        disposition_id=to_kabid.pk,
        user=user("balangan.kabid-perpustakaan"),
        to_position=kasi_layanan(),
        urgency="segera",
        requests=["disiapkan"],
        instruction="Siapkan bahan sosialisasi untuk perpustakaan desa.",
    )
    assert forward.parent == to_kabid and forward.run_step_id == to_kabid.run_step_id
    assert forward.from_position == to_kabid.to_position and forward.due_at == to_kabid.due_at
    to_kabid.refresh_from_db()
    assert to_kabid.read_by == user("balangan.kabid-perpustakaan")  # forwarding it is reading it
    client = login("balangan.kasi-layanan")
    inbox = client.get(reverse("workflow:disposition-inbox")).content.decode()
    assert forward.number in inbox and "diteruskan" in inbox
    page = client.get(reverse("workflow:disposition", args=[forward.pk])).content.decode()
    history = page.split("Riwayat disposisi")[1]
    assert history.index(to_kabid.number) < history.index(forward.number) < history.index("Siapkan bahan")
    sheet = pdf_text(disposition_sheet(forward).pdf())
    assert "Riwayat disposisi" in sheet and to_kabid.number in sheet and forward.number in sheet
    assert "☑ Segera" in sheet and "☑ Disiapkan" in sheet


def test_forwarding_leaves_the_step_with_its_executor(to_kabid):
    disposition_forward(
        disposition_id=to_kabid.pk,
        user=user("balangan.kabid-perpustakaan"),
        to_position=kasi_layanan(),
        requests=["ditindaklanjuti"],
    )
    with pytest.raises(WorkflowRefused):
        run_step_submit(run_step_id=to_kabid.run_step_id, user=user("balangan.kasi-layanan"), output_note="x")
    run_step_submit(
        run_step_id=to_kabid.run_step_id, user=user("balangan.kabid-perpustakaan"), output_note="Sosialisasi selesai"
    )


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda: Position.objects.get(agency__slug="balangan", rank="kepala_dinas"), id="upward"),
        pytest.param(lambda: Position.objects.get(agency__slug="balangan", title="Sekretaris"), id="sideways"),
        pytest.param(
            lambda: Position.objects.get(agency__slug="padang-panjang", title="Kepala Bidang Perpustakaan"),
            id="another agency",
        ),
    ],
)
def test_a_forward_up_sideways_or_to_another_agency_is_refused_and_nothing_is_saved(to_kabid, where):
    before = Disposition.objects.count()
    with pytest.raises(WorkflowRefused, match="hanya diteruskan ke bawah"):
        disposition_forward(
            disposition_id=to_kabid.pk,
            user=user("balangan.kabid-perpustakaan"),
            to_position=where(),
            requests=["diketahui"],
        )
    assert Disposition.objects.count() == before


def test_a_forward_to_a_position_nobody_holds_is_refused_in_indonesian(to_kabid):
    vacant = Position.objects.create(
        agency=to_kabid.to_position.agency, title="Pustakawan Ahli Pertama", rank="staf", supervisor=kasi_layanan()
    )
    with pytest.raises(WorkflowRefused, match="Tidak ada yang memegang jabatan Pustakawan Ahli Pertama"):
        disposition_forward(
            disposition_id=to_kabid.pk,
            user=user("balangan.kabid-perpustakaan"),
            to_position=vacant,
            requests=["diketahui"],
        )
    assert not Disposition.objects.filter(to_position=vacant).exists()


def test_someone_who_is_not_the_recipient_cannot_forward_it_and_nothing_is_saved(to_kabid, login):
    before = Disposition.objects.count()
    data = {"to_position": kasi_layanan().pk, "urgency": "segera", "requests": ["diketahui"], "instruction": "x"}
    for outsider in ("balangan.kadis", "balangan.kasi-layanan", "balangan.kabid-arsip"):
        response = login(outsider).post(reverse("workflow:disposition-forward", args=[to_kabid.pk]), data)
        assert response.status_code == 403, outsider
    with pytest.raises(WorkflowRefused, match="Hanya penerima disposisi ini"):
        disposition_forward(
            disposition_id=to_kabid.pk, user=user("balangan.kabid-arsip"), to_position=kasi_layanan(), requests=["x"]
        )
    assert Disposition.objects.count() == before


def test_the_kasi_forwards_further_down_to_a_staf_and_the_sheet_shows_the_whole_line(to_kabid, login):
    staf = Position.objects.create(
        agency=to_kabid.to_position.agency, title="Staf Layanan", rank="staf", supervisor=kasi_layanan()
    )
    employee_create(
        agency=staf.agency,
        username="balangan.staf-layanan",
        password="x-password-12345",
        full_name="Drs. BUDI SANTOSO, M.Si.",
        nip="198001012005011001",
        position=staf,
    )
    to_kasi = disposition_forward(
        disposition_id=to_kabid.pk,
        user=user("balangan.kabid-perpustakaan"),
        to_position=kasi_layanan(),
        requests=["ditindaklanjuti"],
    )
    client = login("balangan.kasi-layanan")
    page = client.get(reverse("workflow:disposition", args=[to_kasi.pk])).content.decode()
    assert "Staf Layanan" in page  # the forwarding form offers the Kasi's own staff
    response = client.post(
        reverse("workflow:disposition-forward", args=[to_kasi.pk]),
        {"to_position": staf.pk, "urgency": "biasa", "requests": ["dihadiri"], "instruction": "Hadiri rapat."},
    )
    assert response.status_code == 302
    to_staf = Disposition.objects.get(parent=to_kasi)
    html = disposition_sheet(to_staf).html
    history = html.split("Riwayat disposisi")[1]
    assert history.index(to_kabid.number) < history.index(to_kasi.number) < history.index(to_staf.number)
    assert "BUDI SANTOSO" not in history  # the staf issued nothing: paraf are the issuers'
    assert "SYAHRIANI" in history and "RINA MARLIANA" in history
