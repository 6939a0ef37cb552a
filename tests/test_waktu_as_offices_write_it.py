"""Waktu as offices write it (issue 19): "-", "1x24 jam", "1 bulan", "± 15 menit", "10 menit/berkas",
"3 hari kalender", "1-3 hari". Each is accepted by every door, printed as written, counted honestly in the
Jumlah with a note saying what was assumed, and gives a deadline on the right clock."""

import copy
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse

from reports.documents import rendering as documents
from sopkinerja.common.periods import Period
from tests.conftest import user
from workflow.models import Position, SopVersion
from workflow.runs.calendar import WorkingCalendar
from workflow.runs.services import run_start
from workflow.sop.editor import sop_draft_create
from workflow.sop.exchange.excel import import_workbook, workbook_for
from workflow.sop.exchange.json_format import export_version, import_document
from workflow.sop.text import parse_waktu
from workflow.sop.waktu import CalendarSpan, Duration, TimeUnit, total_waktu

from .test_sop_excel import edited
from .test_sop_exchange import agency_like, branching_document

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
CALENDAR = WorkingCalendar(
    zone=WITA, work_days=frozenset(range(1, 6)), starts=datetime.time(7, 30), ends=datetime.time(16, 0)
)
FRIDAY_10 = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=WITA)
AUTHOR = "balangan.kasubbag"

# The five steps of the branching document, written the ways offices write them.
WRITTEN = ["-", "± 15 menit", "1x24 jam", "–", "10 menit/berkas"]
MORE_WRITTEN = ["1 bulan", "3 hari kalender", "1-3 hari"]


def with_waktu(texts: list[str]) -> dict:
    document = copy.deepcopy(branching_document())
    for step, text in zip(document["steps"], texts, strict=True):
        step["waktu"] = text
    return document


def waktu_texts(version: SopVersion) -> list[str]:
    return [step.duration_text for step in version.steps.order_by("number")]


def jumlah(*texts: str):
    return total_waktu(parse_waktu(text) for text in texts)


# Read into a value -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit", "calendar", "approximate", "per", "low"),
    [
        ("1x24 jam", 24, TimeUnit.HOUR, True, False, "", None),
        ("2 x 24 jam", 48, TimeUnit.HOUR, True, False, "", None),
        ("1 bulan", 1, TimeUnit.MONTH, True, False, "", None),
        ("± 15 menit", 15, TimeUnit.MINUTE, False, True, "", None),
        ("kurang lebih 2 jam", 2, TimeUnit.HOUR, False, True, "", None),
        ("10 menit/berkas", 10, TimeUnit.MINUTE, False, False, "berkas", None),
        ("10 menit per berkas", 10, TimeUnit.MINUTE, False, False, "berkas", None),
        ("3 hari kalender", 3, TimeUnit.DAY, True, False, "", None),
        ("1-3 hari", 3, TimeUnit.DAY, False, False, "", 1),
        ("1 s/d 3 hari kalender", 3, TimeUnit.DAY, True, False, "", 1),
    ],
)
def test_each_form_offices_write_is_read_into_its_value_and_keeps_its_text(
    text, amount, unit, calendar, approximate, per, low
):
    waktu = parse_waktu(text)
    assert (waktu.amount, waktu.unit, waktu.calendar, waktu.approximate, waktu.per, waktu.low) == (
        amount,
        unit,
        calendar,
        approximate,
        per,
        low,
    )
    assert waktu.text == text


@pytest.mark.parametrize("text", ["-", "–", " - "])
def test_a_dash_is_no_time_at_all_and_not_a_missing_standard(text):
    waktu = parse_waktu(text)
    assert waktu.no_time and not waktu.has_standard
    assert not parse_waktu("Menyesuaikan").no_time


def test_a_month_is_calendar_time_and_a_bare_hour_is_working_time():
    assert parse_waktu("1 bulan").on_calendar
    assert not parse_waktu("24 jam").on_calendar and not parse_waktu("1x24 jam kerja").on_calendar


