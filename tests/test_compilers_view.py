"""Who compiles the quarter (the executors of the data-collecting SOP's steps from the
data-collection step on, and the planning staff) reads every unit's figures of their agency, with
kendala, solusi and bukti dukung, and writes none of them."""

import datetime
import re

import pytest
from django.urls import reverse

from reports.models import Realisation, UnitSubmission
from reports.performance.services import evidence_add
from workflow.models import Position, Unit
from workflow.organisation.appointments import acting_appoint, acting_end
from workflow.permissions import compiles_figures, local_today

from .conftest import user
from .genuine_files import pdf_bytes, upload

TW3 = "2026-TW3"


@pytest.fixture
def reported(visitors):
    """Seksi Layanan's TW III 2026 visitors, with kendala, solusi and one bukti dukung file."""
    realisation = Realisation.objects.get(indicator=visitors, year=2026, quarter=3)
    Realisation.objects.filter(pk=realisation.pk).update(
        obstacles="Atap ruang baca bocor", solutions="Layanan pindah ke aula sementara"
    )
    evidence_add(
        realisation=realisation, file=upload("buku-tamu TW3.pdf", pdf_bytes()), user=user("balangan.kasi-layanan")
    )
    return realisation


def unit_url(unit_id, period=TW3):
    return reverse("reports:figures-unit", args=[period, unit_id])


def form_inputs(page: str) -> list[str]:
    return re.findall(r"<(?:input|textarea|select)\b[^>]*>", page.split("<main", 1)[1])


def responsible_units(agency):
    return Unit.objects.filter(agency=agency, indicators__isnull=False).distinct()


@pytest.mark.parametrize("who", ["balangan.kasubbag", "balangan.staf"])
def test_the_compilers_of_seed_000_read_every_units_figures_without_a_single_input(login, balangan, who):
    client = login(who)
    for unit in responsible_units(balangan):
        response = client.get(unit_url(unit.pk))
        assert response.status_code == 200, unit.name
        page = response.content.decode()
        assert "Anda tidak mengisi data untuk unit ini" not in page
        assert form_inputs(page) == [], (unit.name, form_inputs(page)[:3])
        assert "Simpan draf" not in page and "Kirim" not in page


def test_the_staf_penyusun_reads_kendala_solusi_and_opens_the_evidence(login, visitors, reported):
    client = login("balangan.staf")
    page = client.get(unit_url(visitors.responsible_unit_id)).content.decode()
    assert "10655" in page or "10.655" in page
    assert "Atap ruang baca bocor" in page and "Layanan pindah ke aula sementara" in page
    evidence = reported.evidence.get()
    assert reverse("reports:evidence-download", args=[evidence.pk]) in page
    assert client.get(reverse("reports:evidence-download", args=[evidence.pk])).status_code == 200


def test_a_compiler_is_told_the_page_is_read_only(login, visitors):
    page = login("balangan.staf").get(unit_url(visitors.responsible_unit_id)).content.decode()
    assert "Anda membaca data unit ini untuk menyusun laporan; hanya unit ini yang mengisinya." in page


def test_every_write_by_a_compiler_is_refused_and_changes_nothing(login, visitors, reported):
    client = login("balangan.staf")
    unit_id = visitors.responsible_unit_id
    field = f"i{visitors.pk}-value"
    for url in (
        unit_url(unit_id),
        reverse("reports:figures-submit", args=[TW3, unit_id]),
        reverse("reports:figures-excel", args=[TW3, unit_id]),
        reverse("reports:figures-capaian", args=[TW3, unit_id, visitors.pk]),
    ):
        assert client.post(url, {field: "1"}).status_code == 403, url
    assert Realisation.objects.get(pk=reported.pk).value == reported.value
    assert not UnitSubmission.objects.filter(unit_id=unit_id, period=TW3).exists()
    evidence = reported.evidence.get()
    client.post(reverse("reports:evidence-delete", args=[evidence.pk]))
    assert reported.evidence.filter(pk=evidence.pk).exists()


def test_the_compilers_list_of_units_offers_every_unit(login, balangan):
    page = login("balangan.staf").get(reverse("reports:figures-period", args=[TW3])).content.decode()
    for unit in responsible_units(balangan):
        assert unit_url(unit.pk) in page, unit.name


def test_a_compiler_never_reads_another_agencys_figures(login, padang_panjang, balangan):
    other = responsible_units(padang_panjang).first()
    assert login("balangan.staf").get(unit_url(other.pk)).status_code == 404
    assert not compiles_figures(user("balangan.staf"), padang_panjang)
    assert compiles_figures(user("balangan.staf"), balangan)


def test_padang_panjangs_kasubbag_who_checks_the_draft_reads_every_unit_too(login, padang_panjang):
    client = login("padangpanjang.kasubbag")
    for unit in responsible_units(padang_panjang):
        response = client.get(unit_url(unit.pk))
        assert response.status_code == 200 and form_inputs(response.content.decode()) == [], unit.name


def test_someone_who_compiles_nothing_is_still_refused(login, visitors):
    assert not compiles_figures(user("balangan.kasubbag-umum"), visitors.objective.agency)
    response = login("balangan.kasubbag-umum").get(unit_url(visitors.responsible_unit_id))
    assert response.status_code == 403


def test_who_enters_a_units_figures_still_has_the_inputs(login, visitors):
    page = login("balangan.kasi-layanan").get(unit_url(visitors.responsible_unit_id)).content.decode()
    assert f'name="i{visitors.pk}-value"' in page and "Simpan draf" in page


def test_a_plh_of_a_compiling_position_compiles_the_figures_until_the_appointment_ends(balangan):
    today = local_today(balangan)
    stand_in = user("balangan.kasubbag-umum")
    assert not compiles_figures(stand_in, balangan)
    assignment = acting_appoint(
        by=user("balangan.kadis"),
        position=Position.objects.get(agency=balangan, rank="sekretaris"),
        employee=stand_in.employee,
        kind="plh",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=5),
        note="ST 800/12/2026",
    )
    assert compiles_figures(user("balangan.kasubbag-umum"), balangan)
    acting_end(by=user("balangan.kadis"), assignment=assignment)
    assert not compiles_figures(user("balangan.kasubbag-umum"), balangan)
