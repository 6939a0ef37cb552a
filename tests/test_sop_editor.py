"""The SOP editor in the browser: the SOP list, drafts, steps with any exits, reordering, preview, roles."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sopkinerja.common.limits import MAX_STEPS
from tests.conftest import user
from workflow.models import Position, Sop, SopVersion, Step
from workflow.models.sop import SignedVersionFrozen
from workflow.sop.editor import DraftIdentity, sop_draft_create, sop_draft_save, step_moved
from workflow.sop.services import StepSpec

AUTHOR = "balangan.kasubbag"  # agency admin: holds workflow.add_sopversion


def _columns(columns):
    data = {"col-TOTAL_FORMS": str(len(columns)), "col-INITIAL_FORMS": "0"}
    for index, (title, kind, position) in enumerate(columns):
        data |= {
            f"col-{index}-title": title,
            f"col-{index}-short_label": "",
            f"col-{index}-kind": kind,
            f"col-{index}-position": str(position.pk) if position else "",
        }
    return data


def _steps(steps, initial=0):
    data = {"step-TOTAL_FORMS": str(len(steps)), "step-INITIAL_FORMS": str(initial)}
    for index, step in enumerate(steps):
        row = {
            "activity": "",
            "actors": [],
            "performer": "",
            "symbol": "process",
            "exits": "",
            "requirements": "",
            "waktu": "15 menit",
            "output": "Berkas",
            "remark": "",
            "cadence": "triwulan",
        } | step
        data |= {f"step-{index}-{key}": value for key, value in row.items()}
    return data


def _form(columns, steps, **identity):
    data = {
        "number": "800/01/SOP/2026",
        "name": "Layanan Surat Keterangan",
        "unit": "",
        "made_on": "2026-11-01",
        "revised_on": "",
        "prepared_by": "",
        "checked_by": "",
        "list_dasar_hukum": "1. UU 25/2009 tentang Pelayanan Publik\n2. PermenPAN-RB 35/2012",
        "list_peringatan": "- Berkas tidak lengkap dikembalikan",
    } | identity
    return data | _columns(columns) | _steps(steps)


@pytest.fixture
def positions(balangan):
    return {
        "kadis": Position.objects.get(agency=balangan, rank="kepala_dinas"),
        "sekretaris": Position.objects.get(agency=balangan, rank="sekretaris"),
    }


@pytest.fixture
def draft(balangan):
    return sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="Layanan Surat Keterangan")


def three_way(positions):
    """Pemohon applies, the Sekretaris checks, the Kepala Dinas decides three ways."""
    columns = [
        ("Pemohon", "outside", None),
        ("Sekretaris", "position", positions["sekretaris"]),
        ("Kepala Dinas", "position", positions["kadis"]),
    ]
    steps = [
        {"activity": "Mengajukan permohonan", "actors": ["Pemohon"], "symbol": "terminator", "output": "Permohonan"},
        {"activity": "Memeriksa berkas", "actors": ["Sekretaris"], "waktu": "1 jam kerja"},
        {
            "activity": "Memutuskan permohonan",
            "actors": ["Kepala Dinas"],
            "symbol": "decision",
            "exits": "Disetujui: 4; Ditolak: 5; Didisposisikan: 2",
            "waktu": "1 hari kerja",
        },
        {"activity": "Menerbitkan surat", "actors": ["Sekretaris"], "waktu": "Seketika", "exits": "6"},
        {"activity": "Memberitahu penolakan", "actors": ["Sekretaris"], "waktu": "Menyesuaikan"},
        {"activity": "Selesai", "actors": ["Sekretaris", "Pemohon"], "symbol": "terminator", "waktu": "Seketika"},
    ]
    return columns, steps


def test_an_author_creates_a_new_sop_from_the_sop_list(login, balangan):
    client = login(AUTHOR)
    assert "SOP baru" in client.get(reverse("workflow:sop-list")).content.decode()
    response = client.post(reverse("workflow:sop-new"), {"number": "", "name": "Layanan Baru", "unit": ""})
    version = SopVersion.objects.get(sop__agency=balangan, name="Layanan Baru")
    assert response.url == reverse("workflow:sop-edit", args=[version.pk])
    assert version.status == SopVersion.Status.DRAFT and version.sop.number == ""


def test_an_author_saves_steps_with_a_three_way_decision(login, draft, positions):
    client = login(AUTHOR)
    response = client.post(reverse("workflow:sop-edit", args=[draft.pk]), _form(*three_way(positions)))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    decision = draft.steps.get(number=3)
    assert [(e.label, e.target.number) for e in decision.exit_list()] == [
        ("Disetujui", 4),
        ("Ditolak", 5),
        ("Didisposisikan", 2),
    ]
    assert [c.title for c in draft.steps.get(number=6).actor_columns()] == ["Sekretaris", "Pemohon"]
    assert [(i.label, i.text) for i in draft.list_entries_of("dasar_hukum")][0] == (
        "1.",
        "UU 25/2009 tentang Pelayanan Publik",
    )
    assert draft.sop.number == "800/01/SOP/2026" and draft.effective_problems() == []
    page = client.get(reverse("workflow:sop-edit", args=[draft.pk])).content.decode()
    assert "Disetujui: 4; Ditolak: 5; Didisposisikan: 2" in page and "<svg" in page


def test_saving_with_an_unreadable_waktu_keeps_the_input_and_names_the_field(login, draft, positions):
    columns, steps = three_way(positions)
    steps[1]["waktu"] = "sebentar saja"
    steps[1]["activity"] = "Memeriksa berkas dengan teliti"
    response = login(AUTHOR).post(reverse("workflow:sop-edit", args=[draft.pk]), _form(columns, steps))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Draf belum disimpan" in page
    assert 'value="sebentar saja"' in page and "Memeriksa berkas dengan teliti" in page
    assert page.index('id="step-2"') < page.index("invalid-feedback") < page.index('id="step-3"')
    assert not draft.steps.exists() and draft.sop.number == ""


def test_a_problem_found_by_the_service_is_shown_next_to_its_step_and_saves_nothing(login, draft, positions):
    columns, steps = three_way(positions)
    steps[3]["exits"] = "9"  # no step 9
    response = login(AUTHOR).post(reverse("workflow:sop-edit", args=[draft.pk]), _form(columns, steps))
    page = response.content.decode()
    assert response.status_code == 200
    step4 = page[page.index('id="step-4"') : page.index('id="step-5"')]
    assert "step-errors" in step4 and re.search(r"(langkah|step) 9", step4, re.I)
    assert not draft.steps.exists()


def test_moving_a_step_keeps_its_exits_pointing_at_the_same_steps():
    steps = [
        StepSpec(1, "Mulai", "Seketika", "-", symbol="terminator"),
        StepSpec(2, "Periksa", "1 jam", "-"),
        StepSpec(3, "Putuskan", "1 jam", "-", symbol="decision", exits=[("Ya", 5), ("Tidak", 2)]),
        StepSpec(4, "Catat", "1 jam", "-"),
        StepSpec(5, "Selesai", "Seketika", "-", symbol="terminator"),
    ]
    moved = step_moved(steps, 3, -1)  # "Catat" moves up above the decision
    by_activity = {s.activity: s for s in moved}
    assert [s.activity for s in moved] == ["Mulai", "Periksa", "Catat", "Putuskan", "Selesai"]
    assert by_activity["Putuskan"].exits == [("Ya", 5), ("Tidak", 2)]
    assert by_activity["Catat"].number == 3 and by_activity["Catat"].exits == [("", 5)]  # still to Selesai
    assert by_activity["Periksa"].exits == [("", 4)]  # still to Putuskan


def test_the_move_button_reorders_and_saves(login, draft, positions):
    client = login(AUTHOR)
    client.post(reverse("workflow:sop-edit", args=[draft.pk]), _form(*three_way(positions)))
    columns, steps = three_way(positions)
    data = _form(columns, steps) | {"step-INITIAL_FORMS": "6", "move": "5:up"}
    assert client.post(reverse("workflow:sop-edit", args=[draft.pk]), data).status_code == 302
    decision = draft.steps.get(number=3)
    assert [(e.label, e.target.activity) for e in decision.exit_list()] == [
        ("Disetujui", "Menerbitkan surat"),
        ("Ditolak", "Memberitahu penolakan"),
        ("Didisposisikan", "Memeriksa berkas"),
    ]
    assert draft.steps.get(number=4).activity == "Memberitahu penolakan"
    assert draft.steps.get(activity="Menerbitkan surat").exit_list()[0].target.activity == "Selesai"


def test_the_preview_draws_the_unsaved_flowchart_and_lists_the_graph_problems(login, draft, positions):
    columns, steps = three_way(positions)
    steps[5]["symbol"] = "process"  # the last step is no longer an end
    response = login(AUTHOR).post(reverse("workflow:sop-preview", args=[draft.pk]), _form(columns, steps))
    page = response.content.decode()
    assert response.status_code == 200 and "<svg" in page
    assert re.search(r"(Langkah|Step) 6", page) and "terminator" in page.lower()
    assert not draft.steps.exists()


def test_a_signed_version_cannot_be_edited(login, sop000):
    response = login(AUTHOR).get(reverse("workflow:sop-edit", args=[sop000.pk]))
    assert response.url == reverse("workflow:sop-detail", args=[sop000.pk])
    with pytest.raises(SignedVersionFrozen):
        sop_draft_save(
            version=sop000,
            user=user(AUTHOR),
            identity=DraftIdentity(number=sop000.sop.number, name="Diubah"),
            executors=[],
            steps=[],
            lists={},
        )
    sop000.refresh_from_db()
    assert sop000.name != "Diubah" and sop000.steps.exists()


def test_another_agencys_draft_is_a_404(login, draft):
    client = login("padangpanjang.kasubbag")  # an SOP author, of another agency
    assert client.get(reverse("workflow:sop-edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("workflow:sop-preview", args=[draft.pk]), {}).status_code == 404


def test_staff_without_the_permission_are_refused(login, draft, balangan):
    client = login("balangan.staf")
    assert client.get(reverse("workflow:sop-edit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("workflow:sop-new")).status_code == 403
    assert "SOP baru" not in client.get(reverse("workflow:sop-list")).content.decode()
    with pytest.raises(PermissionDenied):
        sop_draft_create(agency=balangan, user=user("balangan.staf"), number="", name="X")


def test_the_sop_list_shows_revision_status_and_next_monitoring_in_a_fixed_number_of_queries(
    login, balangan, sop000, django_assert_max_num_queries
):
    client = login(AUTHOR)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("workflow:sop-list")).content.decode()
    from dateutil.relativedelta import relativedelta
    from django.utils.formats import date_format

    with_draft = sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="Tambahan")
    assert sop000.sop.number in page and sop000.name in page
    assert date_format(sop000.effective_on + relativedelta(months=6)) in page
    with django_assert_max_num_queries(16):
        assert with_draft.name in client.get(reverse("workflow:sop-list")).content.decode()


def test_a_new_revision_is_made_from_the_list_and_opens_in_the_editor(login, sop000):
    client = login(AUTHOR)
    response = client.post(reverse("workflow:sop-revise", args=[sop000.pk]))
    draft = SopVersion.objects.get(sop=sop000.sop, status=SopVersion.Status.DRAFT)
    assert response.url == reverse("workflow:sop-edit", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert sop000.steps.first().activity[:30] in page
    history = client.get(reverse("workflow:sop-history", args=[draft.pk])).content.decode()
    assert f">{sop000.revision}<" in history and f">{draft.revision}<" in history


def test_an_end_terminator_has_no_exit_and_a_start_goes_to_the_next_step(login, draft, positions):
    login(AUTHOR).post(reverse("workflow:sop-edit", args=[draft.pk]), _form(*three_way(positions)))
    assert [e.target.number for e in draft.steps.get(number=1).exit_list()] == [2]
    assert not draft.steps.get(number=6).exit_list()
    assert Sop.objects.filter(pk=draft.sop_id, number="800/01/SOP/2026").exists()
    assert draft.steps.get(number=3).symbol == Step.Symbol.DECISION


def test_the_sop_page_links_its_revisions_and_offers_a_new_revision_to_authors_only(login, sop000):
    url = reverse("workflow:sop-detail", args=[sop000.pk])
    author_page = login(AUTHOR).get(url).content.decode()
    assert reverse("workflow:sop-history", args=[sop000.pk]) in author_page
    assert reverse("workflow:sop-revise", args=[sop000.pk]) in author_page
    staff_page = login("balangan.staf").get(url).content.decode()
    assert reverse("workflow:sop-history", args=[sop000.pk]) in staff_page
    assert reverse("workflow:sop-revise", args=[sop000.pk]) not in staff_page
    assert login("balangan.staf").post(reverse("workflow:sop-revise", args=[sop000.pk])).status_code == 302
    assert not SopVersion.objects.filter(sop=sop000.sop, status=SopVersion.Status.DRAFT).exists()


def test_a_posted_step_count_beyond_any_real_sop_is_refused_without_building_the_forms(
    login, draft, positions, django_assert_max_num_queries
):
    columns, steps = three_way(positions)
    data = _form(columns, steps)
    data["step-TOTAL_FORMS"] = str(10**9)
    response = login(AUTHOR).post(reverse("workflow:sop-edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Draf belum disimpan" in page
    assert f"{MAX_STEPS}" in page and page.count('name="step-') < (MAX_STEPS + 1) * 30
    assert not draft.steps.exists()


def step_forms(page: str) -> int:
    return page.count('class="border rounded p-2 mb-3 step-form')


def test_a_new_draft_shows_one_blank_step_form_and_an_add_step_button(login, draft):
    page = login(AUTHOR).get(reverse("workflow:sop-edit", args=[draft.pk])).content.decode()
    assert step_forms(page) == 1
    assert "Tambah langkah" in page


def test_add_step_brings_one_more_blank_form_and_nothing_typed_is_lost_or_saved(login, draft, positions):
    columns, steps = three_way(positions)
    data = _form(columns, steps[:2]) | {"add_step": "1"}
    response = login(AUTHOR).post(reverse("workflow:sop-edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and step_forms(page) == 3
    assert steps[1]["activity"] in page and 'value="800/01/SOP/2026"' in page
    draft.sop.refresh_from_db()
    assert draft.steps.count() == 0 and draft.sop.number == ""


def test_the_add_step_button_fetches_the_next_blank_form_in_place(login, draft, positions):
    columns, steps = three_way(positions)
    data = _form(columns, steps[:2])
    response = login(AUTHOR).post(reverse("workflow:sop-step-add", args=[draft.pk]), data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert step_forms(page) == 1 and 'name="step-2-activity"' in page and "Langkah 3" in page
    assert 'name="step-TOTAL_FORMS" value="3"' in page and 'hx-swap-oob="true"' in page
    assert 'value="Pemohon"' in page  # the columns typed so far are offered as actors
