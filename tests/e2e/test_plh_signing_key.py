"""A Plh appointed after the demo was loaded has no key: the Kepala Dinas is warned when appointing
him (and a second Plh for the same day is refused), he is warned on his dashboard, the agency admin
issues him a demo key on the Kunci TTE page, and he signs the SOP sheet as Plh. Screenshots of the
keys page at 1366 and 390 px go to SCREENSHOTS_DIR (default var/screenshots/)."""

import io
import os
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.models import SignedDocument
from workflow import permissions
from workflow.models import Agency, Employee

from .story import go, success

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))
PLH = "balangan.kabid-perpustakaan"
PASSPHRASE = "Kunci-Plh#2026"
NO_KEY = "belum memiliki kunci tanda tangan"


def test_a_plh_without_a_key_is_warned_gets_a_demo_key_from_the_agency_admin_and_signs(
    sign_in, live_server, settings, tmp_path
):
    settings.SIGNING_KEY_FILE = str(tmp_path / "people" / "{username}.p12")  # nobody has a key yet
    plh = Employee.objects.get(user__username=PLH)
    today = permissions.local_today(Agency.objects.get(slug="balangan"))

    head = sign_in("balangan.kadis")
    go(head, "Plh/Plt")
    form = head.locator("form", has=head.get_by_role("button", name="Tunjuk"))
    form.get_by_label("Jabatan").select_option(label="Kepala Dinas Perpustakaan dan Kearsipan")
    form.get_by_label("Pejabat pelaksana").select_option(label=plh.full_name)
    form.get_by_label("Dari").fill(today.isoformat())
    form.get_by_label("Sampai").fill(today.isoformat())
    form.get_by_role("button", name="Tunjuk").click()
    success(head, "Penunjukan telah dicatat.")
    expect(head.locator(".messages .alert-warning")).to_contain_text(f"{plh.full_name} {NO_KEY}")

    # A second Plh of the same post for the same day is refused, and what was typed stays.
    other = Employee.objects.get(user__username="balangan.sekretaris")
    form.get_by_label("Jabatan").select_option(label="Kepala Dinas Perpustakaan dan Kearsipan")
    form.get_by_label("Pejabat pelaksana").select_option(label=other.full_name)
    form.get_by_label("Dari").fill(today.isoformat())
    form.get_by_label("Sampai").fill(today.isoformat())
    form.get_by_role("button", name="Tunjuk").click()
    expect(head.locator("main")).to_contain_text(f"{plh.full_name} sudah menjadi Plh")
    expect(form.get_by_label("Pejabat pelaksana")).to_have_value(str(other.pk))
    assert plh.acting_for.count() == 1 and not other.acting_for.exists()

    acting = sign_in(PLH)
    expect(acting.locator(".signing-key-warning")).to_contain_text(NO_KEY)

    admin = sign_in("balangan.kasubbag")
    admin.get_by_role("navigation", name="Menu utama").get_by_role("link", name="TTE", exact=True).click()
    card = admin.locator(".card", has=admin.get_by_role("heading", name=plh.full_name))
    expect(card.locator(".key-status")).to_have_text("Belum ada kunci")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        admin.set_viewport_size({"width": width, "height": 900})
        admin.screenshot(path=str(SHOTS / f"signing-keys-{width}.png"), full_page=True)
    admin.set_viewport_size({"width": 1280, "height": 900})
    card.get_by_label("Passphrase untuk kunci demo baru").fill(PASSPHRASE)
    card.get_by_role("button", name="Terbitkan kunci demo").click()
    success(admin, f"Kunci tanda tangan demo diterbitkan untuk {plh.full_name}")
    expect(card.locator(".key-status")).to_contain_text("Berlaku sampai")

    acting.reload()
    expect(acting.locator(".signing-key-warning")).to_have_count(0)
    go(acting, "Dokumen")
    sheet = acting.locator(".card", has=acting.get_by_role("heading", name="Lembar SOP"))
    sheet.get_by_label("Tandatangani secara elektronik (TTE)").check()
    sheet.get_by_role("button", name="Buat PDF").click()
    acting.get_by_label("Passphrase kunci tanda tangan Anda").fill(PASSPHRASE)
    acting.get_by_role("button", name="Tandatangani secara elektronik").click()
    success(acting, "Dokumen sudah ditandatangani.")

    signed = SignedDocument.objects.get(signed_by__username=PLH)
    assert signed.signer_title.startswith("Plh. Kepala Dinas") and signed.signer_name == plh.full_name
    signature = PdfFileReader(io.BytesIO(bytes(signed.pdf))).embedded_signatures[-1]
    assert signature.signer_cert.subject.native["common_name"] == plh.full_name
