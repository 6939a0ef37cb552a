"""Issue 20: the public portal (/publik/). An anonymous visitor reads an office's locked targets, the
capaian of its finished quarters as the reports compute them, its published signed reports and its
SOP sheets; nothing unsigned, unlocked, unfinished, withdrawn or internal; pages cached under the
data they show; downloads revalidated by their SHA-256."""

import re
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.documents.publication import publication_publish, publication_withdraw
from reports.models import DocumentKind, DocumentRequest, Publication, Realisation, SignedDocument, TargetLock
from reports.performance.selectors import measure
from reports.performance.services import target_lock
from reports.templatetags.report_tags import angka
from sopkinerja.common.periods import Period
from workflow.models import Employee, Run

from .conftest import sign_report, user
from .figures_helpers import fill_year, library_visitors
from .genuine_files import pdf_bytes

YEAR = 2026
SECRET_KENDALA = "kendala-rahasia-portal"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with nothing cached and no visits counted against its address."""
    cache.clear()
    yield
    cache.clear()


def finish_data_runs(agency, *periods: str) -> None:
    """Finished runs of the agency's data-collection SOP for the periods (their steps do not matter here)."""
    from workflow.models import Sop

    version = Sop.objects.filter(agency=agency).first().current_version()
    Run.objects.bulk_create(
        Run(
            sop=version.sop,
            version=version,
            period=period,
            state=Run.State.FINISHED,
            started_by=user("balangan.sekretaris" if agency.slug == "balangan" else "padangpanjang.kadis"),
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        for period in periods
    )


def lock_year(agency, year: int = YEAR) -> None:
    fill_year(agency, year)
    kadis = "balangan.kadis" if agency.slug == "balangan" else "padangpanjang.kadis"
    target_lock(agency=agency, year=year, user=user(kadis))


@pytest.fixture
def public_year(balangan):
    """Balangan's 2026: targets locked, TW I and II finished, TW III's figures in but not finished,
    a kendala on TW I, and the TW I report signed (so published)."""
    lock_year(balangan)
    finish_data_runs(balangan, f"{YEAR}-TW1", f"{YEAR}-TW2")
    Realisation.objects.filter(indicator__objective__agency=balangan, year=YEAR, quarter=1).update(
        obstacles=SECRET_KENDALA, solutions=SECRET_KENDALA
    )
    return sign_report(balangan, period=f"{YEAR}-TW1")


def office_url(agency, year=YEAR) -> str:
    return reverse("portal:office", args=[agency.slug]) + f"?tahun={year}"


def test_an_office_year_shows_locked_targets_finished_quarters_and_published_reports(client, balangan, public_year):
    page = client.get(office_url(balangan))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jumlah pengunjung perpustakaan" in html
    assert "Triwulan I 2026" in html and "Triwulan II 2026" in html
    assert "Triwulan III 2026" not in html  # its figures are in, but its data run has not finished
    assert public_year.title in html and reverse("portal:download", args=[public_year.token]) in html
    assert reverse("reports:verify", args=[public_year.token]) in html
    assert SECRET_KENDALA not in html
    # The capaian printed is the reports' own: measure() for the quarter, formatted as every page does.
    for row in measure(balangan, Period.parse(f"{YEAR}-TW2")):
        if row.achievement is not None:
            assert angka(row.achievement, 2) in html
    assert '<svg class="portal-chart" role="img" aria-labelledby=' in html


def test_an_unlocked_year_shows_no_targets_and_no_capaian(client, balangan):
    finish_data_runs(balangan, f"{YEAR}-TW1")
    html = client.get(office_url(balangan)).content.decode()
    assert "belum dikunci" in html
    assert "Jumlah pengunjung perpustakaan" not in html


def test_nothing_unpublished_is_reachable_walking_every_public_url_and_every_id(
    client, settings, balangan, padang_panjang, public_year, evidence
):
    settings.PORTAL_RATE = "100000/m"
    withdrawn = sign_report(balangan, period=f"{YEAR}-TW2")
    publication_withdraw(document=withdrawn, user=user("balangan.kadis"), reason="Diganti versi perbaikan")
    unpublished = sign_report(balangan, period=f"{YEAR}-S1")
    Publication.objects.filter(document=unpublished).delete()
    # Another office's signed report that it has not published, and a lembar disposisi.
    lock_year(padang_panjang)
    finish_data_runs(padang_panjang, f"{YEAR}-TW1")
    theirs = sign_report(padang_panjang, who="padangpanjang.kadis", period=f"{YEAR}-TW1")
    Publication.objects.filter(document=theirs).delete()
    pdf = pdf_bytes()
    disposisi = SignedDocument.objects.create(
        agency=balangan,
        kind=DocumentKind.DISPOSITION,
        subject="disposition:1",
        version=1,
        title="Lembar disposisi rahasia",
        signed_by=user("balangan.kadis"),
        signer_title="Kepala Dinas",
        signer_name="X",
        signed_at=timezone.now(),
        sha256="0" * 64,
        size=len(pdf),
        pdf=pdf,
    )
    # A signing request prepared but never signed: its PDF carries a token too.
    prepared = DocumentRequest.objects.create(
        agency=balangan,
        kind=DocumentKind.REPORT,
        period=f"{YEAR}-TW3",
        sign=True,
        title="Laporan belum ditandatangani",
        requested_by=user("balangan.kadis"),
        status=DocumentRequest.Status.AWAITING,
        token=uuid.uuid4(),
        pdf=pdf,
    )
    for url in (reverse("portal:document", args=[prepared.token]), reverse("portal:download", args=[prepared.token])):
        assert client.get(url).status_code == 404, url
    hidden = [withdrawn, unpublished, theirs, disposisi]
    signers = {d.signer_name for d in SignedDocument.objects.all()}
    staff = [e.full_name for e in Employee.objects.all() if e.full_name not in signers]

    pages = [reverse("portal:index")]
    for agency in (balangan, padang_panjang):
        for year in ("", "?tahun=2025", "?tahun=2026", "?tahun=2027", "?tahun=1999", "?tahun=abc", "?tahun=２０２６"):
            pages.append(reverse("portal:office", args=[agency.slug]) + year)
        pages.append(reverse("portal:government", args=[agency.local_government_id]) + "?tahun=2026")
        pages.append(reverse("portal:government", args=[agency.local_government_id]) + "?tahun=-1")
    pages += [reverse("portal:office", args=["tidak-ada"]), reverse("portal:government", args=[999999])]
    for document in SignedDocument.objects.defer("pdf"):
        pages += [reverse("portal:document", args=[document.token]), reverse("portal:download", args=[document.token])]
    pages += [reverse("portal:document", args=[uuid.uuid4()]), reverse("portal:download", args=[uuid.uuid4()])]

    bodies = []
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), f"{url}: {response.status_code}"
        if response["Content-Type"].startswith("text/html"):
            bodies.append((url, response.content.decode()))
    for document in hidden:
        download = client.get(reverse("portal:download", args=[document.token]))
        assert download.status_code == 404, f"{document.title} can be downloaded"
    for document in (unpublished, theirs, disposisi):
        assert client.get(reverse("portal:document", args=[document.token])).status_code == 404
    assert client.get(reverse("portal:download", args=[public_year.token])).status_code == 200
    for url, body in bodies:
        for document in hidden:
            if str(document.token) not in url:  # a page may echo its own address
                assert str(document.token) not in body, f"{url} links {document.title}"
        assert SECRET_KENDALA not in body, url
        assert evidence.original_name not in body and "/bukti/" not in body, url
        for name in staff:
            assert name not in body, f"{url} names {name}"


