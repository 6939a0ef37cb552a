"""Kirim: a unit's quarter goes to its head, is locked until returned, and a return needs a note."""

import re
from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_fsm_log.models import StateLog

from reports.models import Indicator, Realisation, UnitSubmission
from reports.performance.selectors import units_missing_figures
from reports.performance.services import (
    FigureRow,
    figures_save_draft,
    realisation_submit,
    unit_submission_approve,
    unit_submission_return,
    unit_submission_submit,
)
from reports.performance.values import Figure
from sopkinerja.common.periods import Period

from .conftest import user
from .figures_helpers import layanan

TW4 = Period.parse("2026-TW4")


def fill(unit, who="balangan.kasi-layanan"):
    indicators = Indicator.objects.filter(responsible_unit=unit, targets__year=2026).distinct()
    rows = [FigureRow(indicator=i, figure=Figure(D(5))) for i in indicators]
    return figures_save_draft(unit=unit, period=TW4, rows=rows, user=user(who))


def submitted(balangan):
    unit = layanan(balangan)
    fill(unit)
    return unit_submission_submit(unit=unit, period=TW4, user=user("balangan.kasi-layanan"))


def test_a_draft_is_not_counted_by_the_data_collection_step(balangan):
    unit = layanan(balangan)
    fill(unit)
    assert unit in units_missing_figures(balangan, TW4)


def test_a_submitted_unit_is_counted_by_the_data_collection_step(balangan):
    submission = submitted(balangan)
    assert submission.state == UnitSubmission.State.SUBMITTED
    assert submission.unit not in units_missing_figures(balangan, TW4)
    assert StateLog.objects.for_(submission).filter(state="submitted").exists()


def test_a_unit_cannot_send_before_every_indicator_has_a_figure(balangan):
    with pytest.raises(ValidationError, match="Setiap indikator harus diisi"):
        unit_submission_submit(unit=layanan(balangan), period=TW4, user=user("balangan.kasi-layanan"))
    assert not UnitSubmission.objects.filter(unit=layanan(balangan), state="submitted").exists()


def test_submitted_figures_are_locked_until_returned(balangan):
    submission = submitted(balangan)
    indicator = Indicator.objects.filter(responsible_unit=submission.unit).first()
    with pytest.raises(ValidationError, match="sudah dikirim dan dikunci"):
        fill(submission.unit)
    with pytest.raises(ValidationError, match="sudah dikirim dan dikunci"):
        realisation_submit(indicator=indicator, year=2026, quarter=4, value=D(9), user=user("balangan.kasi-layanan"))
    assert Realisation.objects.get(indicator=indicator, year=2026, quarter=4).value == D(5)


def test_a_second_click_does_not_submit_twice(balangan):
    submission = submitted(balangan)
    with pytest.raises(ValidationError, match="sudah dikirim"):
        unit_submission_submit(unit=submission.unit, period=TW4, user=user("balangan.kasi-layanan"))
    assert StateLog.objects.for_(submission).filter(state="submitted").count() == 1


def test_a_return_needs_a_note_and_saves_nothing_without_it(balangan):
    submission = submitted(balangan)
    with pytest.raises(ValidationError, match="Tulis catatan"):
        unit_submission_return(submission_id=submission.pk, user=user("balangan.kabid-perpustakaan"), note="  ")
    submission.refresh_from_db()
    assert submission.state == UnitSubmission.State.SUBMITTED and submission.returned_by is None


def test_the_head_returns_with_a_note_and_the_unit_fixes_and_sends_again(balangan):
    submission = submitted(balangan)
    unit_submission_return(
        submission_id=submission.pk, user=user("balangan.kabid-perpustakaan"), note="Angka pengunjung keliru"
    )
    submission.refresh_from_db()
    assert submission.state == UnitSubmission.State.RETURNED and submission.return_note == "Angka pengunjung keliru"
    assert submission.unit in units_missing_figures(balangan, TW4)
    fill(submission.unit)  # open again
    unit_submission_submit(unit=submission.unit, period=TW4, user=user("balangan.kasi-layanan"))
    unit_submission_approve(submission_id=submission.pk, user=user("balangan.kabid-perpustakaan"))
    submission.refresh_from_db()
    assert submission.state == UnitSubmission.State.APPROVED


def test_only_the_unit_head_reviews(balangan):
    submission = submitted(balangan)
    with pytest.raises(PermissionDenied):
        unit_submission_approve(submission_id=submission.pk, user=user("balangan.kasi-arsip"))
    with pytest.raises(PermissionDenied):  # the head submitted them: the head's supervisor reviews
        unit_submission_approve(submission_id=submission.pk, user=user("balangan.kasi-layanan"))


