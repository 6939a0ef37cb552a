"""Seed 000 (Kabupaten Balangan) is loaded word for word from its own export."""

from workflow.models import SopListItem, Step
from workflow.sop.text import parse_waktu

from .test_jumlah import seed_000_rows

Section = SopListItem.Section


def test_the_identity_part_matches_the_seed(sop000):
    assert sop000.sop.number == "SOP – 01/DISPERSIP"
    assert sop000.name == "SOP Mekanisme Pengumpulan Data Kinerja"
    assert sop000.made_on.isoformat() == sop000.effective_on.isoformat() == "2024-01-02"
    assert sop000.revised_on is None
    assert sop000.status == "effective"
    assert sop000.approver_title == "Kepala Dinas Perpustakaan dan Kearsipan Kabupaten balangan"
    assert sop000.approver_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
    assert sop000.approver_nip_display == "19660313 198903 1 011"
    assert sop000.list_items(Section.WARNING) == [
        "Apabila Pengumpulan Data Kinerja tidak terselesaikan dengan baik dan benar "
        "maka kegiatan Pelaporan akan terhambat"
    ]
    assert sop000.list_items(Section.RECORDING) == [
        "Setiap tahap kegiatan terdokumentasi dengan baik, baik dalam bentuk softcopy maupun hardcopy"
    ]
    assert sop000.sop.agency.time_zone == "Asia/Makassar"


def test_the_ol_markup_of_the_lists_is_parsed_into_items(sop000):
    assert sop000.list_items(Section.LEGAL_BASIS) == [
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah",
        "PermenPAN dan RB No. 53 Tahun 2014 tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja "
        "dan Tata cara Review atas Laporan Kinerja",
    ]
    assert sop000.list_items(Section.QUALIFICATION) == [
        "Memiliki kemampuan pengolahan data",
        "Mengetahui tugas dan fungsi Sistem Akuntabilitas Kinerja Instansi Pemerintah",
        "Memahami tugas pokok dan fungsi dalam pembuatan laporan kinerja",
    ]
    assert sop000.list_items(Section.RELATED) == [
        "SOP Penyusunan Penetapan Kinerja",
        "SOP Penyusunan Rencana Kerja Tahunan",
        "SOP Penyusunan Laporan Kinerja",
    ]
    assert sop000.list_items(Section.EQUIPMENT) == [
        "Peraturan Perundang-undangan yang terkait dengan penyusunan LAKIP",
        "Data dan Informasi yang terkait dengan pelaksanaan program kegiatan",
        "ATK",
        "Komputer",
    ]
    assert not any("<" in item.text for item in sop000.list_entries.all())


def test_the_five_executor_columns_are_in_the_seed_order(sop000):
    assert [e.title for e in sop000.executors.all()] == [
        "Sekretaris",
        "Kepala Bidang",
        "Kasubbag Perencanaan dan Keuangan",
        "Kepala Seksi",
        "Staf Penyusun Evaluasi Kinerja",
    ]


def test_every_step_carries_the_seed_text_word_for_word(sop000):
    steps = list(sop000.steps.all())
    rows = seed_000_rows()
    assert len(steps) == len(rows) == 9
    for step, row in zip(steps, rows, strict=True):
        number, activity, *_columns, kelengkapan, waktu, output, remark = row
        assert step.number == int(number)
        assert step.activity == activity
        assert ", ".join(step.requirement_texts()) == kelengkapan
        assert step.duration_text == waktu.strip()
        written = parse_waktu(waktu)
        assert (step.duration_amount, step.duration_unit) == (written.amount, written.unit)
        assert step.output == output
        assert step.remark == remark.strip()


def test_the_cadences_follow_the_domain_reading(sop000):
    cadence = {step.number: step.cadence for step in sop000.steps.all()}
    assert [n for n, c in cadence.items() if c == Step.Cadence.QUARTERLY] == [1, 2, 3, 4, 5]
    assert [n for n, c in cadence.items() if c == Step.Cadence.SEMESTER] == [6, 8]
    assert [n for n, c in cadence.items() if c == Step.Cadence.ANNUAL] == [7, 9]


def test_assumed_executors_are_flagged_on_every_step(sop000):
    assert "ASSUMED" in sop000.provenance
    assert all(step.provenance for step in sop000.steps.all())
    first = sop000.steps.get(number=1)
    assert first.executor.title == "Sekretaris" and first.collects_data
    assert first.symbol == sop000.steps.get(number=9).symbol == Step.Symbol.TERMINATOR


def test_the_head_of_office_from_the_seed_is_a_demo_login(balangan):
    head = balangan.employees.get(position__rank="kepala_dinas")
    assert head.full_name == "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
    assert head.nip == "196603131989031011"
    assert head.user.username == "balangan.kadis"