def test_a_withdrawn_document_says_when_and_why_and_cannot_be_downloaded(client, balangan, public_year):
    publication_withdraw(document=public_year, user=user("balangan.kasubbag"), reason="Diganti versi perbaikan")
    page = client.get(reverse("portal:document", args=[public_year.token])).content.decode()
    withdrawn_on = Publication.objects.get(document=public_year).withdrawn_at.astimezone(balangan.zone)
    assert "ditarik dari publikasi pada" in page and "Diganti versi perbaikan" in page
    assert withdrawn_on.strftime("%Y") in page
    assert reverse("portal:download", args=[public_year.token]) not in page
    assert client.get(reverse("portal:download", args=[public_year.token])).status_code == 404
    assert public_year.title not in client.get(office_url(balangan)).content.decode()


def test_a_download_is_the_signed_bytes_with_its_sha256_as_etag_and_a_304_for_a_current_copy(
    client, balangan, public_year
):
    url = reverse("portal:download", args=[public_year.token])
    response = client.get(url)
    assert response.status_code == 200 and response.content == bytes(public_year.pdf)
    assert response["ETag"] == f'"{public_year.sha256}"'
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["Content-Disposition"] == f'attachment; filename="{public_year.filename}"'
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{public_year.sha256}"')
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == response["ETag"]
    stale = client.get(url, HTTP_IF_NONE_MATCH='"' + "0" * 64 + '"')
    assert stale.status_code == 200


