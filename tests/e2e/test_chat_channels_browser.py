"""Issue 18 in the browser at 390 px: a person verifies their WhatsApp number with the code the fake
gateway received, links Telegram through the bot's /start update (read by `manage.py telegram_poll`
from the fake Bot API), turns quiet hours off, and finds the second factor page in the user menu; a
disposisi forwarded to them arrives on both channels, and its issuer sees "terkirim" for each.

Screenshots of each state at 390 and 1280 px go to SCREENSHOTS_DIR (default var/screenshots/)."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from sopkinerja.common.periods import Period
from workflow.models import Agency, Disposition, Sop
from workflow.runs.services import disposition_forward, run_start

from ..conftest import user
from ..fake_chat import CHAT, REGISTERED, FakeChat, point_at

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", django_settings.BASE_DIR / "var" / "screenshots"))
PHONE = {"width": 390, "height": 844}
ISSUER = "balangan.sekretaris"


@pytest.fixture
def chat(settings, seeded):
    fake = FakeChat()
    point_at(fake, settings)
    Agency.objects.filter(slug="balangan").update(whatsapp_gateway="fonnte")
    yield fake
    fake.stop()


@pytest.fixture
def first_disposition(seeded):
    """Balangan's quarter run started by the Sekretaris: step 1's disposisi is in the Sekretaris's hand."""
    version = Sop.objects.get(agency__slug="balangan").current_version()
    run = run_start(version=version, period=Period.parse("2025-TW1"), user=user(ISSUER))
    return Disposition.objects.get(run_step__run=run)


def shoot(page, name: str):
    """The page as it is now at 1280 and at 390 px; the test goes on at 390."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in (("1280", 1280), ("390", 390)):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") == width, f"{name} scrolls sideways at {width}"


def test_a_person_verifies_whatsapp_links_telegram_and_a_disposisi_reaches_both(
    chat, first_disposition, sign_in, live_server
):
    target = next(p for p in first_disposition.to_position.below() if p.holders.exists())
    recipient = target.holders.select_related("user").first().user
    page = sign_in(recipient.username)
    page.set_viewport_size(PHONE)

    # The user menu leads to Profil saya (and to the second factor, checked below).
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_title(recipient.employee.full_name).click()
    page.get_by_role("link", name="Profil saya").click()
    expect(page.get_by_role("heading", name="Profil saya", level=1)).to_be_visible()
    shoot(page, "profile-empty")

    page.get_by_label("Nomor WhatsApp").fill("0812-3456-7890")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_text("belum diverifikasi")).to_be_visible()
    shoot(page, "profile-code-waiting")
    (provider, fields), *_rest = chat.delivered
    assert provider == "fonnte" and fields["target"] == REGISTERED
    code = re.search(r"\b(\d{6})\b", fields["message"]).group(1)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Nomor WhatsApp Anda terverifikasi.")).to_be_visible()

    page.get_by_role("button", name="Hubungkan Telegram").click()
    link = page.locator("a[href^='https://t.me/sopkinerja_bot?start=']")
    token = link.get_attribute("href").split("start=", 1)[1]
    chat.updates = [
        {"update_id": 1, "message": {"chat": {"id": int(CHAT), "type": "private"}, "text": f"/start {token}"}}
    ]
    call_command("telegram_poll")
    page.reload()
    expect(page.get_by_role("button", name="Putuskan Telegram")).to_be_visible()

    # No quiet hours, so the test does not depend on the hour it runs at.
    page.get_by_label("Senyap mulai").fill("")
    page.get_by_label("Senyap sampai").fill("")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Pengaturan pemberitahuan Anda disimpan.")).to_be_visible()
    shoot(page, "profile-verified-and-linked")

    page.get_by_role("button", name="Buka menu").click()
    page.get_by_title(recipient.employee.full_name).click()
    page.get_by_role("link", name=re.compile("^Faktor kedua")).click()
    expect(page.get_by_role("heading", name="Faktor kedua", level=1)).to_be_visible()
    shoot(page, "second-factor-page")

    chat.delivered.clear()
    forward = disposition_forward(
        disposition_id=first_disposition.pk, user=user(ISSUER), to_position=target, instruction="Siapkan datanya"
    )
    link = f"/disposisi/{forward.pk}/"
    arrived = {provider: fields for provider, fields in chat.delivered}
    assert set(arrived) == {"fonnte", "telegram"}
    assert arrived["fonnte"]["target"] == REGISTERED and link in arrived["fonnte"]["message"]
    assert str(arrived["telegram"]["chat_id"]) == CHAT and link in arrived["telegram"]["text"]

    issuer = sign_in(ISSUER)
    issuer.set_viewport_size(PHONE)
    issuer.goto(live_server.url + reverse("workflow:disposition", args=[forward.pk]))
    deliveries = issuer.locator(".deliveries")
    for channel in ("whatsapp", "telegram", "email"):
        expect(deliveries.locator(f"[data-channel={channel}]")).to_contain_text("terkirim")
    shoot(issuer, "disposition-delivery")
