"""A section head enters a quarterly figure the Indonesian way in a real browser."""

from decimal import Decimal

from playwright.sync_api import expect

from reports.models import Realisation


def test_a_section_head_enters_a_figure_with_a_decimal_comma(sign_in):
    page = sign_in("balangan.kasi-layanan")
    page.click("nav >> text=Data kinerja")
    page.click("a:has-text('Triwulan IV 2026')")
    card = page.locator(".card", has_text="Rata-rata waktu layanan peminjaman buku")
    card.locator("input[name$='-value']").fill("9,5")
    card.locator("textarea[name$='-obstacles']").fill("Antrean panjang saat libur sekolah")
    card.locator("button:has-text('Simpan')").click()
    expect(page.locator(".alert-success")).to_contain_text("Tersimpan: Rata-rata waktu layanan peminjaman buku")
    realisation = Realisation.objects.get(
        indicator__name="Rata-rata waktu layanan peminjaman buku",
        indicator__objective__agency__slug="balangan",
        year=2026,
        quarter=4,
    )
    assert realisation.value == Decimal("9.5") and realisation.obstacles == "Antrean panjang saat libur sekolah"
    expect(card.locator("input[name$='-value']")).to_have_value("9,50")