def test_the_office_page_changes_at_once_when_a_document_is_withdrawn_or_published_again(client, balangan, public_year):
    assert public_year.title in client.get(office_url(balangan)).content.decode()
    publication_withdraw(document=public_year, user=user("balangan.kadis"), reason="Salah lampiran")
    assert public_year.title not in client.get(office_url(balangan)).content.decode()
    publication_publish(document=public_year, user=user("balangan.kadis"))
    assert public_year.title in client.get(office_url(balangan)).content.decode()


def test_the_office_page_changes_at_once_when_a_quarter_finishes_or_a_figure_changes(client, balangan, public_year):
    assert "Triwulan III 2026" not in client.get(office_url(balangan)).content.decode()
    finish_data_runs(balangan, f"{YEAR}-TW3")
    assert "Triwulan III 2026" in client.get(office_url(balangan)).content.decode()
    figure = Realisation.objects.get(indicator=library_visitors(balangan), year=YEAR, quarter=1)
    figure.value, figure.submitted_at = Decimal("987654"), timezone.now()
    figure.save()
    assert "987.654" in client.get(office_url(balangan)).content.decode()


def test_a_cached_page_costs_one_query_for_a_visitor(client, balangan, public_year, django_assert_num_queries):
    client.get(office_url(balangan))
    with django_assert_num_queries(1):  # the office with the stamp of its data (the tests keep the cache in memory)
        client.get(office_url(balangan))


def test_a_kept_page_gives_each_visitor_their_own_csrf_token_and_the_language_switch_works_with_it(
    balangan, public_year
):
    from django.test import Client

    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(office_url(balangan)).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert len(token) == 64 and visitor.cookies["csrftoken"].value  # a masked token of the visitor's cookie
        switched = visitor.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
        assert "Offices</a>" in visitor.get(office_url(balangan)).content.decode()
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_kept_page_offers_the_dashboard_to_someone_signed_in_and_the_sign_in_to_a_visitor(
    client, balangan, public_year
):
    assert "/accounts/login/" in client.get(office_url(balangan)).content.decode()
    client.force_login(user("balangan.staf"))
    page = client.get(office_url(balangan)).content.decode()
    assert 'href="/"' in page and "/accounts/login/" not in page


def test_the_index_lists_a_new_office_and_a_renamed_one_at_once(client, balangan):
    from workflow.models import Agency

    assert "Dinas Kearsipan Baru" not in client.get(reverse("portal:index")).content.decode()
    balangan.name = "Dinas Kearsipan Baru"
    balangan.save(update_fields=["name"])
    page = client.get(reverse("portal:index")).content.decode()
    assert "Dinas Kearsipan Baru" in page
    Agency.objects.create(
        local_government=balangan.local_government,
        name="Dinas Arsip Kedua",
        slug="arsip-kedua",
        time_zone=balangan.time_zone,
    )
    assert "Dinas Arsip Kedua" in client.get(reverse("portal:index")).content.decode()


