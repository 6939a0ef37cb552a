"""Lupa kata sandi: a link on the login page, the same answer for every address, a mailed link that
sets a new password once and expires, and a polite refusal for too many requests."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, user

KNOWN = "balangan.staf@balangan.example.go.id"
UNKNOWN = "nobody@balangan.example.go.id"
NEW_PASSWORD = "Perpustakaan-Balangan-2026"


@pytest.fixture(autouse=True)
def no_counts_yet():
    cache.clear()  # the rate limits count in the cache; each test starts with none
    yield
    cache.clear()


def ask(client: Client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+/akun/sandi/baru/\S+/", message.body)
    return link


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_the_login_page_links_to_the_forgotten_password_page(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Lupa kata sandi?" in page


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, db):
    known, unknown = ask(client, KNOWN), ask(client, UNKNOWN)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, reverse("password_reset_done"))
    assert [message.to for message in mail.outbox] == [[KNOWN]]  # and nothing for the unknown one
    page = client.get(known.url).content.decode()
    assert "Jika ada akun dengan alamat ini" in page


def test_the_mailed_link_sets_a_new_password_once(client, db, settings):
    ask(client, KNOWN)
    (message,) = mail.outbox
    assert message.subject == "SOP Kinerja: pilih kata sandi baru" and "balangan.staf" in message.body
    link = link_in(message)
    assert link.startswith(settings.SITE_URL + "/akun/sandi/baru/")  # never from the request's Host

    form_page = client.get(path_of(link), follow=True)
    assert "Pilih kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    staf = user("balangan.staf")
    assert staf.check_password(NEW_PASSWORD) and not staf.check_password(PASSWORD)

    again = Client().get(path_of(link), follow=True).content.decode()
    assert "Tautan ini tidak berlaku lagi" in again and "Pilih kata sandi baru" not in again


def test_an_expired_link_no_longer_works(client, db, settings):
    ask(client, KNOWN)
    link = link_in(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link made so far is past its time
    page = client.get(path_of(link), follow=True).content.decode()
    assert "Tautan ini tidak berlaku lagi" in page
    assert user("balangan.staf").check_password(PASSWORD)


def test_the_sixth_request_in_a_minute_from_one_address_is_refused_politely(client, db):
    answers = [ask(client, f"orang{n}@example.go.id").status_code for n in range(5)]
    assert answers == [302] * 5
    refused = ask(client, KNOWN)
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan dari alamat Anda. Tunggu satu menit lalu coba lagi." in page
    assert f'value="{KNOWN}"' in page  # what was typed is kept
    assert mail.outbox == []
    assert ask(client, KNOWN, address="10.0.0.2").status_code == 302  # another visitor is not held up
    assert [message.to for message in mail.outbox] == [[KNOWN]]


def test_requests_for_one_account_from_many_addresses_stop_mailing_it_with_the_same_answer(client, db):
    answers = [ask(client, KNOWN, address=f"10.0.1.{n}").status_code for n in range(5)]
    assert answers == [302] * 5
    assert len(mail.outbox) == 3  # PASSWORD_RESET_EMAIL_RATE: nobody floods someone else's mailbox


def test_the_reset_pages_keep_to_the_content_security_policy(client, db):
    ask(client, KNOWN)
    pages = {
        "request": reverse("password_reset"),
        "done": reverse("password_reset_done"),
        "set": path_of(link_in(mail.outbox[0])),
        "spent link": reverse("password_reset_confirm", args=["MQ", "set-password"]),
        "complete": reverse("password_reset_complete"),
    }
    for name, url in pages.items():
        response = client.get(url, follow=True)
        body = response.content.decode()
        policy = response.headers["Content-Security-Policy"]
        assert response.status_code == 200, name
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, name
        assert "<script>" not in body and "style=" not in body, name


def test_a_bad_address_is_answered_on_the_page_in_indonesian(client, db):
    response = ask(client, "bukan-alamat")
    assert response.status_code == 200 and "alamat email yang valid" in response.content.decode()
    assert mail.outbox == []


def test_djangos_own_unlimited_reset_pages_are_gone(client, db):
    for path in ("/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"):
        assert client.get(path).status_code == 404, path
    assert client.post("/accounts/password_reset/", {"email": KNOWN}).status_code == 404
    assert mail.outbox == []


def test_an_office_that_switches_the_reset_off_has_no_link_and_no_reset_pages(client, db, settings):
    settings.PASSWORD_RESET_ENABLED = False
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") not in page and "Lupa kata sandi?" not in page
    assert ask(client, KNOWN).status_code == 404 and mail.outbox == []
    for url in (
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", args=["MQ", "set-password"]),
        reverse("password_reset_complete"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_reset_is_on_unless_an_office_switches_it_off(settings):
    assert settings.PASSWORD_RESET_ENABLED is True
