"""The navbar keeps to one line on a laptop screen, whatever the length of the name in it."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("width", [1200, 1280, 1440])
def test_a_long_name_and_the_admin_link_leave_the_navbar_on_one_line(sign_in, width):
    page = sign_in("balangan.kasubbag")  # a long name and, as agency admin, the Administrasi link
    page.set_viewport_size({"width": width, "height": 900})
    navbar = page.get_by_role("navigation", name="Menu utama")
    name = navbar.get_by_title("MUHAMMAD RIDHANI, S.Kom.")
    sign_out = navbar.get_by_role("button", name="Keluar")
    expect(sign_out).to_be_visible()
    assert navbar.bounding_box()["height"] < 70, "the navbar wrapped onto a second line"
    assert abs(sign_out.bounding_box()["y"] - navbar.get_by_role("link", name="Beranda").bounding_box()["y"]) < 12
    assert page.evaluate("document.documentElement.scrollWidth") == width, "the page scrolls sideways"
    expect(name).to_be_visible()
    assert navbar.get_by_role("link", name="Administrasi").evaluate("a => getComputedStyle(a).fontSize") == "14px"


@pytest.mark.parametrize("width", [1366, 390])
def test_nothing_in_the_superusers_navbar_reaches_past_the_window(sign_in, width):
    page = sign_in("admin")  # the agency switcher, the Administrasi link and "Keluar"
    page.set_viewport_size({"width": width, "height": 900})
    navbar = page.get_by_role("navigation", name="Menu utama")
    if width < 992:
        navbar.get_by_role("button", name="Buka menu").click()
    sign_out = navbar.get_by_role("button", name="Keluar")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box["x"] + box["width"] <= width, f"Keluar ends at x = {box['x'] + box['width']}"
    assert page.evaluate("document.documentElement.scrollWidth") == width, "the page scrolls sideways"
    expect(page.get_by_label("Perangkat daerah yang ditampilkan")).to_be_visible()
