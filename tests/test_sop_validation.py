"""Bad SOP input is refused with an Indonesian message, and nothing is half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from workflow.duration import TimeUnit
from workflow.models import Position, Sop, SopVersion, Step
from workflow.services.sop import StepSpec, sop_version_create


@pytest.fixture
def new_sop(balangan):
    return Sop.objects.create(agency=balangan, number="SOP – 99/DISPERSIP")


def positions(agency, *ranks):
    return [Position.objects.filter(agency=agency, rank=rank).first() for rank in ranks]


def create(sop, steps, executors=None, **identity):
    sekretaris, staf = positions(sop.agency, "sekretaris", "staf")
    return sop_version_create(
        sop=sop,
        name="SOP Uji",
        made_on=datetime.date(2026, 1, 5),
        executors=executors or [("Sekretaris", sekretaris), ("Staf", staf)],
        steps=steps,
        **identity,
    )


def step(number, **overrides):
    values = dict(
        number=number,
        activity=f"Kegiatan {number}",
        executor="Staf",
        duration_amount=1,
        duration_unit=TimeUnit.DAY,
        output="Dokumen",
    )
    values.update(overrides)
    return StepSpec(**values)


def refused(sop, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        create(sop, *args, **kwargs)
    assert not SopVersion.objects.filter(sop=sop).exists(), "a refused SOP version was half-saved"
    assert not Step.objects.filter(version__sop=sop).exists()
    return " ".join(caught.value.messages)


def test_a_valid_sop_with_a_decision_loop_is_saved_whole(new_sop):
    version = create(
        new_sop,
        [step(1, requirements=["Disposisi"]), step(2), step(3, symbol="decision", no_branch_to=2)],
    )
    assert version.steps.count() == 3
    assert version.steps.get(number=3).no_branch_to.number == 2
    assert version.steps.get(number=1).requirement_texts() == ["Disposisi"]


def test_duplicate_step_numbers_are_refused(new_sop):
    assert "tidak boleh bernomor sama (2)" in refused(new_sop, [step(1), step(2), step(2)])


def test_a_decision_without_its_branch_target_is_refused(new_sop):
    message = refused(new_sop, [step(1), step(2, symbol="decision")])
    assert "Langkah 2" in message and "jalur 'Tidak'" in message


def test_a_decision_that_returns_forwards_is_refused(new_sop):
    message = refused(new_sop, [step(1, symbol="decision", no_branch_to=2), step(2)])
    assert "langkah sebelumnya" in message


def test_a_process_with_a_tidak_exit_is_refused(new_sop):
    assert "Hanya simbol keputusan" in refused(new_sop, [step(1), step(2, no_branch_to=1)])


@pytest.mark.parametrize("amount", [0, -15])
def test_a_zero_or_negative_duration_is_refused(new_sop, amount):
    assert "harus lebih dari nol" in refused(new_sop, [step(1, duration_amount=amount)])


def test_an_executor_that_is_not_a_column_is_refused(new_sop):
    assert "bukan kolom pelaksana" in refused(new_sop, [step(1, executor="Kepala Dinas")])


def test_an_executor_position_of_another_agency_is_refused(new_sop, padang_panjang):
    (foreign,) = positions(padang_panjang, "sekretaris")
    message = refused(new_sop, [step(1, executor="Sekretaris")], executors=[("Sekretaris", foreign)])
    assert "dinas pemilik SOP" in message


def test_an_effective_sop_needs_its_effective_date_and_approver(new_sop):
    message = refused(new_sop, [step(1)], status=SopVersion.Status.EFFECTIVE)
    assert "tanggal efektif" in message and "mengesahkan" in message


def test_a_revision_needs_its_revision_date(new_sop):
    assert "tanggal revisi" in refused(new_sop, [step(1)], revision=1)


def test_an_approver_with_a_bad_nip_is_refused(new_sop):
    assert "18 angka" in refused(new_sop, [step(1)], approver_nip="12345")


def test_only_one_version_of_an_sop_is_effective_and_older_ones_stay_readable(sop000):
    revision = create(
        sop000.sop,
        [step(1)],
        revision=1,
        revised_on=datetime.date(2026, 2, 1),
        executors=[("Staf", positions(sop000.sop.agency, "staf")[0])],
    )
    revision.status = SopVersion.Status.EFFECTIVE
    revision.effective_on = datetime.date(2026, 2, 2)
    revision.approver_title, revision.approver_name = "Kepala Dinas", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
    with pytest.raises(ValidationError) as caught:
        revision.full_clean()
    assert "Hanya satu versi SOP yang boleh berlaku" in " ".join(caught.value.messages)
    assert sop000.sop.current_version() == sop000
    assert sop000.sop.versions.count() == 2
