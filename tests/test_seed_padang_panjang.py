"""Seed 002 (Kota Padang Panjang): identity as read, procedure reconstructed and marked."""

from workflow.models import SopListItem, Step
from workflow.sop.waktu import TimeUnit

Section = SopListItem.Section


def test_the_identity_part_is_as_read_from_the_ocr(sop002):
    assert sop002.name == "SOP Pengumpulan Data Kinerja"
    assert sop002.sop.unit.name == "Sekretariat"
    assert len(sop002.list_items(Section.LEGAL_BASIS)) == 4
    assert sop002.list_items(Section.LEGAL_BASIS)[3].startswith("Peraturan Walikota No 40 Tahun 2024")
    assert sop002.list_items(Section.QUALIFICATION) == [
        "Memahami sistem Perencanaan",
        "Memahami Sistem Penatausahaan Keuangan",
        "Memahami Sistem Pengendalian, Evaluasi dan Pelaporan",
    ]
    assert sop002.list_items(Section.RELATED) == ["SOP Penyusunan LKjIP", "SOP Pengukuran Kinerja"]
    assert sop002.list_items(Section.EQUIPMENT) == ["SDM", "Laptop", "Printer", "ATK"]
    [warning] = sop002.list_items(Section.WARNING)
    assert warning.startswith("Bila SOP ini tidak dilaksanakan")
    assert sop002.list_items(Section.RECORDING) == [
        "Indikator kinerja, target, realisai dan persentase capaian kinerja"
    ]
    assert sop002.sop.agency.time_zone == "Asia/Jakarta"


def test_the_procedure_has_ten_steps_in_one_quarterly_chain(sop002):
    steps = list(sop002.steps.all())
    assert [s.number for s in steps] == list(range(1, 11))
    assert {s.cadence for s in steps} == {Step.Cadence.QUARTERLY}


def test_the_times_are_as_read_one_to_three_days_and_twenty_minutes(sop002):
    times = {s.number: (s.duration_amount, s.duration_unit) for s in sop002.steps.all()}
    assert times[8] == (3, TimeUnit.DAY)
    assert times[10] == (20, TimeUnit.MINUTE)
    assert all(unit == TimeUnit.DAY and 1 <= amount <= 3 for n, (amount, unit) in times.items() if n != 10)


def test_the_chain_runs_from_the_head_of_office_back_to_distribution(sop002):
    executor = {s.number: s.executor.title for s in sop002.steps.all()}
    assert executor[1] == executor[9] == "Kepala Dinas"
    assert executor[2] == "Sekretaris"
    assert executor[3] == "Fungsional Perencana"


def test_the_check_and_paraf_is_a_decision_that_returns_to_drafting(sop002):
    check = sop002.steps.get(number=7)
    assert check.symbol == Step.Symbol.DECISION
    assert [(exit.label, exit.target.number) for exit in check.exit_list()] == [("Ya", 8), ("Tidak", 5)]
    assert "memaraf" in check.activity


def test_reconstructed_parts_are_marked(sop002):
    assert "RECONSTRUCTED" in sop002.provenance
    assert all(step.provenance for step in sop002.steps.all())
    assert sop002.steps.get(number=3).collects_data
