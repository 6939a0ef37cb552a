"""SOPs that the seeds do not have, built through the services as real offices write them.

permohonan_sop: Balangan's archive-service requests, through the entry path with an outside party,
a system column, a step with two actors, a three-way decision, a forward jump, a loop and two ends.
complex_sop: twelve steps with a forward jump, a three-way decision, two ends and a step with two
actors. wide_sop: ten executor columns with long headings."""

import datetime

from workflow.models import Executor, Position, Sop, SopVersion
from workflow.sop.services import ExecutorSpec, StepSpec, sop_version_create

OUTSIDE = Executor.Kind.OUTSIDE
SYSTEM = Executor.Kind.SYSTEM


def _positions(agency):
    return list(Position.objects.filter(agency=agency).order_by("pk"))


def complex_sop(agency, *, number: str = "SOP – 77/DISPERSIP", status: str = "draft", lists=None, **identity):
    """Twelve steps: 4 → 7 jumps forward (Tidak lengkap), 7 is a three-way decision (Disetujui,
    Ditolak → end at 12, Didisposisikan → back to 5), 9 has two actors, 10 and 12 are ends."""
    head, secretary, staff = _positions(agency)[:3]
    sop = Sop.objects.create(agency=agency, number=number)
    executors = [
        ExecutorSpec("Pemohon", None, OUTSIDE),
        ExecutorSpec("Staf Pelayanan", staff, short_label="Staf"),
        ExecutorSpec("Sekretaris", secretary),
        ExecutorSpec("Kepala Dinas", head),
        ExecutorSpec("Aplikasi SRIKANDI", None, SYSTEM, short_label="Aplikasi"),
    ]

    def step(n, activity, actors, symbol="process", exits=None, waktu="1 hari", **more):
        return StepSpec(n, activity, waktu, f"Dokumen langkah {n}", actors=actors, symbol=symbol, exits=exits, **more)

    steps = [
        step(1, "Pemohon mengajukan permohonan", ["Pemohon"], "terminator", waktu="Seketika"),
        step(2, "Menerima berkas permohonan dan mencatat dalam buku agenda", ["Staf Pelayanan"], waktu="15 menit"),
        step(3, "Mencatat permohonan ke aplikasi", ["Aplikasi SRIKANDI"], waktu="Seketika (otomatis)"),
        step(
            4,
            "Memeriksa kelengkapan berkas",
            ["Staf Pelayanan"],
            "decision",
            [("Lengkap", 5), ("Tidak lengkap", 11)],
            waktu="4 jam kerja",
        ),
        step(5, "Menelaah permohonan dan menyiapkan konsep jawaban", ["Sekretaris"], waktu="2 hari kerja"),
        step(6, "Memaraf konsep jawaban", ["Sekretaris"], waktu="1 jam"),
        step(
            7,
            "Memutuskan permohonan",
            ["Kepala Dinas"],
            "decision",
            [("Disetujui", 8), ("Ditolak", 12), ("Didisposisikan", 5)],
            waktu="1 minggu",
        ),
        step(8, "Menandatangani surat jawaban", ["Kepala Dinas"], waktu="30 menit"),
        step(9, "Menyerahkan surat jawaban kepada pemohon", ["Staf Pelayanan", "Pemohon"], waktu="Menyesuaikan"),
        step(10, "Permohonan selesai", ["Pemohon"], "terminator", exits=[], waktu="Seketika"),
        step(11, "Mengembalikan berkas untuk dilengkapi", ["Staf Pelayanan"], exits=[("", 2)], waktu="1 hari"),
        step(12, "Permohonan ditolak dan diarsipkan", ["Aplikasi SRIKANDI"], "terminator", exits=[], waktu="5 menit"),
    ]
    return sop_version_create(
        sop=sop,
        name="Pelayanan Permohonan Informasi",
        made_on=None if status == "draft" else datetime.date(2026, 1, 5),
        executors=executors,
        steps=steps,
        lists={
            "dasar_hukum": [("1.", "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik")],
            "peringatan": [("a.", "Berkas yang tidak lengkap dikembalikan"), ("b.", "Jawaban paling lama 10 hari")],
            **(lists or {}),
        },
        status=status,
        **identity,
    )


