"""Monitoring of effective SOPs every semester (PermenPAN-RB 35/2012): who records it, who sees it,
when it is due, the evidence the runs measured, and the signed semester table."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.documents.verification import Outcome, verify_upload
from reports.models import DocumentKind, DocumentRequest
from sopkinerja.common.periods import Period
from workflow.evaluation.selectors import run_evidence
from workflow.evaluation.services import sop_monitoring_record
from workflow.models import ActingAssignment, Position, SopMonitoring
from workflow.permissions import can_assess, local_today
from workflow.runs.services import run_start, run_step_send_back, run_step_submit
from workflow.scoping import scope
from workflow.sop.selectors import add_months, due_assessments

from .conftest import user
from .workflow_helpers import approver_of, complete_current, current, executor_of, walk

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")


def this_semester(agency) -> tuple[str, int, int]:
    today = local_today(agency)
    semester = 1 if today.month <= 6 else 2
    return f"{today.year}-S{semester}", today.year, semester


def record(version, who="balangan.sekretaris", **fields) -> SopMonitoring:
    period, _year, _semester = this_semester(version.sop.agency)
    values = {
        "period": period,
        "assessment": "kurang_baik",
        "notes": "Langkah 2 sering dikembalikan karena format data triwulan berbeda.",
        "action": "Seragamkan format data dan tambahkan contoh pada Kelengkapan.",
    }
    return sop_monitoring_record(version=version, user=user(who), **(values | fields))


def form_data(agency, **fields) -> dict:
    period, _year, _semester = this_semester(agency)
    return {
        "period": period,
        "assessment": "kurang_baik",
        "notes": "Penyampaian data dari bidang terlambat.",
        "action": "Kirim pengingat sepekan sebelum batas waktu.",
        "assessed_on": local_today(agency).isoformat(),
    } | fields


def test_a_monitoring_is_recorded_and_shows_in_the_table(login, sop000):
    client = login("balangan.sekretaris")
    response = client.post(reverse("workflow:sop-monitoring", args=[sop000.pk]), form_data(sop000.sop.agency))
    assert response.status_code == 302
    monitoring = SopMonitoring.objects.get(version=sop000)
    assert monitoring.assessor_name == user("balangan.sekretaris").employee.full_name
    assert monitoring.assessor_title == "Sekretaris"
    _period, year, semester = this_semester(sop000.sop.agency)
    page = client.get(reverse("workflow:monitoring"), {"tahun": year, "semester": semester}).content.decode()
    assert "Penyampaian data dari bidang terlambat." in page
    assert "Berjalan kurang baik" in page and sop000.sop.number in page
    assert f"Monitoring, Semester {'I' if semester == 1 else 'II'} {year}" in page
    assert "Kirim pengingat sepekan sebelum batas waktu." in page
    next_monitoring = add_months(local_today(sop000.sop.agency), 6)  # counted from the one just recorded
    assert "Monitoring berikutnya" in page and date_filter(next_monitoring) in page


def test_a_monitoring_is_a_record_that_is_never_changed(sop000):
    monitoring = record(sop000)
    monitoring.notes = "diubah"
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        monitoring.save()
    with pytest.raises(ValidationError):
        SopMonitoring.objects.filter(pk=monitoring.pk).update(notes="diubah")
    with pytest.raises(ValidationError):
        monitoring.delete()
    assert SopMonitoring.objects.get(pk=monitoring.pk).notes.startswith("Langkah 2")


def test_a_second_agency_never_sees_it(login, sop000, sop002):
    record(sop000, notes="Catatan rahasia Balangan.")
    client = login("padangpanjang.kadis")
    _period, year, semester = this_semester(sop000.sop.agency)
    page = client.get(reverse("workflow:monitoring"), {"tahun": year, "semester": semester}).content.decode()
    assert "Catatan rahasia Balangan." not in page and sop000.sop.number not in page
    assert client.get(reverse("workflow:sop-monitoring", args=[sop000.pk])).status_code == 404
    assert not scope(SopMonitoring.objects.all(), user("padangpanjang.kadis")).exists()
    assert scope(SopMonitoring.objects.all(), user("balangan.staf")).count() == 1


@pytest.mark.parametrize("who", ["balangan.staf", "balangan.kabid-perpustakaan", "padangpanjang.kadis"])
def test_someone_who_may_not_assess_is_refused_in_indonesian_and_nothing_is_saved(login, sop000, who):
    client = login(who)
    response = client.post(
        reverse("workflow:sop-monitoring", args=[sop000.pk]), form_data(sop000.sop.agency), follow=True
    )
    if who.startswith("padangpanjang"):
        assert response.status_code == 404
    else:
        assert "Hanya kepala unit pemilik SOP, Sekretaris atau Kepala Dinas" in response.content.decode()
    assert not SopMonitoring.objects.exists()


def test_a_bad_form_saves_nothing(login, sop000):
    client = login("balangan.sekretaris")
    url = reverse("workflow:sop-monitoring", args=[sop000.pk])
    page = client.post(url, form_data(sop000.sop.agency, notes="", assessment="entah")).content.decode()
    assert "Bidang ini tidak boleh kosong." in page and "Masukkan pilihan yang valid." in page
    page = client.post(url, form_data(sop000.sop.agency, action="")).content.decode()
    assert "Sebutkan tindakan yang harus diambil bila SOP tidak berjalan dengan baik." in page
    tomorrow = local_today(sop000.sop.agency) + datetime.timedelta(days=1)
    page = client.post(url, form_data(sop000.sop.agency, assessed_on=tomorrow.isoformat())).content.decode()
    assert "Penilaian tidak dapat bertanggal di masa depan." in page
    assert not SopMonitoring.objects.exists()


def test_due_monitoring_appears_on_the_right_dashboard_and_disappears_once_done(login, sop000):
    today = local_today(sop000.sop.agency)
    due = [(item.kind, item.version) for item in due_assessments(user("balangan.sekretaris"), today)]
    assert ("monitoring", sop000) in due
    assert due_assessments(user("balangan.staf"), today) == []
    assert due_assessments(user("padangpanjang.sekretaris"), today) != []  # their own SOP, not Balangan's
    assert all(
        item.version.sop.agency.slug == "padang-panjang"
        for item in due_assessments(user("padangpanjang.sekretaris"), today)
    )

    page = login("balangan.sekretaris").get(reverse("workflow:home")).content.decode()
    assert "Monitoring dan evaluasi yang jatuh tempo" in page
    assert reverse("workflow:sop-monitoring", args=[sop000.pk]) in page
    assert "jatuh tempo sejak 2 Juli 2024" in page  # six months after the effective date, 2 January 2024
    staff_page = login("balangan.staf").get(reverse("workflow:home")).content.decode()
    assert "Monitoring dan evaluasi yang jatuh tempo" not in staff_page

    record(sop000, assessment="baik", action="")
    due = [(item.kind, item.version) for item in due_assessments(user("balangan.sekretaris"), today)]
    assert ("monitoring", sop000) not in due and ("evaluation", sop000) in due
    page = login("balangan.sekretaris").get(reverse("workflow:home")).content.decode()
    assert reverse("workflow:sop-monitoring", args=[sop000.pk]) not in page


def test_the_evidence_counts_returns_overdue_and_looped_steps_of_real_runs(sop000, sop002):
    before = run_evidence(sop000)
    monday = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=WITA)
    run = run_start(version=sop000, period=Period.parse("2025-TW4"), user=user("balangan.sekretaris"), now=monday)
    complete_current(run, now=monday + datetime.timedelta(hours=1))  # step 1: 15 minutes allowed, one hour taken
    step2 = current(run)
    run_step_submit(run_step_id=step2.pk, user=executor_of(step2), output_note="Draf", now=monday)
    run_step_send_back(run_step_id=step2.pk, user=approver_of(step2), note="Lengkapi lampiran.", now=monday)
    walk(run)

    after = run_evidence(sop000)
    assert after.finished == before.finished + 1
    by_step = {step.number: step for step in after.steps}
    returned = {step.number: step.returns for step in before.steps}
    assert by_step[2].returns == returned.get(2, 0) + 1
    assert after.returns == before.returns + 1
    assert after.overdue >= before.overdue + 1 and by_step[1].overdue >= 1
    assert after.loops == before.loops  # Balangan's SOP has no decision: nothing loops
    assert after.lead_average is not None and after.standard_average is not None

    # Padang Panjang's step 7 is a decision: Tidak sends the run back to step 5, which runs again.
    loops_before = run_evidence(sop002).loops
    other = run_start(version=sop002, period=Period.parse("2025-TW4"), user=user("padangpanjang.sekretaris"))
    while current(other).step.number != 7:
        complete_current(other)
    complete_current(other, answer="Tidak")
    walk(other)
    looped = run_evidence(sop002)
    assert looped.loops == loops_before + 3  # steps 5, 6 and 7 again
    assert {step.number for step in looped.steps if step.loops} == {5, 6, 7}


def test_steps_skipped_by_a_forward_jump_are_counted(balangan):
    from tests.sample_sops import permohonan_sop

    version = permohonan_sop(balangan)
    run = run_start(version=version, period=Period.parse("2025-TW4"), user=user("balangan.kadis"))
    for answer in ["", "", "Tidak lengkap", ""]:  # the file is incomplete: on to the return end
        complete_current(run, answer=answer)
    evidence = run_evidence(version)
    skipped = {step.number: step.skipped for step in evidence.steps}
    assert all(skipped[n] == 1 for n in range(4, 9)) and evidence.skipped == 5


def test_the_monitoring_page_shows_the_evidence_next_to_the_form(login, sop000):
    walk(run_start(version=sop000, period=Period.parse("2025-TW4"), user=user("balangan.sekretaris")))
    page = login("balangan.sekretaris").get(reverse("workflow:sop-monitoring", args=[sop000.pk])).content.decode()
    assert "Yang diukur dari pelaksanaan" in page and "Langkah terlambat" in page
    assert 'name="assessment"' in page and "style=" not in page and "<script>" not in page
    sheet = login("balangan.staf").get(reverse("workflow:sop-detail", args=[sop000.pk])).content.decode()
    assert reverse("workflow:sop-monitoring", args=[sop000.pk]) in sheet


def test_the_monitoring_pdf_renders_and_is_signed_by_the_kepala_dinas_and_verifies(balangan, sop000):
    record(sop000)
    period, _year, _semester = this_semester(balangan)
    document = document_sign(
        agency=balangan,
        kind=DocumentKind.MONITORING,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        period=period,
        via="command",
    )
    assert document.subject == f"monev:{period}" and document.title.startswith("Monitoring dan Evaluasi SOP Semester")
    assert verify_upload(bytes(document.pdf), document).outcome == Outcome.ORIGINAL
    assert document.signer_name == user("balangan.kadis").employee.full_name


def test_the_monitoring_pdf_is_asked_for_and_signed_on_the_documents_page(
    login, balangan, sop000, django_capture_on_commit_callbacks
):
    record(sop000)
    period, _year, _semester = this_semester(balangan)
    client = login("balangan.kadis")
    assert "Monitoring dan evaluasi SOP" in client.get(reverse("reports:documents")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:documents"), {"monev-period": period, "monev-sign": "on"})
    request = DocumentRequest.objects.get(agency=balangan, kind=DocumentKind.MONITORING)
    assert request.status == DocumentRequest.Status.AWAITING, request.error
    from reports.documents import signing

    client.post(
        reverse("reports:request-sign", args=[request.pk]),
        {"passphrase": DEMO_PASSPHRASE, "sha256": signing.sha256(bytes(request.pdf))},
    )
    request.refresh_from_db()
    assert request.signed_document is not None
    assert verify_upload(bytes(request.signed_document.pdf), request.signed_document).outcome == Outcome.ORIGINAL


def test_six_months_after_the_last_day_of_august_is_the_end_of_february():
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 1, 2), 12) == datetime.date(2025, 1, 2)


def test_an_acting_sekretaris_may_assess_for_the_day_of_the_appointment(balangan, sop000):
    today = local_today(balangan)
    staff = user("balangan.staf")
    assert not can_assess(staff, sop000)
    ActingAssignment.objects.create(
        position=Position.objects.get(agency=balangan, rank="sekretaris"),
        employee=staff.employee,
        starts_on=today,
        ends_on=today,
    )
    assert can_assess(staff, sop000)
    assert record(sop000, who="balangan.staf").assessor_name == staff.employee.full_name


def test_due_assessments_and_the_evidence_take_a_fixed_number_of_queries(sop000, django_assert_max_num_queries):
    sekretaris = user("balangan.sekretaris")
    today = local_today(sop000.sop.agency)
    with django_assert_max_num_queries(6):
        due_assessments(sekretaris, today)
    walk(run_start(version=sop000, period=Period.parse("2025-TW4"), user=sekretaris))
    with django_assert_max_num_queries(3):
        run_evidence(sop000)
