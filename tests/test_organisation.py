import pytest
from django.core.exceptions import ValidationError

from workflow.models import Employee, Position
from workflow.sop.services import employee_create


def errors_of(instance) -> str:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return " ".join(caught.value.messages)


def test_each_agency_has_its_own_time_zone(balangan, padang_panjang):
    assert str(balangan.zone) == "Asia/Makassar"  # WITA
    assert str(padang_panjang.zone) == "Asia/Jakarta"  # WIB


def test_every_position_but_the_head_reports_to_a_supervisor(balangan):
    head = Position.objects.get(agency=balangan, rank="kepala_dinas")
    assert head.supervisor is None
    staff = Position.objects.get(agency=balangan, title="Staf Penyusun Evaluasi Kinerja")
    chain = []
    while staff:
        chain.append(staff.title)
        staff = staff.supervisor
    assert chain == [
        "Staf Penyusun Evaluasi Kinerja",
        "Kasubbag Perencanaan dan Keuangan",
        "Sekretaris",
        "Kepala Dinas Perpustakaan dan Kearsipan",
    ]


def test_a_supervisor_from_another_agency_is_refused(balangan, padang_panjang):
    position = Position.objects.get(agency=balangan, rank="sekretaris")
    position.supervisor = Position.objects.get(agency=padang_panjang, rank="kepala_dinas")
    assert "dinas yang sama" in errors_of(position)


def test_a_supervision_loop_is_refused(balangan):
    head = Position.objects.get(agency=balangan, rank="kepala_dinas")
    head.supervisor = Position.objects.get(agency=balangan, rank="sekretaris")
    assert "atasan bagi dirinya sendiri" in errors_of(head)


def test_a_position_without_supervisor_is_refused_below_the_head(balangan):
    position = Position(agency=balangan, title="Staf Baru", rank="staf")
    assert "harus memiliki jabatan atasan" in errors_of(position)


def test_an_employee_with_a_bad_nip_saves_neither_login_nor_profile(balangan):
    from django.contrib.auth import get_user_model

    with pytest.raises(ValidationError):
        employee_create(
            agency=balangan,
            username="pegawai.baru",
            password="x-long-password",
            full_name="PEGAWAI BARU",
            nip="19900230 201501 1 001",
            position=Position.objects.get(agency=balangan, rank="staf"),
        )
    assert not get_user_model().objects.filter(username="pegawai.baru").exists()


def test_a_duplicate_nip_is_refused_in_indonesian(balangan):
    existing = Employee.objects.get(user__username="balangan.staf")
    duplicate = Employee(
        user=existing.user,
        agency=balangan,
        full_name="X",
        nip=existing.nip_display,
        position=existing.position,
    )
    assert "NIP ini sudah dipakai" in errors_of(duplicate)


def test_an_employee_cannot_hold_a_position_of_another_agency(balangan, padang_panjang):
    employee = Employee.objects.get(user__username="balangan.staf")
    employee.position = Position.objects.get(agency=padang_panjang, rank="fungsional")
    assert "dinas pegawai" in errors_of(employee)