def test_the_stamp_of_an_office_follows_its_own_data_and_not_another_offices(balangan, padang_panjang, public_year):
    from reports.portal.selectors import government_stamp, office_stamp

    before = office_stamp(balangan.slug).stamp, government_stamp(balangan.local_government_id).stamp
    lock_year(padang_panjang)
    finish_data_runs(padang_panjang, f"{YEAR}-TW1")
    sign_report(padang_panjang, who="padangpanjang.kadis", period=f"{YEAR}-TW1")
    assert (office_stamp(balangan.slug).stamp, government_stamp(balangan.local_government_id).stamp) == before
    publication_withdraw(document=public_year, user=user("balangan.kadis"), reason="Salah lampiran")
    assert office_stamp(balangan.slug).stamp != before[0]
    assert government_stamp(balangan.local_government_id).stamp != before[1]


def test_an_admins_rename_of_an_office_or_its_government_shows_on_the_portal_at_once(client, balangan, public_year):
    office = office_url(balangan)
    summary = reverse("portal:government", args=[balangan.local_government_id]) + f"?tahun={YEAR}"
    assert client.get(office).status_code == client.get(summary).status_code == 200  # both kept in the cache
    balangan.name = "Dinas Literasi Banua"
    balangan.full_clean()
    balangan.save()
    # The kept content's own heading and the summary's row, not the page around them (built each time).
    assert '<h1 class="h3 mb-1">Dinas Literasi Banua</h1>' in client.get(office).content.decode()
    assert ">Dinas Literasi Banua</a></th>" in client.get(summary).content.decode()
    government = balangan.local_government
    government.name = "Kabupaten Banua Literasi"
    government.full_clean()
    government.save()
    assert 'aria-current="page">Dinas Literasi Banua</li>' in client.get(office).content.decode()
    assert "Kabupaten Banua Literasi · " in client.get(office).content.decode()


def test_a_renamed_indicator_or_sasaran_shows_on_the_office_page_at_once(client, balangan, public_year):
    assert "Jumlah pengunjung perpustakaan" in client.get(office_url(balangan)).content.decode()
    indicator = library_visitors(balangan)
    indicator.name = "Jumlah kunjungan ke perpustakaan daerah"
    indicator.save()
    html = client.get(office_url(balangan)).content.decode()
    assert "Jumlah kunjungan ke perpustakaan daerah" in html and "Jumlah pengunjung perpustakaan" not in html
    objective = indicator.objective
    objective.name = "Sasaran yang baru dinamai"
    objective.save()
    assert "Sasaran yang baru dinamai" in client.get(office_url(balangan)).content.decode()


def test_the_stamp_of_a_government_follows_the_names_of_its_offices_and_not_another_governments(
    balangan, padang_panjang
):
    from reports.portal.selectors import government_stamp, office_stamp

    before = government_stamp(balangan.local_government_id).stamp, office_stamp(balangan.slug).stamp
    padang_panjang.name = "Dinas Arsip Kota"
    padang_panjang.save()
    assert (government_stamp(balangan.local_government_id).stamp, office_stamp(balangan.slug).stamp) == before
    balangan.time_zone = "Asia/Jakarta"
    balangan.save()
    after = government_stamp(balangan.local_government_id).stamp, office_stamp(balangan.slug).stamp
    assert after[0] != before[0] and after[1] != before[1]


