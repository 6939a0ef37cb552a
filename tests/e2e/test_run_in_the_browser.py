"""A quarter's first step, started, submitted and approved by real people in a real browser."""

import re

from playwright.sync_api import expect

from workflow.models import Run, RunStep


def test_the_sekretaris_submits_and_the_kepala_dinas_approves_in_the_browser(sign_in, live_server):
    sekretaris = sign_in("balangan.sekretaris")
    sekretaris.click("nav >> text=Pelaksanaan SOP")
    sekretaris.select_option("#id_period", "2025-TW1")
    sekretaris.click("button:has-text('Mulai')")
    expect(sekretaris.locator(".alert-success")).to_contain_text("Pelaksanaan dimulai")
    sekretaris.click("text=SOP Mekanisme Pengumpulan Data Kinerja")
    sekretaris.fill("textarea[name$=output_note]", "Disposisi pengumpulan data TW I dikirim")
    sekretaris.click("button:has-text('Sampaikan')")
    expect(sekretaris.locator(".alert-success")).to_have_text("Langkah 1 telah disampaikan.")

    head = sign_in("balangan.kadis")
    expect(head.locator(".card", has_text="Menunggu persetujuan saya")).to_contain_text("Mengumpulkan data")
    head.click(".card:has-text('Menunggu persetujuan saya') a")
    head.click("button:has-text('Setujui')")
    expect(head.locator(".alert-success")).to_have_text("Langkah 1 telah disetujui.")
    expect(head.locator("tr", has_text="Merekap laporan kinerja triwulan")).to_contain_text("Sedang berjalan")
    expect(head.locator(".timeline")).to_contain_text(re.compile("Langkah 1 disetujui"))

    run = Run.objects.get(period="2025-TW1", sop__agency__slug="balangan")
    assert run.steps.get(step__number=1).state == RunStep.State.APPROVED
    assert run.steps.get(step__number=2).state == RunStep.State.ACTIVE


def test_a_staff_member_is_told_who_starts_runs_instead_of_being_offered_the_form(sign_in):
    staff = sign_in("balangan.staf")
    staff.click("nav >> text=Pelaksanaan SOP")
    expect(staff.locator("#id_period")).to_have_count(0)
    expect(staff.locator(".card", has_text="Mulai pelaksanaan")).to_contain_text(
        "Pelaksanaan dimulai oleh Kepala Dinas"
    )


def test_a_semester_whose_quarters_have_not_finished_is_not_offered_to_be_refused_later(sign_in):
    sekretaris = sign_in("balangan.sekretaris")
    sekretaris.click("nav >> text=Pelaksanaan SOP")
    expect(sekretaris.locator("#id_period option[value='2025-TW1']")).to_have_count(1)
    expect(sekretaris.locator("#id_period option[value='2025-S1']")).to_have_count(0)