# Accepted by every door --------------------------------------------------------------------------


def test_every_form_is_accepted_from_a_json_file_and_exported_as_written(balangan):
    version = import_document(balangan, with_waktu(WRITTEN), user=None)
    assert waktu_texts(version) == WRITTEN
    assert [step["waktu"] for step in export_version(version)["steps"]] == WRITTEN


def test_every_form_is_accepted_from_an_excel_workbook(balangan):
    version = import_document(balangan, branching_document(), user=None)
    content = workbook_for(balangan, version)
    texts = ["-", *MORE_WRITTEN, "–"]
    changed = edited(content, {("Langkah", row, 6): text for row, text in enumerate(texts, start=2)})
    imported = import_workbook(agency_like(balangan, "salinan-waktu"), io.BytesIO(changed), user=None)
    assert waktu_texts(imported) == texts


def editor_post(columns: list[tuple[str, Position]], steps: list[dict]) -> dict:
    data = {
        "number": "800/02/SOP/2026",
        "name": "Layanan Arsip",
        "unit": "",
        "made_on": "2026-11-01",
        "revised_on": "",
        "prepared_by": "",
        "checked_by": "",
        "col-TOTAL_FORMS": str(len(columns)),
        "col-INITIAL_FORMS": "0",
        "step-TOTAL_FORMS": str(len(steps)),
        "step-INITIAL_FORMS": "0",
    }
    for index, (title, position) in enumerate(columns):
        data |= {
            f"col-{index}-title": title,
            f"col-{index}-short_label": "",
            f"col-{index}-kind": "position",
            f"col-{index}-position": str(position.pk),
        }
    for index, step in enumerate(steps):
        row = {"performer": "", "exits": "", "requirements": "", "output": "Berkas", "remark": ""}
        row |= {"cadence": "triwulan", "symbol": "process"} | step
        data |= {f"step-{index}-{key}": value for key, value in row.items()}
    return data