def test_a_long_indicator_name_is_drawn_whole_on_wrapped_lines_in_its_chart(client, balangan, public_year):
    from reports.portal.charts import NAME_CHARACTERS

    long_name = (
        "Persentase perangkat daerah dan desa yang telah menerapkan pengelolaan arsip dinamis "
        "sesuai standar nasional kearsipan"
    )
    indicator = library_visitors(balangan)
    indicator.name = long_name
    indicator.save()
    html = client.get(office_url(balangan)).content.decode()
    chart = next(svg for svg in re.findall(r"<svg .*?</svg>", html, re.S) if "Persentase perangkat" in svg)
    names = [
        re.findall(r"<tspan [^>]*>([^<]*)</tspan>", text)
        for text in re.findall(r'<text [^>]*class="chart-name">(.*?)</text>', chart)
    ]
    lines = next(lines for lines in names if lines[0].startswith("Persentase"))
    assert " ".join(lines) == long_name and "…" not in chart
    assert len(lines) > 1 and all(len(line) <= NAME_CHARACTERS for line in lines)


def _queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_an_office_year_and_the_summary_cost_the_same_queries_whatever_the_number_of_years(
    client, balangan, public_year
):
    summary = reverse("portal:government", args=[balangan.local_government_id]) + f"?tahun={YEAR}"
    one_year = (_queries(client, office_url(balangan)), _queries(client, summary))
    for year in (YEAR - 4, YEAR - 3, YEAR - 2, YEAR - 1):
        lock_year(balangan, year)
        finish_data_runs(balangan, *(f"{year}-TW{q}" for q in (1, 2, 3, 4)))
        sign_report(balangan, period=f"{year}-TW1")
    assert (_queries(client, office_url(balangan)), _queries(client, summary)) == one_year


def test_a_bad_year_is_a_clean_400_and_an_impossible_one_a_404(client, balangan):
    for value in ("abc", "20x6", "２０２６", "2026.0", "'; DROP TABLE x;--", "99999999999999999999"):
        response = client.get(reverse("portal:office", args=[balangan.slug]), {"tahun": value})
        assert response.status_code == 400, value
        assert "empat angka" in response.content.decode()
    for value in ("1999", "2101", "0000"):
        assert client.get(reverse("portal:office", args=[balangan.slug]), {"tahun": value}).status_code == 404
    assert (
        client.get(reverse("portal:government", args=[balangan.local_government_id]), {"tahun": "x"}).status_code == 400
    )


def test_the_government_summary_counts_published_reports_and_names_the_late_offices(
    client, balangan, public_year, settings
):
    html = client.get(
        reverse("portal:government", args=[balangan.local_government_id]), {"tahun": YEAR}
    ).content.decode()
    assert balangan.name in html and public_year.title in html
    # The TW I report was due 15 days after March; it was signed (published) only now, in the tests' year.
    assert "Triwulan I 2026" in html and "jatuh tempo" in html


def test_each_government_sets_its_own_deadlines_and_the_summary_follows_at_once(client, balangan, public_year):
    url = reverse("portal:government", args=[balangan.local_government_id])
    assert "jatuh tempo 15-04-2026" in client.get(url, {"tahun": YEAR}).content.decode()  # the default: 15 days
    government = balangan.local_government
    government.publish_quarter_days = 20
    government.full_clean()
    government.save()
    html = client.get(url, {"tahun": YEAR}).content.decode()
    assert "jatuh tempo 20-04-2026" in html and "15-04-2026" not in html
    government.publish_quarter_days = 400
    with pytest.raises(ValidationError):
        government.full_clean()


def test_building_pages_afresh_is_rate_limited_per_address_but_a_cached_page_is_not(client, settings, balangan):
    settings.PORTAL_RATE = "3/m"
    for year in (2021, 2022, 2023):
        assert client.get(office_url(balangan, year)).status_code == 200
    assert client.get(office_url(balangan, 2024)).status_code == 429
    assert client.get(office_url(balangan, 2021)).status_code == 200  # from the cache
    assert client.get(office_url(balangan, 2024), REMOTE_ADDR="10.9.8.7").status_code == 200