def wide_sop(agency, *, columns: int = 10, number: str = "SOP – 78/DISPERSIP"):
    """An SOP with ten executor columns with long headings, each step in the next column."""
    positions = _positions(agency)
    sop = Sop.objects.create(agency=agency, number=number)
    titles = [
        "Kepala Dinas Perpustakaan",
        "Sekretaris Dinas",
        "Kepala Bidang Pengembangan",
        "Kepala Sub Bagian Umum dan Kepegawaian",
        "Pejabat Fungsional Pustakawan",
        "Pengelola Layanan Operasional",
        "Pemohon",
        "Organisasi Perangkat Daerah Terkait",
        "Masyarakat",
        "Aplikasi Pelaporan Kinerja",
    ][:columns]
    executors = []
    for i, title in enumerate(titles):
        if i < 6:
            executors.append(ExecutorSpec(title, positions[i]))
        else:
            executors.append(ExecutorSpec(title, None, OUTSIDE if i < 9 else SYSTEM))
    steps = [
        StepSpec(
            n,
            f"Kegiatan nomor {n} yang dikerjakan",
            "1 hari",
            "Dokumen",
            actors=[titles[(n - 1) % columns]],
            symbol="terminator" if n in (1, columns + 1) else "process",
            exits=[] if n == columns + 1 else None,
            executor=titles[min((n - 1) % columns, 5)] if (n - 1) % columns >= 6 else "",
        )
        for n in range(1, columns + 2)
    ]
    return sop_version_create(sop=sop, name="SOP Sepuluh Pelaksana", made_on=None, executors=executors, steps=steps)


def position(agency, key_title: str) -> Position:
    return Position.objects.get(agency=agency, title=key_title)


def permohonan_steps() -> list[StepSpec]:
    return [
        StepSpec(
            1,
            "Mengajukan permohonan layanan arsip",
            "Seketika",
            "Formulir permohonan",
            actors=["Pemohon"],
            symbol="terminator",
        ),
        StepSpec(2, "Memeriksa kelengkapan berkas", "15 menit", "Berkas diperiksa", actors=["Staf"]),
        StepSpec(
            3,
            "Berkas lengkap?",
            "5 menit",
            "Hasil pemeriksaan",
            actors=["Staf"],
            symbol="decision",
            exits=[("Lengkap", 4), ("Tidak lengkap", 9)],
        ),
        StepSpec(4, "Membahas permohonan bersama", "1 Minggu", "Notulen", actors=["Kasubbag", "Sekretaris"]),
        StepSpec(
            5,
            "Memutuskan permohonan",
            "4 jam kerja",
            "Keputusan",
            actors=["Sekretaris"],
            symbol="decision",
            exits=[("Disetujui", 6), ("Ditolak", 9), ("Didisposisikan", 2)],
        ),
        StepSpec(6, "Menerbitkan nomor layanan", "Seketika (otomatis)", "Nomor layanan", actors=["Aplikasi"]),
        StepSpec(7, "Menyerahkan hasil layanan", "Menyesuaikan", "Tanda terima", actors=["Staf", "Pemohon"]),
        StepSpec(8, "Selesai: layanan diberikan", "5 menit", "Arsip layanan", actors=["Staf"], symbol="terminator"),
        StepSpec(
            9,
            "Selesai: permohonan dikembalikan",
            "2 hari kerja",
            "Surat pengembalian",
            actors=["Staf"],
            symbol="terminator",
        ),
    ]


def permohonan_columns(agency) -> list[ExecutorSpec]:
    return [
        ExecutorSpec("Pemohon", None, Executor.Kind.OUTSIDE),
        ExecutorSpec("Staf", position(agency, "Staf Penyusun Evaluasi Kinerja"), short_label="Staf"),
        ExecutorSpec("Kasubbag", position(agency, "Kasubbag Perencanaan dan Keuangan"), short_label="Kasubbag PK"),
        ExecutorSpec("Sekretaris", position(agency, "Sekretaris")),
        ExecutorSpec("Aplikasi", None, Executor.Kind.SYSTEM, short_label="Sistem"),
    ]