def test_kirim_and_return_in_the_browser(login, balangan):
    unit = layanan(balangan)
    fill(unit)
    response = login("balangan.kasi-layanan").post(reverse("reports:figures-submit", args=["2026-TW4", unit.pk]))
    assert response.status_code == 302
    submission = UnitSubmission.objects.get(unit=unit, period="2026-TW4")
    assert submission.state == "submitted"
    head = login("balangan.kabid-perpustakaan")
    html = head.get(reverse("reports:figures-unit", args=["2026-TW4", unit.pk])).content.decode()
    assert "Kembalikan" in html and "Setujui" in html
    response = head.post(reverse("reports:submission-return", args=[submission.pk]), {"note": ""})
    assert any("Tulis catatan" in str(m) for m in get_messages(response.wsgi_request))
    submission.refresh_from_db()
    assert submission.state == "submitted"
    head.post(reverse("reports:submission-return", args=[submission.pk]), {"note": "Lengkapi bukti dukung"})
    submission.refresh_from_db()
    assert submission.state == "returned"
    html = login("balangan.kasi-layanan").get(reverse("reports:figures-unit", args=["2026-TW4", unit.pk]))
    assert "Lengkapi bukti dukung" in html.content.decode()


def test_the_unit_page_offers_the_review_to_the_reviewer_only(login, balangan):
    """The head of the unit sent the quarter: the head's supervisor reviews it, the head does not."""
    unit = layanan(balangan)
    fill(unit)
    login("balangan.kasi-layanan").post(reverse("reports:figures-submit", args=["2026-TW4", unit.pk]))
    submission = UnitSubmission.objects.get(unit=unit, period="2026-TW4")
    approve = reverse("reports:submission-approve", args=[submission.pk])
    page = reverse("reports:figures-unit", args=["2026-TW4", unit.pk])
    assert approve in login("balangan.kabid-perpustakaan").get(page).content.decode()
    assert approve not in login("balangan.kasi-layanan").get(page).content.decode()


def test_the_head_sees_the_waiting_quarter_by_its_name_not_its_code(login, balangan):
    submission = submitted(balangan)
    html = login("balangan.kabid-perpustakaan").get(reverse("reports:figures")).content.decode()
    assert f"{submission.unit.name} · Triwulan IV 2026</a>" in html
    assert "· 2026-TW4" not in html


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_clicks_on_kirim_submit_once():
    import threading

    from django.db import connection

    from workflow.models import Agency
    from workflow.seed import load_all

    from .conftest import PASSWORD, TODAY

    if not Agency.objects.exists():  # an earlier transactional test emptied the database
        load_all(password=PASSWORD, today=TODAY)
    balangan = Agency.objects.get(slug="balangan")
    unit = layanan(balangan)
    fill(unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click():
        try:
            sender = user("balangan.kasi-layanan")
            barrier.wait()
            unit_submission_submit(unit=unit, period=TW4, user=sender)
            outcomes.append("submitted")
        except ValidationError as refusal:
            outcomes.append(" ".join(refusal.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["Data ini sudah dikirim.", "submitted"]
    submission = UnitSubmission.objects.get(unit=unit, period="2026-TW4")
    assert StateLog.objects.for_(submission).filter(state="submitted").count() == 1


def test_sending_a_seksis_figures_names_the_kabid_who_reviews_them(login, balangan):
    unit = layanan(balangan)
    fill(unit)
    response = login("balangan.kasi-layanan").post(reverse("reports:figures-submit", args=[str(TW4), unit.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Dikirim kepada Kepala Bidang Pengembangan dan Layanan Perpustakaan untuk diperiksa."
    ]


def test_kirim_saves_what_was_just_typed_and_hands_it_in(login, balangan):
    unit = layanan(balangan)
    client = login("balangan.kasi-layanan")
    url = reverse("reports:figures-unit", args=[str(TW4), unit.pk])
    names = re.findall(r'name="([^"]+-value)"', client.get(url).content.decode())
    assert names, "the page offers a Realisasi input per indicator"
    typed = {name: "12.880" for name in names} | {names[0].replace("-value", "-obstacles"): "Hujan deras"}
    response = client.post(url, typed | {"send": "1"}, follow=True)
    page = response.content.decode()
    assert "untuk diperiksa" in page
    assert UnitSubmission.objects.get(unit=unit, period=str(TW4)).state == UnitSubmission.State.SUBMITTED
    figures = Realisation.objects.filter(indicator__responsible_unit=unit, year=2026, quarter=4)
    assert figures.count() == len(names) and {f.value for f in figures} == {D("12880")}
    assert figures.filter(obstacles="Hujan deras").count() == 1