def test_open_graph_tags_name_the_office_and_the_document(client, balangan, public_year):
    office = client.get(office_url(balangan)).content.decode()
    assert re.search(r'<meta property="og:title" content="[^"]*Dinas Perpustakaan', office)
    document = client.get(reverse("portal:document", args=[public_year.token])).content.decode()
    assert f'<meta property="og:title" content="{public_year.title}' in document


def test_the_portal_is_indonesian_by_default_and_english_when_chosen(client, balangan, public_year, settings):
    assert "Perencanaan" in client.get(office_url(balangan)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(office_url(balangan)).content.decode()
    assert "Planning" in html and 'lang="en"' in html


def test_a_signed_in_user_who_owes_a_second_factor_still_reads_the_portal(client, settings, balangan):
    settings.OTP_REQUIRED = True
    client.force_login(user("balangan.kadis"))
    assert client.get(office_url(balangan)).status_code == 200


def test_only_the_agency_admin_or_its_signer_chooses_what_is_published(client, balangan, public_year):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        publication_withdraw(document=public_year, user=user("balangan.staf"), reason="x")
    with pytest.raises(PermissionDenied):
        publication_withdraw(document=public_year, user=user("padangpanjang.kadis"), reason="x")
    client.force_login(user("balangan.kasubbag"))
    page = client.get(reverse("reports:publications")).content.decode()
    assert public_year.title in page and reverse("portal:document", args=[public_year.token]) in page
    client.post(reverse("reports:publication-withdraw", args=[public_year.pk]), {"reason": "Salah angka"})
    assert Publication.objects.get(document=public_year).withdrawal_reason == "Salah angka"
    client.post(reverse("reports:publication-publish", args=[public_year.pk]))
    assert not Publication.objects.get(document=public_year).withdrawn


def test_a_withdrawal_needs_a_reason_and_a_disposisi_is_never_published(balangan, public_year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        publication_withdraw(document=public_year, user=user("balangan.kadis"), reason="  ")
    public_year.kind = DocumentKind.DISPOSITION
    Publication.objects.filter(document=public_year).delete()
    with pytest.raises(ValidationError):
        publication_publish(document=public_year, user=user("balangan.kadis"))


def test_signing_publishes_a_report_and_a_pk_at_once_and_locks_nothing_else(balangan, public_year):
    publication = Publication.objects.get(document=public_year)
    assert publication.published_at == public_year.signed_at and publication.published_by is None
    assert TargetLock.objects.filter(agency=balangan, year=YEAR).exists()


def test_a_newer_version_replaces_the_older_and_withdrawing_it_brings_the_older_back(client, balangan, public_year):
    newer = sign_report(balangan, period=f"{YEAR}-TW1")
    office = client.get(office_url(balangan)).content.decode()
    assert reverse("portal:document", args=[newer.token]) in office
    assert reverse("portal:document", args=[public_year.token]) not in office
    older = client.get(reverse("portal:document", args=[public_year.token])).content.decode()
    assert "versi yang lebih baru" in older.lower() and reverse("portal:document", args=[newer.token]) in older
    assert client.get(reverse("portal:download", args=[public_year.token])).status_code == 404
    publication_withdraw(document=newer, user=user("balangan.kadis"), reason="Salah tanggal")
    office = client.get(office_url(balangan)).content.decode()
    assert reverse("portal:document", args=[public_year.token]) in office
    assert client.get(reverse("portal:download", args=[public_year.token])).status_code == 200


def test_the_portal_pages_carry_no_inline_script_or_style_under_the_strict_policy(client, balangan, public_year):
    urls = [
        reverse("portal:index"),
        office_url(balangan),
        reverse("portal:government", args=[balangan.local_government_id]),
        reverse("portal:document", args=[public_year.token]),
    ]
    for url in urls:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.content.decode()
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{url} has an inline script"


def test_a_government_id_no_database_can_hold_is_not_found_not_an_error(client):
    for number in ["0", "99999999999999999999", str(2**63)]:
        assert client.get(f"/publik/pemerintah/{number}/").status_code == 404
