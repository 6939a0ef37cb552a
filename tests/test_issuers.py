"""Issuers are not only kabupaten and kota: a ministry's regional office, a Balai, a university's UPT
and a Bagian of a Sekretariat Daerah are named as they print."""

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
