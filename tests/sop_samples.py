"""SOPs as real offices write them, built through the services: outside parties, a system column,
a step with two actors, a three-way decision, a forward jump, a loop and two end terminators."""

import datetime

from workflow.models import Executor, Position, Sop, SopVersion
from workflow.sop.services import ExecutorSpec, StepSpec, sop_version_create


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
