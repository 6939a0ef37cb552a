"""Bad SOP input is refused with an Indonesian message, and nothing is half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from workflow.models import Executor, Position, Sop, SopVersion, Step
from workflow.sop.services import ExecutorSpec, StepSpec, sop_version_create


@pytest.fixture
def new_sop(balangan):
    return Sop.objects.create(agency=balangan, number="SOP – 99/DISPERSIP")


def positions(agency, *ranks):
    return [Position.objects.filter(agency=agency, rank=rank).first() for rank in ranks]


def create(sop, steps, executors=None, **identity):
    sekretaris, staf = positions(sop.agency, "sekretaris", "staf")
    identity.setdefault("made_on", datetime.date(2026, 1, 5))
    return sop_version_create(
        sop=sop,
        name="SOP Uji",
        executors=executors or [("Sekretaris", sekretaris), ("Staf", staf)],
        steps=steps,
        **identity,
    )


def step(number, **overrides):
    values = dict(
        number=number,
        activity=f"Kegiatan {number}",
        actors=["Staf"],
        waktu="1 hari",
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
        [
            step(1, requirements=["Disposisi"], symbol="terminator"),
            step(2),
            step(3, symbol="decision", exits=[("Ya", 4), ("Tidak", 2)]),
            step(4, symbol="terminator"),
        ],
    )
    assert version.steps.count() == 4
    assert [(e.label, e.target.number) for e in version.steps.get(number=3).exit_list()] == [("Ya", 4), ("Tidak", 2)]
    assert version.steps.get(number=1).requirement_texts() == ["Disposisi"]
    assert version.effective_problems() == []


def test_duplicate_step_numbers_are_refused(new_sop):
    assert "tidak boleh bernomor sama (2)" in refused(new_sop, [step(1), step(2), step(2)])


def test_an_exit_to_a_step_that_does_not_exist_is_refused_naming_the_step(new_sop):
    message = refused(new_sop, [step(1), step(2, symbol="decision", exits=[("Ya", 1), ("Tidak", 7)])])
    assert "Langkah 2: jalur keluar Tidak menuju langkah 7, yang tidak ada." in message


@pytest.mark.parametrize("waktu", ["-15 menit", "kira-kira", "3 tahun"])
def test_a_waktu_that_cannot_be_read_is_refused_naming_the_step(new_sop, waktu):
    message = refused(new_sop, [step(1), step(2, waktu=waktu)])
    assert message.startswith("Langkah 2:") and "tidak dapat dibaca" in message


def test_a_step_done_only_by_outside_parties_needs_a_position_somewhere(new_sop):
    columns = [ExecutorSpec("Pemohon", None, Executor.Kind.OUTSIDE)]
    message = refused(new_sop, [step(1, actors=["Pemohon"])], executors=columns)
    assert "Langkah 1: tidak ada kolom pelaksana yang merupakan jabatan di dinas" in message


def test_an_outside_party_column_cannot_name_a_position(new_sop):
    (staf,) = positions(new_sop.agency, "staf")
    message = refused(new_sop, [step(1)], executors=[ExecutorSpec("Staf", staf, Executor.Kind.OUTSIDE)])
    assert "pihak luar atau sistem: tidak memiliki jabatan" in message


def test_an_executor_that_is_not_a_column_is_refused(new_sop):
    assert "bukan kolom pelaksana" in refused(new_sop, [step(1, actors=["Kepala Dinas"])])


def test_an_executor_position_of_another_agency_is_refused(new_sop, padang_panjang):
    (foreign,) = positions(padang_panjang, "sekretaris")
    message = refused(new_sop, [step(1, actors=["Sekretaris"])], executors=[("Sekretaris", foreign)])
    assert "dinas pemilik SOP" in message


def test_an_effective_sop_needs_its_effective_date_and_approver(new_sop):
    message = refused(new_sop, [step(1)], status=SopVersion.Status.EFFECTIVE)
    assert "tanggal efektif" in message and "mengesahkan" in message


def test_an_effective_sop_with_zero_steps_is_refused(new_sop):
    signed = dict(effective_on=datetime.date(2026, 1, 6), approver_title="Kepala Dinas", approver_name="Nama")
    message = refused(new_sop, [], status=SopVersion.Status.EFFECTIVE, **signed)
    assert "SOP belum memiliki langkah" in message


def test_a_draft_may_have_no_number_and_no_dates_yet(balangan):
    sop = Sop.objects.create(agency=balangan, number="")
    version = create(sop, [step(1, symbol="terminator")], made_on=None)
    assert version.status == SopVersion.Status.DRAFT and version.made_on is None
    assert "SOP belum memiliki Nomor SOP." in version.effective_problems()
    assert "Tanggal Pembuatan belum diisi." in version.effective_problems()
    another = create(Sop.objects.create(agency=balangan, number=""), [step(1, symbol="terminator")], made_on=None)
    assert another.sop.number == "" and str(another.sop) == "(belum bernomor)"


def test_a_revision_needs_its_revision_date(new_sop):
    assert "tanggal revisi" in refused(new_sop, [step(1)], revision=1)


def test_an_approver_with_a_bad_nip_is_refused(new_sop):
    assert "18 angka" in refused(new_sop, [step(1)], approver_nip="12345")


def test_only_one_version_of_an_sop_is_effective_and_older_ones_stay_readable(sop000):
    revision = create(
        sop000.sop,
        [step(1, symbol="terminator")],
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
