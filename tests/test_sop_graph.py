"""The flowchart as a graph: its rules, each broken rule named by step in Indonesian."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.sample_sops import permohonan_columns, permohonan_sop, permohonan_steps
from workflow.models import Sop, SopVersion, Step
from workflow.sop.graph import Arrow, Node, problems
from workflow.sop.services import sop_version_create


def flow(*nodes) -> list[str]:
    with translation.override("id"):
        return problems(list(nodes))


def n(number, symbol="process", *exits):
    return Node(number, symbol, tuple(Arrow(label, target) for label, target in exits))


def test_a_linear_flow_from_terminator_to_terminator_is_sound():
    assert flow(n(1, "terminator", ("", 2)), n(2, "process", ("", 3)), n(3, "terminator")) == []


def test_forward_jumps_three_way_decisions_loops_and_two_ends_are_sound():
    assert (
        flow(
            n(1, "terminator", ("", 2)),
            n(2, "decision", ("Disetujui", 3), ("Ditolak", 5), ("Didisposisikan", 1)),
            n(3, "process", ("", 4)),
            n(4, "terminator"),
            n(5, "terminator"),
        )
        == []
    )


def test_the_first_and_last_steps_must_be_terminators():
    found = flow(n(1, "process", ("", 2)), n(2, "process"))
    assert "Langkah 1 adalah langkah pertama: gambarkan sebagai terminator (mulai/selesai)." in found
    assert "Langkah 2 adalah langkah terakhir: gambarkan sebagai terminator (mulai/selesai)." in found


def test_a_decision_needs_two_exits_with_distinct_labels():
    one = flow(n(1, "terminator", ("", 2)), n(2, "decision", ("Ya", 3)), n(3, "terminator"))
    assert one == ["Langkah 2 adalah keputusan: memerlukan sedikitnya dua jalur keluar, masing-masing berlabel."]
    same = flow(n(1, "terminator", ("", 2)), n(2, "decision", ("Ya", 3), ("ya", 1)), n(3, "terminator"))
    assert same == ["Langkah 2 adalah keputusan: dua jalur keluar berlabel sama."]
    unlabelled = flow(n(1, "terminator", ("", 2)), n(2, "decision", ("Ya", 3), ("", 1)), n(3, "terminator"))
    assert unlabelled == ["Langkah 2 adalah keputusan: setiap jalur keluar perlu label (mis. Ya / Tidak)."]


def test_every_step_must_be_reachable_from_the_start():
    found = flow(n(1, "terminator", ("", 3)), n(2, "process", ("", 3)), n(3, "terminator"))
    assert found == ["Langkah 2 tidak dapat dicapai dari langkah pertama."]


def test_every_path_must_reach_an_end():
    found = flow(
        n(1, "terminator", ("", 2)),
        n(2, "decision", ("Ya", 5), ("Tidak", 3)),
        n(3, "process", ("", 4)),
        n(4, "process", ("", 3)),
        n(5, "terminator"),
    )
    assert found == [
        "Dari langkah 3 tidak ada jalur yang sampai ke akhir SOP.",
        "Dari langkah 4 tidak ada jalur yang sampai ke akhir SOP.",
    ]


def test_an_exit_to_a_missing_step_or_to_itself_is_named():
    found = flow(n(1, "terminator", ("", 2)), n(2, "decision", ("Ya", 9), ("Tidak", 2)), n(3, "terminator"))
    assert "Langkah 2: jalur keluar “Ya” menuju langkah 9, yang tidak ada." in found
    assert "Langkah 2: jalur keluar tidak boleh kembali ke langkah itu sendiri." in found


def test_a_process_has_exactly_one_exit():
    found = flow(n(1, "terminator", ("", 2)), n(2, "process", ("", 3), ("", 1)), n(3, "terminator"))
    assert found == ["Langkah 2 adalah proses: hanya punya satu jalur keluar (gunakan simbol keputusan untuk pilihan)."]


def test_a_real_sop_with_outside_parties_a_system_and_several_actors_is_saved_whole(balangan):
    version = permohonan_sop(balangan)
    assert version.status == SopVersion.Status.EFFECTIVE
    steps = {step.number: step for step in version.steps.all()}
    assert [c.title for c in steps[4].actor_columns()] == ["Kasubbag", "Sekretaris"]
    assert steps[4].executor.title == "Kasubbag"  # the first position among its actors performs it
    # A step only an outside party or a system does is recorded by whoever receives it next.
    assert steps[1].executor.title == "Staf" and steps[6].executor.title == "Staf"
    assert steps[5].exit_labels() == ["Disetujui", "Ditolak", "Didisposisikan"]
    assert [(e.label, e.target.number) for e in steps[3].exit_list()] == [("Lengkap", 4), ("Tidak lengkap", 9)]
    assert steps[7].exit_list()[0].target.number == 8 and steps[8].exit_list() == []


def test_an_effective_sop_with_a_broken_graph_is_refused_naming_the_step_and_saves_nothing(balangan):
    steps = permohonan_steps()
    steps[4].exits = [("Disetujui", 6)]  # a decision with one exit
    with translation.override("id"), pytest.raises(ValidationError) as refusal:
        sop_version_create(
            sop=Sop.objects.create(agency=balangan, number="SOP – 08/DISPERSIP"),
            name="SOP Rusak",
            made_on=datetime.date(2026, 1, 5),
            effective_on=datetime.date(2026, 1, 6),
            approver_title="Kepala Dinas",
            approver_name="H. RODY RAHMADY NOOR, S.Sos, MM.Pub",
            status=SopVersion.Status.EFFECTIVE,
            executors=permohonan_columns(balangan),
            steps=steps,
        )
    assert "Langkah 5 adalah keputusan" in " ".join(refusal.value.messages)
    assert not Step.objects.filter(version__sop__number="SOP – 08/DISPERSIP").exists()


def test_a_draft_may_be_unfinished_but_cannot_become_effective_until_sound(balangan):
    from workflow.sop.services import sop_version_make_effective

    draft = permohonan_sop(balangan, status=SopVersion.Status.DRAFT)
    draft.sop.number = ""
    draft.sop.save()
    draft.steps.get(number=9).exits.create(order=1, label="", target=draft.steps.get(number=2))
    with translation.override("id"), pytest.raises(ValidationError) as refusal:
        sop_version_make_effective(
            version=draft, effective_on=draft.made_on, approver_title="Kepala Dinas", approver_name="X", approver_nip=""
        )
    messages = refusal.value.messages
    assert "SOP belum memiliki Nomor SOP." in messages
    assert "Alur tidak memiliki akhir: langkah terakhir harus terminator tanpa jalur keluar." not in messages
    draft.refresh_from_db()
    assert draft.status == SopVersion.Status.DRAFT