def test_every_form_is_accepted_in_the_editor_and_saved_as_written(login, balangan):
    draft = sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="Layanan Arsip")
    sekretaris = Position.objects.get(agency=balangan, rank="sekretaris")
    texts = ["-", "± 15 menit", "10 menit/berkas", "1x24 jam", "1 bulan", "3 hari kalender", "1-3 hari", "–"]
    steps = [
        {"activity": f"Kegiatan {n}", "actors": ["Sekretaris"], "waktu": text} for n, text in enumerate(texts, start=1)
    ]
    steps[0]["symbol"] = steps[-1]["symbol"] = "terminator"
    response = login(AUTHOR).post(
        reverse("workflow:sop-edit", args=[draft.pk]), editor_post([("Sekretaris", sekretaris)], steps)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert waktu_texts(draft) == texts


def test_a_per_item_time_per_unit_of_time_is_refused_in_indonesian_in_the_editor(login, balangan):
    draft = sop_draft_create(agency=balangan, user=user(AUTHOR), number="", name="Layanan Arsip")
    sekretaris = Position.objects.get(agency=balangan, rank="sekretaris")
    steps = [{"activity": "Memeriksa", "actors": ["Sekretaris"], "waktu": "10 menit/hari"}]
    response = login(AUTHOR).post(
        reverse("workflow:sop-edit", args=[draft.pk]), editor_post([("Sekretaris", sekretaris)], steps)
    )
    assert response.status_code == 200
    assert "Waktu &#x27;10 menit/hari&#x27; tidak dapat dibaca" in response.content.decode()
    assert not draft.steps.exists()


# Printed as written, counted with its note ---------------------------------------------------------


def test_the_sop_sheet_prints_each_waktu_as_written_and_the_jumlah_with_its_notes(balangan):
    version = import_document(balangan, with_waktu(WRITTEN), user=None)
    html = documents.sop_sheet(version).html
    for text in WRITTEN:
        assert f'<td class="center short">{text}</td>' in html, text
    pieces = ("± 25 menit", "+ 1 hari kalender")
    assert " ".join(f'<span class="piece">{piece}</span>' for piece in pieces) in html
    assert "Catatan Jumlah:" in html
    assert "“10 menit/berkas” dihitung untuk 1 berkas." in html
    assert "±: “± 15 menit” adalah perkiraan, dihitung sesuai angkanya." in html
    assert "24 jam kalender = 1 hari kalender" in html


def test_the_sop_page_prints_each_waktu_as_written_and_the_notes_under_the_jumlah(login, balangan):
    version = import_document(balangan, with_waktu(["-", *MORE_WRITTEN, "–"]), user=None)
    page = login(AUTHOR).get(reverse("workflow:sop-detail", args=[version.pk])).content.decode()
    for text in ["1 bulan", "3 hari kalender", "1-3 hari"]:
        assert f'<td class="text-nowrap">{text}</td>' in page, text
    assert "3 hari" in page and "+ 1 bulan 3 hari kalender" in page
    assert "Catatan Jumlah" in page and "“1-3 hari” dihitung pada batas atasnya, 3 hari." in page


def test_a_seed_sheet_has_no_notes_under_its_jumlah(sop000):
    assert "Catatan Jumlah" not in documents.sop_sheet(sop000).html
    assert sop000.total_duration().notes == []


def test_a_dash_adds_nothing_and_the_note_says_so():
    total = jumlah("-", "2 jam", "–")
    assert total.parts == ["2 jam"] and total.without_standard == 0
    assert total.notes == ["Langkah bertanda “-” tidak memakan waktu dan tidak dihitung."]


def test_one_times_twenty_four_hours_is_one_calendar_day_beside_the_working_time():
    total = jumlah("2 jam", "1x24 jam")
    assert total.duration == Duration(hours=2) and total.calendar == CalendarSpan(days=1)
    assert total.parts == ["2 jam", "+ 1 hari kalender"]
    assert total.notes[0].startswith("Waktu kalender (hari kalender, 1x24 jam, bulan) dijumlahkan terpisah")


def test_a_month_is_counted_as_one_calendar_month_and_the_note_says_so():
    total = jumlah("1 bulan", "2 hari")
    assert total.parts == ["2 hari", "+ 1 bulan kalender"]
    assert "1 bulan dihitung sebagai 1 bulan kalender, tidak diubah menjadi hari." in total.notes


def test_calendar_days_are_added_on_the_calendar_not_as_working_days():
    total = jumlah("2 hari", "3 hari kalender", "1x24 jam")
    assert total.duration == Duration(days=2) and total.calendar == CalendarSpan(days=4)
    assert str(total) == "2 hari + 4 hari kalender"


def test_an_estimate_is_counted_at_its_number_and_marks_the_jumlah():
    total = jumlah("± 15 menit", "30 menit", "kira-kira 1 jam")
    assert total.duration == Duration(hours=1, minutes=45)
    assert total.parts == ["± 1 jam", "45 menit"]
    assert total.notes == ["±: “± 15 menit”, “kira-kira 1 jam” adalah perkiraan, dihitung sesuai angkanya."]


def test_a_time_per_item_is_counted_for_one_item_and_the_note_says_so():
    total = jumlah("10 menit/berkas", "5 menit")
    assert total.parts == ["15 menit"]
    assert total.notes == ["“10 menit/berkas” dihitung untuk 1 berkas."]


def test_a_range_is_counted_at_its_upper_bound_and_the_note_says_so():
    total = jumlah("1-3 hari", "1 hari")
    assert total.parts == ["4 hari"]
    assert total.notes == ["“1-3 hari” dihitung pada batas atasnya, 3 hari."]


def test_a_step_shows_its_waktu_in_its_own_words_on_the_pages():
    assert str(parse_waktu("1x24 jam")) == "24 jam kalender"
    assert str(parse_waktu("± 10 menit/berkas")) == "± 10 menit/berkas"
    assert str(parse_waktu("1-3 hari")) == "1–3 hari"
    assert str(parse_waktu("1 bulan")) == "1 bulan"
    assert str(parse_waktu("–")) == "-"


# Deadlines -------------------------------------------------------------------------------------------


def test_calendar_days_are_due_across_the_weekend_and_working_days_after_it():
    # Friday 20 November 2026 10:00: three calendar days end on Monday, three working days on Wednesday.
    assert CALENDAR.due(FRIDAY_10, parse_waktu("3 hari kalender")) == datetime.datetime(2026, 11, 23, 10, tzinfo=WITA)
    assert CALENDAR.due(FRIDAY_10, parse_waktu("3 hari")) == datetime.datetime(2026, 11, 25, 10, tzinfo=WITA)


def test_one_times_twenty_four_hours_is_due_the_next_day_at_the_same_hour_even_on_a_saturday():
    assert CALENDAR.due(FRIDAY_10, parse_waktu("1x24 jam")) == datetime.datetime(2026, 11, 21, 10, tzinfo=WITA)


def test_a_month_is_due_on_the_same_day_of_the_next_month_or_its_last_day():
    january_31 = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=WITA)
    assert CALENDAR.due(january_31, parse_waktu("1 bulan")) == datetime.datetime(2026, 2, 28, 9, tzinfo=WITA)
    assert CALENDAR.due(FRIDAY_10, parse_waktu("2 bulan")) == datetime.datetime(2027, 1, 20, 10, tzinfo=WITA)