def permohonan_sop(agency, *, status=SopVersion.Status.EFFECTIVE, number="SOP – 07/DISPERSIP") -> SopVersion:
    """A Balangan SOP for archive service requests."""
    signed = status != SopVersion.Status.DRAFT
    return sop_version_create(
        sop=Sop.objects.create(agency=agency, number=number),
        name="SOP Pelayanan Permohonan Arsip",
        made_on=datetime.date(2026, 1, 5),
        status=status,
        effective_on=datetime.date(2026, 1, 6) if signed else None,
        approver_title="Kepala Dinas Perpustakaan dan Kearsipan" if signed else "",
        approver_name="H. RODY RAHMADY NOOR, S.Sos, MM.Pub" if signed else "",
        executors=permohonan_columns(agency),
        steps=permohonan_steps(),
        lists={"dasar_hukum": [("a.", "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan")]},
    )


def reviewer_sop(agency, *, status: str = "draft", number: str = "SOP – 80/DISPERSIP") -> SopVersion:
    """What a Bagian Organisasi reviewer looks for on a sheet: decisions in the rightmost Pelaksana
    column (Kepala Dinas), loops back into decisions, a loop from the last column to the second, a
    forward jump, and enough rows that the flowchart breaks across pages (off-page connectors)."""
    head, secretary, staff = _positions(agency)[:3]
    executors = [
        ExecutorSpec("Pemohon", None, OUTSIDE),
        ExecutorSpec("Staf Pelayanan", staff, short_label="Staf"),
        ExecutorSpec("Sekretaris", secretary),
        ExecutorSpec("Kepala Dinas", head),
    ]
    detail = " beserta kelengkapan administrasi yang diperlukan oleh pemohon"

    def step(n, activity, actors, symbol="process", exits=None, waktu="1 hari"):
        return StepSpec(n, activity + detail, waktu, f"Dokumen langkah {n}", actors=actors, symbol=symbol, exits=exits)

    flow = [
        step(1, "Mengajukan permohonan", ["Pemohon"], "terminator", waktu="Seketika"),
        step(2, "Menerima dan mencatat berkas permohonan", ["Staf Pelayanan"], waktu="15 menit"),
        step(3, "Memeriksa kelengkapan berkas", ["Staf Pelayanan"], "decision", [("Ya", 4), ("Tidak", 15)]),
        step(4, "Menelaah permohonan", ["Sekretaris"]),
        step(5, "Menyetujui telaahan", ["Kepala Dinas"], "decision", [("Ya", 6), ("Tidak", 4)]),
        step(6, "Menyiapkan konsep jawaban", ["Sekretaris"]),
        step(7, "Memaraf konsep jawaban", ["Sekretaris"], waktu="1 jam"),
        step(8, "Menandatangani jawaban", ["Kepala Dinas"], "decision", [("Ya", 9), ("Tidak", 6)]),
        step(9, "Menomori dan mengarsipkan jawaban", ["Staf Pelayanan"], waktu="30 menit"),
        step(10, "Memeriksa ulang salinan", ["Sekretaris"], "decision", [("Ya", 11), ("Tidak", 8)]),
        step(11, "Menggandakan jawaban", ["Staf Pelayanan"]),
        step(12, "Menyampaikan laporan layanan", ["Kepala Dinas"], "decision", [("Ya", 13), ("Tidak", 2)]),
        step(13, "Menyerahkan jawaban kepada pemohon", ["Staf Pelayanan"]),
        step(14, "Menerima jawaban", ["Pemohon"], "terminator", exits=[], waktu="Seketika"),
        step(15, "Mengembalikan berkas untuk dilengkapi", ["Staf Pelayanan"], exits=[("", 2)]),
    ]
    return sop_version_create(
        sop=Sop.objects.create(agency=agency, number=number),
        name="SOP Pelayanan Permohonan Jawaban Tertulis",
        made_on=None if status == "draft" else datetime.date(2017, 8, 1),
        effective_on=None if status == "draft" else datetime.date(2017, 8, 1),
        approver_title="" if status == "draft" else "Kepala Dinas Perpustakaan dan Kearsipan",
        approver_name="" if status == "draft" else "H. RODY RAHMADY NOOR, S.Sos, MM.Pub",
        status=status,
        executors=executors,
        steps=flow,
        lists={"dasar_hukum": [("1.", "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik")]},
    )
