"""The Perjanjian Kinerja (PK) as a document: printed from the year's targets, signed by the Kepala Dinas
(pihak pertama) like a report, offered only when every target is there, and locking the targets when signed."""

import shutil
import subprocess
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.documents import rendering as documents
from reports.documents import signing
from reports.documents.readiness import agreement_readiness
from reports.documents.services import document_request_sign, document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.models import DocumentKind, DocumentRequest, SignedDocument, TargetLock
from reports.performance.selectors import agreement_rows, indicators_for
from reports.performance.services import target_lock, target_set
from reports.templatetags.report_tags import target_text

from .conftest import TODAY, user

YEAR = TODAY.year  # the seed's year: every indicator of both offices has its annual and TW I–IV targets
KADIS = "H. RODY RAHMADY NOOR, S.Sos, MM.Pub"
BUPATI = "H. ABDUL HADI, S.Ag., M.I.Kom."


def next_year() -> int:
    """A year the documents page offers (it counts from today) and the seed has no targets for."""
    return timezone.localdate().year + 1


def fill_targets_but_one(agency, year: int):
    """Every indicator gets its annual and TW I–IV targets, except the last one, which lacks TW III.
    Returns that indicator."""
    indicators = list(indicators_for(agency).order_by("objective__order", "order"))
    for indicator in indicators:
        for quarter in (None, 1, 2, 3, 4):
            if indicator == indicators[-1] and quarter == 3:
                continue
            target_set(indicator=indicator, year=year, quarter=quarter, value=D(quarter or 10) * 10)
    return indicators[-1]


def sign_pk(agency, year: int = YEAR, who: str = "balangan.kadis") -> SignedDocument:
    return document_sign(
        agency=agency, kind=DocumentKind.AGREEMENT, user=user(who), secret=DEMO_PASSPHRASE, period=str(year)
    )


def ask_to_sign(client, year: int, capture):
    with capture(execute=True):
        return client.post(reverse("reports:documents"), {"pk-year": year, "pk-sign": "on"}, follow=True)


def test_the_pk_prints_both_parties_and_every_indicator_with_its_targets_from_data(balangan):
    html = documents.performance_agreement(balangan, YEAR).html
    assert "Perjanjian Kinerja Tahun 2026" in html and "Rencana Aksi Tahun 2026" in html
    assert KADIS in html and "Kepala Dinas Perpustakaan dan Kearsipan Kabupaten Balangan" in html
    assert BUPATI in html and "Bupati Balangan" in html
    assert "pihak pertama" in html and "pihak kedua" in html
    rows = agreement_rows(balangan, YEAR)
    assert len(rows) == indicators_for(balangan).count() == 8
    for row in rows:
        assert row.indicator.name in html and row.indicator.objective.name in html
        assert not row.missing
        for target in (row.target, *row.quarters):
            assert f">{target_text(target)}<" in html, (row.indicator.name, target)


def test_a_target_changed_before_signing_is_what_the_pk_prints(balangan):
    visitors = indicators_for(balangan).get(name="Jumlah pengunjung perpustakaan")
    target_set(indicator=visitors, year=YEAR, value=D("51234"))
    assert ">51.234<" in documents.performance_agreement(balangan, YEAR).html


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_pk_pdf_reads_perjanjian_kinerja_with_both_names_and_the_rencana_aksi(padang_panjang, tmp_path):
    pdf = tmp_path / "pk.pdf"
    pdf.write_bytes(documents.performance_agreement(padang_panjang, YEAR).pdf())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "PERJANJIAN KINERJA TAHUN 2026" in text
    assert "Dra. YUSNIDAR, M.Si." in text and "HENDRI ARNIS" in text and "Wali Kota Padang Panjang" in text
    assert "RENCANA AKSI TAHUN 2026" in text and "TW III" in text
    assert "36.000" in text and "9.500" in text  # visitors: the annual target and TW III's, from the seed


