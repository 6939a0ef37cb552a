"""The local government and its rating bands are shared by its agencies: agency admins only read
them; a superuser or an administrator of that government changes them."""

import pytest
from django.urls import reverse

from reports.models import RatingBand
from workflow.models import LocalGovernment

from .conftest import user


@pytest.fixture
def government(balangan) -> LocalGovernment:
    return balangan.local_government


@pytest.fixture
def band(government) -> RatingBand:
    return government.rating_bands.order_by("-lower_bound").first()


def government_form(government, **changes) -> dict:
    return {"name": government.name, "kind": government.kind, "province": government.province} | changes


def band_form(band, **changes) -> dict:
    return {
        "label": band.label,
        "lower_bound": str(band.lower_bound),
        "local_government": band.local_government_id,
    } | changes


def test_the_agency_admin_cannot_change_or_delete_the_local_government(login, government):
    client = login("balangan.kasubbag")
    change = client.post(
        reverse("admin:workflow_localgovernment_change", args=[government.pk]),
        government_form(government, name="Kabupaten Diubah"),
    )
    delete = client.post(reverse("admin:workflow_localgovernment_delete", args=[government.pk]), {"post": "yes"})
    add = client.post(reverse("admin:workflow_localgovernment_add"), government_form(government, name="Kota Baru"))
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert LocalGovernment.objects.get(pk=government.pk).name == government.name
    assert not LocalGovernment.objects.filter(name="Kota Baru").exists()


def test_the_agency_admin_still_reads_the_local_government(login, government):
    response = login("balangan.kasubbag").get(reverse("admin:workflow_localgovernment_change", args=[government.pk]))
    assert response.status_code == 200 and government.name in response.content.decode()


def test_the_agency_admin_cannot_change_add_or_delete_rating_bands(login, band):
    client = login("balangan.kasubbag")
    change = client.post(reverse("admin:reports_ratingband_change", args=[band.pk]), band_form(band, label="Diubah"))
    delete = client.post(reverse("admin:reports_ratingband_delete", args=[band.pk]), {"post": "yes"})
    add = client.post(reverse("admin:reports_ratingband_add"), band_form(band, lower_bound="99.50", label="Baru"))
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert RatingBand.objects.get(pk=band.pk).label == band.label
    assert not RatingBand.objects.filter(label="Baru").exists()


def test_a_superuser_changes_the_local_government_and_its_bands(login, government, band):
    client = login("admin")
    response = client.post(
        reverse("admin:workflow_localgovernment_change", args=[government.pk]),
        government_form(government, province="Kalimantan Selatan (ubah)"),
    )
    assert response.status_code == 302
    assert LocalGovernment.objects.get(pk=government.pk).province == "Kalimantan Selatan (ubah)"
    response = client.post(
        reverse("admin:reports_ratingband_change", args=[band.pk]), band_form(band, label="Istimewa")
    )
    assert response.status_code == 302 and RatingBand.objects.get(pk=band.pk).label == "Istimewa"
    response = client.post(reverse("admin:reports_ratingband_delete", args=[band.pk]), {"post": "yes"})
    assert response.status_code == 302 and not RatingBand.objects.filter(pk=band.pk).exists()


def test_an_administrator_of_the_government_changes_its_bands_but_not_who_administers_it(login, government, band):
    government.administrators.add(user("balangan.kasubbag"))
    client = login("balangan.kasubbag")
    response = client.post(
        reverse("admin:reports_ratingband_change", args=[band.pk]), band_form(band, label="Istimewa")
    )
    assert response.status_code == 302 and RatingBand.objects.get(pk=band.pk).label == "Istimewa"
    response = client.post(
        reverse("admin:workflow_localgovernment_change", args=[government.pk]),
        government_form(government, province="Kalsel", administrators=[user("balangan.staf").pk]),
    )
    assert response.status_code == 302
    government.refresh_from_db()
    assert government.province == "Kalsel"
    assert list(government.administrators.values_list("username", flat=True)) == ["balangan.kasubbag"]


def test_an_administrator_of_one_government_cannot_change_another(login, government, padang_panjang):
    government.administrators.add(user("balangan.kasubbag"))
    other = padang_panjang.local_government.rating_bands.first()
    response = login("balangan.kasubbag").post(
        reverse("admin:reports_ratingband_change", args=[other.pk]), band_form(other, label="Diubah")
    )
    assert response.status_code in (302, 403)
    assert RatingBand.objects.get(pk=other.pk).label == other.label
