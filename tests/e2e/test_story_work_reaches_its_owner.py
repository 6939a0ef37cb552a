"""Work reaches its owner, in the browser: the Kepala Dinas signs everything from his queue; a
returned figures submission and a returned step wait on their owner's dashboard with the note and
reach them by e-mail; the compilers read every unit's figures and evidence without a single input."""

import re
from decimal import Decimal

from django.core import mail
from playwright.sync_api import expect

from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, Realisation, SignedDocument
from reports.performance.selectors import unit_indicators
from reports.performance.services import FigureRow, evidence_add, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from workflow.models import Agency, Sop, SopVersion, Unit
from workflow.runs.services import run_start
from workflow.sop.services import sop_version_revise

from ..conftest import user
from ..genuine_files import pdf_bytes, upload
from ..workflow_helpers import walk
from .story import go, return_on_dashboard, review_figures_on_dashboard, submit_current_step, success

TW1 = Period.parse("2026-TW1")
TW4 = Period.parse("2026-TW4")
LAYANAN = "Seksi Layanan dan Pembudayaan Gemar Membaca"


def balangan():
    return Agency.objects.get(slug="balangan")


def test_the_kepala_dinas_signs_everything_from_his_queue(people):
    agency = balangan()
    sop = Sop.objects.get(agency=agency).current_version()
    # Set-up: the first quarter's run finished, and a revision of the SOP written by the Kasubbag.
    walk(run_start(version=sop, period=TW1, user=user("balangan.sekretaris")))
    draft = sop_version_revise(version=sop, user=user("balangan.kasubbag"))

    head = people["balangan.kadis"]
    go(head, "Beranda")
    queue = head.locator("#signature-queue")
    expect(queue.get_by_role("link")).to_have_count(2)
    expect(queue).to_contain_text(f"Laporan kinerja {TW1.label}")
    expect(queue).to_contain_text(f"{sop.sop.number} {draft.name} (revisi {draft.revision})")
    for _item in range(2):
        queue.get_by_role("link").first.click()
        # The documents page opens with the item chosen and the TTE box ticked: one click to prepare.
        form = head.locator("#report-form, #sop-form").filter(has=head.locator("input[type=checkbox]:checked"))
        form.get_by_role("button", name="Buat PDF").click()
        head.get_by_label("Passphrase kunci tanda tangan Anda").fill(DEMO_PASSPHRASE)
        head.get_by_role("button", name="Tandatangani secara elektronik").click()
        success(head, "Dokumen sudah ditandatangani.")
        go(head, "Beranda")
    expect(queue).to_contain_text("Tidak ada yang menunggu tanda tangan Anda.")
    assert SignedDocument.objects.filter(agency=agency, kind=DocumentKind.REPORT, period=str(TW1)).count() == 1
    assert SopVersion.objects.get(pk=draft.pk).status == SopVersion.Status.EFFECTIVE


def test_a_returned_figures_submission_and_a_returned_step_reach_their_owners_with_the_note(people):
    agency = balangan()
    layanan = Unit.objects.get(agency=agency, name=LAYANAN)
    # Set-up: the Kasi hands in the fourth quarter through the services.
    rows = [FigureRow(indicator=i, figure=Figure(Decimal(5))) for i in unit_indicators(layanan, TW4.year)]
    figures_save_draft(unit=layanan, period=TW4, rows=rows, user=user("balangan.kasi-layanan"))
    unit_submission_submit(unit=layanan, period=TW4, user=user("balangan.kasi-layanan"))
    mail.outbox.clear()

    kabid = people["balangan.kabid-perpustakaan"]
    review_figures_on_dashboard(kabid, LAYANAN, return_note="Lampirkan rekap buku tamu Desember")
    kasi = people["balangan.kasi-layanan"]
    go(kasi, "Beranda")
    returned = kasi.locator("li", has=kasi.get_by_role("link", name=re.compile(f"Data kinerja triwulan · {LAYANAN}")))
    expect(returned).to_contain_text("Dikembalikan")
    expect(returned).to_contain_text("Lampirkan rekap buku tamu Desember")
    kasi_mail = [m for m in mail.outbox if user("balangan.kasi-layanan").email in m.to]
    assert any("Lampirkan rekap buku tamu Desember" in m.body for m in kasi_mail), [m.subject for m in mail.outbox]

    # A step: the Sekretaris hands in step 1, the Kepala Dinas returns it with a note.
    run = run_start(version=Sop.objects.get(agency=agency).current_version(), period=TW1, user=user("balangan.kadis"))
    first = run.steps.order_by("pk").first().step
    sekretaris = people["balangan.sekretaris"]
    submit_current_step(sekretaris, TW1, 1, first.activity, "Disposisi pengumpulan data TW I")
    mail.outbox.clear()
    shown = first.activity[:40]  # the dashboard shortens a long activity
    return_on_dashboard(people["balangan.kadis"], 1, shown, "Sebutkan batas waktu per bidang")
    go(sekretaris, "Beranda")
    task = sekretaris.locator(
        "li", has=sekretaris.get_by_role("link", name=re.compile(re.escape(shown).replace("/", r"\/")))
    )
    expect(task.first).to_contain_text("Dikembalikan")
    expect(task.first).to_contain_text("Sebutkan batas waktu per bidang")
    to_sekretaris = [m for m in mail.outbox if user("balangan.sekretaris").email in m.to]
    assert any("Sebutkan batas waktu per bidang" in m.body for m in to_sekretaris), [m.subject for m in mail.outbox]


def test_the_compilers_read_every_units_figures_and_evidence_without_an_input(people, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path
    agency = balangan()
    figure = Realisation.objects.filter(indicator__objective__agency=agency, year=TW1.year, quarter=1).first()
    evidence_add(realisation=figure, file=upload("buku-tamu.pdf", pdf_bytes()), user=user("balangan.kadis"))
    units = Unit.objects.filter(agency=agency, indicators__isnull=False).distinct()
    for who in ("balangan.kasubbag", "balangan.staf"):
        page = people[who]
        for unit in units:
            page.goto(f"{live_server.url}/data/{TW1}/unit/{unit.pk}/")
            expect(page.get_by_role("heading", level=1)).to_contain_text(unit.name)
            expect(page.locator("main input:not([type=hidden]), main textarea, main select")).to_have_count(0)
            expect(page.locator("main")).to_contain_text("hanya unit ini yang mengisinya")
        page.goto(f"{live_server.url}/data/{TW1}/unit/{figure.indicator.responsible_unit_id}/")
        with page.expect_download() as received:
            page.get_by_role("link", name=re.compile("buku-tamu")).first.click()
        assert received.value.path().read_bytes().startswith(b"%PDF")