def test_a_year_with_a_missing_target_is_refused_for_signing_naming_the_indicator_and_linking_to_its_targets(
    login, balangan, django_capture_on_commit_callbacks
):
    year = next_year()
    lacking = fill_targets_but_one(balangan, year)
    page = ask_to_sign(login("balangan.kadis"), year, django_capture_on_commit_callbacks).content.decode()
    assert f"Perjanjian Kinerja tahun {year} belum dapat ditandatangani." in page
    assert f"{lacking.name} belum memiliki TW III untuk tahun {year}." in page
    assert f'href="{reverse("reports:targets", args=[year])}"' in page
    assert not DocumentRequest.objects.filter(kind=DocumentKind.AGREEMENT).exists()
    with pytest.raises(ValidationError, match=lacking.name):
        sign_pk(balangan, year)
    assert not SignedDocument.objects.filter(kind=DocumentKind.AGREEMENT).exists()


def test_an_indicator_without_any_target_is_named_with_everything_it_lacks(balangan):
    year = YEAR - 1  # the seed gives five of Balangan's eight indicators targets for last year
    readiness = agreement_readiness(balangan, year)
    assert not readiness.ready and len(readiness.gaps) == 3
    assert readiness.gaps[0].text == (
        f"Jumlah anggota perpustakaan belum memiliki target tahunan, TW I, TW II, TW III, TW IV untuk tahun {year}."
    )
    assert {gap.url for gap in readiness.gaps} == {reverse("reports:targets", args=[year])}


def test_a_year_without_any_target_says_so_in_one_sentence(balangan):
    readiness = agreement_readiness(balangan, YEAR + 5)
    assert [gap.text for gap in readiness.gaps] == [f"Belum ada target yang diisi untuk tahun {YEAR + 5}."]


def test_kunci_pk_refuses_a_year_whose_indicators_lack_targets_and_names_them(login, balangan):
    year = next_year()
    lacking = fill_targets_but_one(balangan, year)
    with pytest.raises(ValidationError, match=lacking.name):
        target_lock(agency=balangan, year=year, user=user("balangan.kadis"))
    page = login("balangan.kadis").post(reverse("reports:targets-lock", args=[year]), follow=True).content.decode()
    assert f"Target tahun {year} belum dapat dikunci." in page and lacking.name in page
    assert not TargetLock.objects.filter(agency=balangan, year=year).exists()


def test_signing_the_pk_in_two_steps_locks_the_years_targets(login, balangan, django_capture_on_commit_callbacks):
    client = login("balangan.kadis")
    ask_to_sign(client, YEAR, django_capture_on_commit_callbacks)
    request = DocumentRequest.objects.get(kind=DocumentKind.AGREEMENT, sign=True)
    assert request.status == DocumentRequest.Status.AWAITING and request.title == "Perjanjian Kinerja Tahun 2026"
    assert not TargetLock.objects.filter(agency=balangan, year=YEAR).exists()  # not before the signature
    document = document_request_sign(
        request=request, user=user("balangan.kadis"), secret=DEMO_PASSPHRASE, sha256=signing.sha256(bytes(request.pdf))
    )
    assert (document.kind, document.period, document.signer_name) == (DocumentKind.AGREEMENT, "2026", KADIS)
    lock = TargetLock.objects.get(agency=balangan, year=YEAR)
    assert lock.signed_document == document and lock.locked_by == user("balangan.kadis")
    visitors = indicators_for(balangan).get(name="Jumlah pengunjung perpustakaan")
    with pytest.raises(ValidationError, match="Target tahun 2026 sudah dikunci."):
        target_set(indicator=visitors, year=YEAR, quarter=2, value=D("1"))


def test_a_wrong_passphrase_neither_signs_the_pk_nor_locks_the_targets(balangan):
    with pytest.raises(signing.SigningRefused):
        document_sign(
            agency=balangan, kind=DocumentKind.AGREEMENT, user=user("balangan.kadis"), secret="wrong", period="2026"
        )
    assert not TargetLock.objects.filter(agency=balangan, year=YEAR).exists()
    assert not SignedDocument.objects.filter(kind=DocumentKind.AGREEMENT).exists()


