"""A section head enters the unit's quarterly figures the Indonesian way in a real browser."""

import os
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from reports.models import Realisation


def _shoot(page, tmp_path, name: str) -> None:
    """A full-page screenshot as a test artifact; also into $SCREENSHOT_DIR when it is set."""
    targets = [tmp_path / f"{name}.png"]
    if os.environ.get("SCREENSHOT_DIR"):
        targets.append(Path(os.environ["SCREENSHOT_DIR"]) / f"{name}.png")
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)


def test_a_section_head_enters_a_figure_with_a_decimal_comma(sign_in, tmp_path):
    page = sign_in("balangan.kasi-layanan")
    page.click("nav >> text=Data kinerja")
    page.click("a:has-text('Triwulan IV 2026')")
    row = page.locator("tbody tr", has_text="Rata-rata waktu layanan peminjaman buku")
    row.locator("input[name$='-value']").fill("9,5")
    row.locator("textarea[name$='-obstacles']").fill("Antrean panjang saat libur sekolah")
    page.click("button:has-text('Simpan draf')")
    expect(page.locator(".alert-success")).to_contain_text("Draf disimpan")
    realisation = Realisation.objects.get(
        indicator__name="Rata-rata waktu layanan peminjaman buku",
        indicator__objective__agency__slug="balangan",
        year=2026,
        quarter=4,
    )
    assert realisation.value == Decimal("9.5") and realisation.obstacles == "Antrean panjang saat libur sekolah"
    expect(row.locator("input[name$='-value']")).to_have_value("9,5")
    page.set_viewport_size({"width": 1366, "height": 900})
    _shoot(page, tmp_path, "figures-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    _shoot(page, tmp_path, "figures-390")
