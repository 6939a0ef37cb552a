"""Issue 21: the disposisi inbox keeps its lists per set of rows shown. A disposisi arriving, read or
forwarded, a reader renamed or another language never shows the old lists, and nobody sees another
person's or agency's disposisi from them. The inbox and a disposisi with its history cost as many
queries however many disposisi there are."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sopkinerja.common.periods import Period
from workflow.models import Employee, Position
from workflow.runs.services import disposition_forward, disposition_open, run_start

from .conftest import user
from .test_fragments_kept import kept  # noqa: F401 (the fixture: both layers of stamped values on)
from .workflow_helpers import complete_current, current

pytestmark = pytest.mark.usefixtures("kept")


@pytest.fixture
def to_kabid(run):
    """Step 5 of seed 000 is the Kepala Bidang Pengembangan's: its disposisi, after steps 1-4 are done."""
    for _ in range(4):
        complete_current(run)
    return current(run).disposition


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def inbox(client) -> str:
    return client.get(reverse("workflow:disposition-inbox")).content.decode()


def unread_badge(count: int) -> str:
    return f'<span class="badge text-bg-primary">{count}</span>'


def kasi_layanan() -> Position:
    return Position.objects.get(agency__slug="balangan", title__startswith="Kepala Seksi Layanan")


def forward_to_kasi(disposition, instruction: str):
    """The Kepala Bidang forwards their disposisi to the Kepala Seksi Layanan."""
    return disposition_forward(
        disposition_id=disposition.pk,
        user=user("balangan.kabid-perpustakaan"),
        to_position=kasi_layanan(),
        requests=["disiapkan"],
        instruction=instruction,
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_inbox_shows_a_new_disposisi_at_once_though_its_lists_are_kept(sop000):
    sekretaris = signed_in("balangan.sekretaris")
    before = inbox(sekretaris)
    assert unread_badge(0) in before
    first = current(run_start(version=sop000, period=Period.parse("2025-TW1"), user=user("balangan.sekretaris")))
    sekretaris.get(reverse("workflow:disposition", args=[first.disposition.pk]))
    assert unread_badge(0) in inbox(sekretaris)
    run = run_start(version=sop000, period=Period.parse("2025-TW2"), user=user("balangan.sekretaris"))
    arrived = current(run).disposition
    unread, read = inbox(sekretaris).split("Belum dibaca")[1].split("<h2")
    assert arrived.number not in before
    assert arrived.number in unread and unread_badge(1) in unread and first.disposition.number not in unread
    assert first.disposition.number in read and arrived.number not in read


def test_the_inbox_moves_a_disposisi_to_read_once_it_is_opened_though_its_lists_are_kept(run):
    sekretaris = signed_in("balangan.sekretaris")
    mine = current(run).disposition
    assert unread_badge(1) in inbox(sekretaris)
    sekretaris.get(reverse("workflow:disposition", args=[mine.pk]))
    html = inbox(sekretaris)
    assert unread_badge(0) in html and "Tidak ada disposisi yang belum dibaca." in html
    assert mine.number in html.split("Belum dibaca")[1]  # now in the read list


def test_a_forward_reaches_the_kept_inbox_of_its_recipient_and_moves_the_forwarders_to_read(to_kabid):
    kabid, kasi = signed_in("balangan.kabid-perpustakaan"), signed_in("balangan.kasi-layanan")
    assert unread_badge(1) in inbox(kabid) and unread_badge(0) in inbox(kasi)
    forward = forward_to_kasi(to_kabid, "Siapkan bahan sosialisasi untuk perpustakaan desa.")
    html = inbox(kasi)
    assert unread_badge(1) in html and forward.number in html and "diteruskan" in html
    assert "Siapkan bahan sosialisasi untuk perpustakaan desa." in html
    assert unread_badge(0) in inbox(kabid)  # forwarding it is reading it


def test_the_inbox_shows_the_readers_new_name_though_its_lists_are_kept(run):
    sekretaris = signed_in("balangan.sekretaris")
    sekretaris.get(reverse("workflow:disposition", args=[current(run).disposition.pk]))
    assert "Sekretaris Baru, S.Sos." not in inbox(sekretaris)
    Employee.objects.filter(user__username="balangan.sekretaris").update(full_name="Sekretaris Baru, S.Sos.")
    assert " · Sekretaris Baru, S.Sos." in inbox(sekretaris)


def test_the_kept_inbox_follows_the_language(run):
    sekretaris = signed_in("balangan.sekretaris")
    html = inbox(sekretaris)
    assert "Belum dibaca" in html and ">Biasa</span>" in html
    sekretaris.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = inbox(sekretaris)
    assert "Belum dibaca" not in html and "Unread" in html and ">Ordinary (biasa)</span>" in html


def test_nobody_sees_another_persons_or_agencys_disposisi_from_the_kept_lists(run, padang_panjang_run):
    mine, theirs = current(run).disposition, current(padang_panjang_run).disposition
    sekretaris = inbox(signed_in("balangan.sekretaris"))
    assert mine.number in sekretaris and theirs.number not in sekretaris
    kadis = inbox(signed_in("balangan.kadis"))
    assert mine.number not in kadis and theirs.number not in kadis and unread_badge(0) in kadis
    other_agency = inbox(signed_in(theirs.to_position.holders.get().user.username))
    assert theirs.number in other_agency and mine.number not in other_agency


def test_the_inbox_makes_as_many_queries_for_many_disposisi_as_for_one(run, sop000):
    sekretaris = signed_in("balangan.sekretaris")
    sekretaris.get(reverse("workflow:home"))  # the first request after signing in does the session's work
    url = reverse("workflow:disposition-inbox")
    one = queries(sekretaris, url)
    sekretaris.get(reverse("workflow:disposition", args=[current(run).disposition.pk]))  # one read
    for quarter in (2, 3, 4):
        run_start(version=sop000, period=Period.parse(f"2025-TW{quarter}"), user=user("balangan.sekretaris"))
    assert "diteruskan" not in inbox(sekretaris)
    assert queries(sekretaris, url) == one


def test_a_disposisi_page_makes_as_many_queries_with_its_forwards_as_without(to_kabid):
    disposition_open(disposition=to_kabid, user=user("balangan.kabid-perpustakaan"))  # read, as once forwarded
    kadis = signed_in("balangan.kadis")
    kadis.get(reverse("workflow:home"))
    url = reverse("workflow:disposition", args=[to_kabid.pk])
    alone = queries(kadis, url)
    forward = forward_to_kasi(to_kabid, "Siapkan bahan sosialisasi.")
    page = kadis.get(url).content.decode()
    assert "Riwayat disposisi" in page and forward.number in page
    assert queries(kadis, url) == alone


def test_a_disposisi_of_another_agency_or_beyond_any_id_is_not_found(padang_panjang_run):
    sekretaris = signed_in("balangan.sekretaris")
    theirs = current(padang_panjang_run).disposition
    for disposition_id in (theirs.pk, 2**31, 10**20):
        assert sekretaris.get(reverse("workflow:disposition", args=[disposition_id])).status_code == 404
        forward = reverse("workflow:disposition-forward", args=[disposition_id])
        assert sekretaris.post(forward, {"to_position": kasi_layanan().pk}).status_code == 404
