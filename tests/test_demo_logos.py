"""The demo ships each government's own mark (fixtures/logos/): a generic emblem with its initials,
not a coat of arms. Every PDF of an office carries its government's mark; an office replaces it by
uploading its own logo in the agency's admin form."""

import base64
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reports.documents import rendering as documents
from workflow.models import Agency
from workflow.seed import LOGOS, demo_logo_load

from .test_agency_logo import SVG


def embedded(path) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()


def test_the_two_demo_offices_print_different_logos_each_its_governments(balangan, padang_panjang, sop000, sop002):
    demo_logo_load(balangan)
    demo_logo_load(padang_panjang)
    balangan_mark, padang_panjang_mark = embedded(LOGOS / "balangan.svg"), embedded(LOGOS / "padang-panjang.svg")
    assert balangan_mark != padang_panjang_mark
    assert documents.logo_data_uri(balangan) == balangan_mark
    assert documents.logo_data_uri(padang_panjang) == padang_panjang_mark
    assert balangan_mark in documents.sop_sheet(sop000).html
    assert padang_panjang_mark in documents.sop_sheet(sop002).html
    assert balangan_mark not in documents.sop_sheet(sop002).html


def test_the_demo_marks_say_they_are_examples_not_coats_of_arms():
    for path in LOGOS.glob("*.svg"):
        assert "bukan lambang resmi" in path.read_text(encoding="utf-8"), path.name


def test_load_demo_gives_each_agency_its_mark_and_loading_again_keeps_the_stored_file(db):
    call_command("load_demo", stdout=StringIO())
    names = dict(Agency.objects.values_list("slug", "logo"))
    assert names["balangan"].startswith("logos/balangan/")
    assert names["padang-panjang"].startswith("logos/padang-panjang/")
    call_command("load_demo", stdout=StringIO())
    assert dict(Agency.objects.values_list("slug", "logo")) == names


def test_an_office_that_uploaded_its_own_logo_keeps_it_when_the_demo_is_loaded_again(balangan):
    balangan.logo = SimpleUploadedFile("lambang.svg", SVG)
    balangan.full_clean()
    balangan.save()
    demo_logo_load(balangan)
    balangan.refresh_from_db()
    assert documents.logo_data_uri(balangan) == "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()


def test_the_agency_admin_form_says_what_logo_to_upload(login, balangan):
    page = login("admin").get(reverse("admin:workflow_agency_change", args=[balangan.pk])).content.decode()
    assert 'name="logo"' in page
    assert "Lambang resmi pemerintah daerah Anda" in page and "PNG atau SVG berbentuk persegi" in page