def test_a_dash_sets_no_deadline_like_menyesuaikan_and_seketika():
    for text in ["-", "–", "Menyesuaikan", "Seketika"]:
        assert CALENDAR.due(FRIDAY_10, parse_waktu(text)) is None, text
    assert CALENDAR.waktu_minutes(parse_waktu("-")) == 0


def test_an_estimate_a_time_per_item_and_a_range_are_due_as_the_jumlah_counts_them():
    for written, counted in [("± 2 jam", "2 jam"), ("10 menit/berkas", "10 menit"), ("1-3 hari", "3 hari")]:
        assert CALENDAR.due(FRIDAY_10, parse_waktu(written)) == CALENDAR.due(FRIDAY_10, parse_waktu(counted))


def test_calendar_time_counts_at_its_working_share_in_a_runs_standard():
    # 24 hours on the clock hold, on average, 5/7 of a working day of 510 minutes.
    assert CALENDAR.waktu_minutes(parse_waktu("1x24 jam")) == 510 * 5 // 7
    assert CALENDAR.waktu_minutes(parse_waktu("7 hari kalender")) == 5 * 510


def test_the_seeds_standards_in_working_minutes_are_unchanged(sop000, sop002):
    for step in [*sop000.steps.all(), *sop002.steps.all()]:
        assert CALENDAR.waktu_minutes(step.waktu) == CALENDAR.standard_minutes(step.duration_amount, step.duration_unit)


def test_a_run_step_of_calendar_days_handed_out_on_a_friday_is_due_on_monday(balangan):
    document = with_waktu(["3 hari kalender", "15 menit", "1 hari", "Menyesuaikan", "-"])
    document |= {
        "status": "effective",
        "effective_on": "2026-01-10",
        "approver": {"title": "Kepala Dinas", "name": "Uji", "nip": "196603131989031011"},
    }
    version = import_document(balangan, document, user=None, keep_status=True)
    run = run_start(version=version, period=Period.parse("2026-TW4"), user=user("balangan.kadis"), now=FRIDAY_10)
    first = run.steps.order_by("sequence").first()
    assert first.due_at == datetime.datetime(2026, 11, 23, 10, tzinfo=WITA)
