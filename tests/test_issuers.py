"""Issuers are not only kabupaten and kota: a ministry's regional office, a Balai, a university's UPT
and a Bagian of a Sekretariat Daerah are named as they print."""

from django.template.loader import render_to_string

from reports.documents import rendering as documents
from tests.sample_sops import permohonan_sop
from workflow.models import Agency, LocalGovernment, Unit


def agency(government_name, kind, agency_name, slug):
    government = LocalGovernment.objects.create(name=government_name, kind=kind)
    government.full_clean()
    agency = Agency(
        local_government=government, name=agency_name, slug=slug, time_zone="Asia/Jakarta", city="Banjarmasin"
    )
    agency.full_clean()
    agency.save()
    return agency


def test_a_regional_government_prints_as_pemerintah_and_names_its_heads_with_it(balangan):
    government = balangan.local_government
    assert government.header_line == "PEMERINTAH KABUPATEN BALANGAN"
    assert balangan.title_of("Kepala Dinas Perpustakaan dan Kearsipan") == (
        "Kepala Dinas Perpustakaan dan Kearsipan Kabupaten Balangan"
    )


def test_a_ministrys_regional_office_prints_the_ministry_and_names_its_head_alone(db):
    kanwil = agency(
        "Kementerian Agama", "kementerian", "Kantor Wilayah Kementerian Agama Provinsi Kalimantan Selatan", "kanwil"
    )
    assert kanwil.local_government.header_line == "KEMENTERIAN AGAMA"
    assert kanwil.full_name == "Kantor Wilayah Kementerian Agama Provinsi Kalimantan Selatan"
    assert kanwil.title_of("Kepala Kantor Wilayah") == "Kepala Kantor Wilayah"


def test_a_balai_of_a_state_institution_and_a_university_upt_can_issue_sops(db):
    balai = agency("Arsip Nasional Republik Indonesia", "lembaga", "Balai Arsip Statis dan Tsunami", "balai")
    upt = agency("Universitas Lambung Mangkurat", "universitas", "UPT Perpustakaan", "ulm")
    Unit.objects.create(agency=upt, name="Subbagian Tata Usaha", kind="subbagian")
    assert balai.local_government.header_line == "ARSIP NASIONAL REPUBLIK INDONESIA"
    assert upt.local_government.header_line == "UNIVERSITAS LAMBUNG MANGKURAT"


def test_a_bagian_of_a_sekretariat_daerah_is_a_unit_of_the_setda(db):
    setda = agency("Kota Banjarmasin", "kota", "Sekretariat Daerah", "setda-bjm")
    bagian = Unit(agency=setda, name="Bagian Organisasi", kind="bagian")
    bagian.full_clean()
    assert setda.local_government.header_line == "PEMERINTAH KOTA BANJARMASIN"
    assert setda.full_name == "Sekretariat Daerah Kota Banjarmasin"


def test_an_issuer_with_an_official_heading_prints_exactly_that_on_every_document(db):
    diy = agency("Daerah Istimewa Yogyakarta", "provinsi", "Dinas Perpustakaan dan Arsip Daerah", "dpad-diy")
    assert diy.local_government.header_line == "PEMERINTAH DAERAH ISTIMEWA YOGYAKARTA"  # composed: wrong here
    diy.local_government.official_heading = "PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA"
    diy.local_government.save()
    assert diy.local_government.header_line == "PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA"
    html = render_to_string("reports/partials/letterhead.html", {"agency": diy, "logo": ""})
    assert "PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA" in html


def test_a_university_under_its_ministry_prints_both_lines_as_set(db):
    upt = agency("Universitas Gadjah Mada", "universitas", "UPT Perpustakaan", "ugm")
    upt.local_government.official_heading = (
        "KEMENTERIAN PENDIDIKAN TINGGI, SAINS, DAN TEKNOLOGI\n  UNIVERSITAS GADJAH MADA  \n"
    )
    upt.local_government.full_clean()
    assert upt.local_government.header_line == (
        "KEMENTERIAN PENDIDIKAN TINGGI, SAINS, DAN TEKNOLOGI\nUNIVERSITAS GADJAH MADA"
    )
    html = render_to_string("reports/partials/letterhead.html", {"agency": upt, "logo": ""})
    assert "KEMENTERIAN PENDIDIKAN TINGGI, SAINS, DAN TEKNOLOGI<br>UNIVERSITAS GADJAH MADA" in html


def test_the_sop_sheet_prints_the_official_heading_the_agencys_address_and_dates_as_offices_write_them(
    balangan,
):
    government = balangan.local_government
    government.official_heading = "PEMERINTAH KABUPATEN BALANGAN\nSEKRETARIAT DAERAH"
    government.save()
    balangan.address = "Jalan A. Yani KM 2,5 Paringin, Kabupaten Balangan 71611"
    balangan.save()
    html = documents.sop_sheet(permohonan_sop(balangan)).html  # made on 5 January, effective on the 6th
    assert "PEMERINTAH KABUPATEN BALANGAN<br>SEKRETARIAT DAERAH" in html
    assert '<div class="address">Jalan A. Yani KM 2,5 Paringin, Kabupaten Balangan 71611</div>' in html
    assert "<td>5 Januari 2026</td>" in html and "<td>6 Januari 2026</td>" in html
    assert "05 Januari" not in html and "06 Januari" not in html