def test_a_pk_whose_targets_changed_after_it_was_prepared_is_not_signed(
    login, balangan, django_capture_on_commit_callbacks
):
    ask_to_sign(login("balangan.kadis"), YEAR, django_capture_on_commit_callbacks)
    request = DocumentRequest.objects.get(kind=DocumentKind.AGREEMENT, sign=True)
    visitors = indicators_for(balangan).get(name="Jumlah pengunjung perpustakaan")
    target_set(indicator=visitors, year=YEAR, value=D("50000"))
    with pytest.raises(ValidationError, match="diubah setelah PDF ini disiapkan"):
        document_request_sign(
            request=request,
            user=user("balangan.kadis"),
            secret=DEMO_PASSPHRASE,
            sha256=signing.sha256(bytes(request.pdf)),
        )
    assert not TargetLock.objects.filter(agency=balangan, year=YEAR).exists()


def test_the_targets_page_says_the_pk_was_signed_and_links_to_the_signed_pdf(login, balangan):
    document = sign_pk(balangan)
    page = login("balangan.sekretaris").get(reverse("reports:targets", args=[YEAR])).content.decode()
    assert f"Perjanjian Kinerja ditandatangani oleh {KADIS}" in page
    assert reverse("reports:signed-download", args=[document.pk]) in page
    assert "Kunci PK" not in page  # nothing left to lock


def test_kunci_pk_without_a_signed_pk_never_says_a_pk_was_signed(login, balangan):
    client = login("balangan.kadis")
    page = client.get(reverse("reports:targets", args=[YEAR])).content.decode()
    assert "Kunci target (Kunci PK)" in page
    page = client.post(reverse("reports:targets-lock", args=[YEAR]), follow=True).content.decode()
    assert "Target tahun 2026 dikunci." in page
    assert "belum ada Perjanjian Kinerja yang ditandatangani" in page
    assert "ditandatangani oleh" not in page and "sudah ditandatangani" not in page


def test_signing_the_pk_after_kunci_pk_links_the_lock_to_the_signed_pk(balangan):
    lock = target_lock(agency=balangan, year=YEAR, user=user("balangan.kadis"))
    assert lock.signed_document is None
    document = sign_pk(balangan)
    lock.refresh_from_db()
    assert lock.signed_document == document


def test_the_signed_pk_shows_on_the_verification_page(client, balangan):
    document = sign_pk(balangan)
    page = client.get(reverse("reports:verify", args=[document.token])).content.decode()
    assert "Perjanjian Kinerja Tahun 2026" in page and KADIS in page
    response = client.post(
        reverse("reports:verify", args=[document.token]),
        {"file": _upload(bytes(document.pdf))},
    )
    assert "asli" in response.content.decode().lower()


def test_the_pk_is_not_offered_for_signature_while_the_head_of_the_region_is_unknown(balangan):
    government = balangan.local_government
    government.head_name = ""
    government.save()
    readiness = agreement_readiness(balangan, YEAR)
    assert readiness.reasons == (
        "Kepala daerah Kabupaten Balangan (pihak kedua) belum dicatat: hubungi administrator pemerintah daerah.",
    )
    with pytest.raises(ValidationError, match="pihak kedua"):
        sign_pk(balangan)


def test_the_documents_page_offers_the_pk_with_each_years_state(login, balangan):
    sign_pk(balangan)
    page = login("balangan.kadis").get(reverse("reports:documents")).content.decode()
    assert 'name="pk-year"' in page and 'name="pk-sign"' in page
    assert f"versi 1, ditandatangani oleh {KADIS}" in page
    staff = login("balangan.sekretaris").get(reverse("reports:documents")).content.decode()
    assert 'name="pk-year"' in staff and 'name="pk-sign"' not in staff


def test_only_the_governments_administrator_changes_the_head_of_the_region(login, balangan):
    government = balangan.local_government
    form = {
        "name": government.name,
        "kind": government.kind,
        "province": government.province,
        "head_title": "Bupati Balangan",
        "head_name": "BUPATI BARU",
    }
    url = reverse("admin:workflow_localgovernment_change", args=[government.pk])
    login("balangan.kasubbag").post(url, form)
    government.refresh_from_db()
    assert government.head_name == BUPATI
    government.administrators.add(user("balangan.kasubbag"))
    assert login("balangan.kasubbag").post(url, form).status_code == 302
    government.refresh_from_db()
    assert government.head_name == "BUPATI BARU"


def _upload(data: bytes):
    return SimpleUploadedFile("pk.pdf", data, content_type="application/pdf")
