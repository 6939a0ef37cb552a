"""The year's LKjIP tables as one workbook for the national channels (e-SAKIP upload, SIPD): IKU, PK
and realisasi with capaian per quarter and for the year, with measure()'s numbers, and no cell that
Excel would run as a formula. The same file from the documents page and from the API."""

import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import Indicator
from reports.performance.excel import lkjip_workbook
from reports.performance.selectors import measure
from reports.performance.values import format_number
from sopkinerja.common.periods import Period

from .api_helpers import call, token_for
from .figures_helpers import library_visitors


def test_the_workbook_holds_iku_pk_and_capaian_as_measured(balangan):
    book = load_workbook(io.BytesIO(lkjip_workbook(agency=balangan, year=2026)))
    assert book.sheetnames[:3] == ["IKU", "Perjanjian Kinerja", "Realisasi dan Capaian"]
    indicators = Indicator.objects.filter(objective__agency=balangan).count()
    assert book["IKU"].max_row == indicators + 1 and book["Perjanjian Kinerja"].max_row == indicators + 1
    rows = [[cell.value for cell in row] for row in book["Realisasi dan Capaian"].iter_rows(min_row=2)]
    first = measure(balangan, Period.parse("2026-TW1"))[0]
    line = next(r for r in rows if r[1] == Period.parse("2026-TW1").label and r[3] == first.indicator.name)
    assert line[7] == format_number(round(first.achievement, 2)) and line[8] == first.rating


def test_a_name_typed_as_a_formula_stays_text(balangan):
    indicator = library_visitors(balangan)
    Indicator.objects.filter(pk=indicator.pk).update(name='=HYPERLINK("http://x","klik")')
    book = load_workbook(io.BytesIO(lkjip_workbook(agency=balangan, year=2026)))
    cells = [cell for row in book["IKU"].iter_rows() for cell in row if str(cell.value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_documents_page_and_the_api_give_the_same_tables(login, client, balangan):
    page = login("balangan.staf").get(reverse("reports:lkjip-excel", args=[2026]))
    assert page.status_code == 200 and "lkjip-balangan-2026.xlsx" in page["Content-Disposition"]
    client.logout()
    _token, secret = token_for(balangan, scopes=["read:performance"])
    api = call(client, "GET", "/api/v1/agencies/balangan/export/2026", secret)

    def cells(content):
        book = load_workbook(io.BytesIO(content))
        return [[c.value for c in row] for sheet in book for row in sheet.iter_rows()]

    assert cells(api.content) == cells(page.content)
    html = login("balangan.staf").get(reverse("reports:documents")).content.decode()
    assert reverse("reports:lkjip-excel", args=[timezone.localdate().year]) in html
