"""Yearly evaluation of effective SOPs against the six criteria of PermenPAN-RB 35/2012."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.documents.rendering import monitoring_report
from sopkinerja.common.exceptions import WorkflowRefused
from sopkinerja.common.periods import Period
from workflow.evaluation.services import sop_evaluation_record
from workflow.models import CRITERIA, SopEvaluation
from workflow.permissions import local_today
from workflow.scoping import scope
from workflow.sop.selectors import due_assessments

from .conftest import user

ALL_YES = {field: True for field, _text in CRITERIA}


def form_data(agency, **fields) -> dict:
    data = {"evaluated_on": local_today(agency).isoformat()}
    for field, _text in CRITERIA:
        data[field] = "ya"
        data[f"{field}_note"] = ""
    return data | fields


def test_an_evaluation_answers_the_six_criteria_and_shows_on_its_page(login, sop000):
    client = login("balangan.kadis")
    url = reverse("workflow:sop-evaluation", args=[sop000.pk])
    data = form_data(
        sop000.sop.agency, easy_to_carry_out="tidak", easy_to_carry_out_note="Waktu langkah 6 terlalu singkat."
    )
    assert client.post(url, data).status_code == 302
    evaluation = SopEvaluation.objects.get(version=sop000)
    assert evaluation.easy_to_carry_out is False and evaluation.drives_performance is True
    assert evaluation.evaluator_name == user("balangan.kadis").employee.full_name
    page = client.get(url).content.decode()
    assert "Mudah dilaksanakan" in page and "Waktu langkah 6 terlalu singkat." in page and "Tidak" in page


def test_the_head_of_the_sops_unit_may_evaluate_it(sop000):
    # Balangan's SOP belongs to the Sekretariat, which the Sekretaris heads.
    evaluation = sop_evaluation_record(version=sop000, user=user("balangan.sekretaris"), answers=ALL_YES)
    assert evaluation.evaluator_title == "Sekretaris"


@pytest.mark.parametrize("who", ["balangan.staf", "balangan.kasubbag", "balangan.kabid-arsip"])
def test_someone_who_may_not_evaluate_is_refused_in_indonesian_and_nothing_is_saved(login, sop000, who):
    with pytest.raises(WorkflowRefused, match="Hanya kepala unit pemilik SOP"):
        sop_evaluation_record(version=sop000, user=user(who), answers=ALL_YES)
    page = login(who).post(reverse("workflow:sop-evaluation", args=[sop000.pk]), form_data(sop000.sop.agency))
    assert "Hanya kepala unit pemilik SOP, Sekretaris atau Kepala Dinas" in page.content.decode()
    assert not SopEvaluation.objects.exists()


def test_an_unanswered_criterion_saves_nothing(login, sop000):
    data = form_data(sop000.sop.agency)
    del data["roles_clear"]
    page = login("balangan.kadis").post(reverse("workflow:sop-evaluation", args=[sop000.pk]), data).content.decode()
    assert "Bidang ini tidak boleh kosong." in page
    answers = dict(ALL_YES)
    del answers["roles_clear"]
    with pytest.raises(WorkflowRefused, match="Jawab setiap kriteria dengan Ya atau Tidak: Semua orang"):
        sop_evaluation_record(version=sop000, user=user("balangan.kadis"), answers=answers)
    assert not SopEvaluation.objects.exists()


def test_an_evaluation_is_a_record_that_is_never_changed(sop000):
    evaluation = sop_evaluation_record(version=sop000, user=user("balangan.kadis"), answers=ALL_YES)
    evaluation.roles_clear = False
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        evaluation.save()
    assert SopEvaluation.objects.get(pk=evaluation.pk).roles_clear is True


def test_a_second_agency_never_sees_an_evaluation(login, sop000):
    sop_evaluation_record(version=sop000, user=user("balangan.kadis"), answers=ALL_YES)
    assert not scope(SopEvaluation.objects.all(), user("padangpanjang.sekretaris")).exists()
    client = login("padangpanjang.kadis")
    assert client.get(reverse("workflow:sop-evaluation", args=[sop000.pk])).status_code == 404


def test_due_evaluation_disappears_once_done(sop000):
    today = local_today(sop000.sop.agency)
    due = {(item.kind, item.version) for item in due_assessments(user("balangan.kadis"), today)}
    assert ("evaluation", sop000) in due
    sop_evaluation_record(version=sop000, user=user("balangan.kadis"), answers=ALL_YES)
    due = {(item.kind, item.version) for item in due_assessments(user("balangan.kadis"), today)}
    assert ("evaluation", sop000) not in due and ("monitoring", sop000) in due


def test_the_semester_pdf_prints_the_evaluation_criteria(balangan, sop000):
    answers = dict(ALL_YES, solves_process_problems=False)
    sop_evaluation_record(
        version=sop000, user=user("balangan.kadis"), answers=answers, notes={"solves_process_problems": "Perlu cabang."}
    )
    today = local_today(balangan)
    document = monitoring_report(balangan, Period.parse(f"{today.year}-S{1 if today.month <= 6 else 2}"))
    assert "Mampu mengatasi permasalahan yang berkaitan dengan proses" in document.html
    assert "Perlu cabang." in document.html and "Evaluasi SOP" in document.html
    assert document.pdf().startswith(b"%PDF-")


def test_the_monitoring_pdf_carries_the_same_letterhead_as_the_reports(balangan):
    today = local_today(balangan)
    html = monitoring_report(balangan, Period.parse(f"{today.year}-S{1 if today.month <= 6 else 2}")).html
    assert '<table class="letterhead">' in html
    assert "PEMERINTAH KABUPATEN BALANGAN" in html and 'class="logo"' in html
