"""The sender sees whether a message arrived: the issuer of a disposisi, per recipient and channel
("terkirim", "menunggu", "gagal: nomor tidak terdaftar di WhatsApp"), and whoever returned a step,
for the message about the return. Nobody else, and never another agency's rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from workflow.models import ContactPoint, NotificationPreference, OutgoingMail
from workflow.organisation.deliveries import plain_reason
from workflow.organisation.mail import notify
from workflow.runs import notifications
from workflow.runs.selectors import disposition_deliveries
from workflow.runs.services import run_step_send_back, run_step_submit

from .conftest import user
from .fake_chat import CHAT, REGISTERED

pytestmark = pytest.mark.django_db
WITA = datetime.timezone(datetime.timedelta(hours=8))
SEKRETARIS = "balangan.sekretaris"
HEADING = "Apakah pemberitahuan sampai ke penerima?"


def reachable(username=SEKRETARIS, *, number="+" + REGISTERED, chat_id=CHAT, quiet_hours=False):
    """The person on WhatsApp and Telegram. Without quiet hours unless asked: these tests send at the
    moment they run, and from 21:00 WITA the default quiet hours would hold every chat message."""
    person = user(username)
    moment = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WITA)
    ContactPoint.objects.create(user=person, kind="whatsapp", address=number, verified_at=moment)
    ContactPoint.objects.create(user=person, kind="telegram", address=chat_id, verified_at=moment)
    if not quiet_hours:
        NotificationPreference.objects.create(user=person, quiet_start=None, quiet_end=None)
    return person


def deliveries_on_page(client, disposition) -> str:
    page = client.get(reverse("workflow:disposition", args=[disposition.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_issuer_sees_the_disposisi_sent_on_email_whatsapp_and_telegram(chat, disposition, login):
    reachable()
    notifications.disposition_issued.call(disposition.pk)
    page = deliveries_on_page(login(SEKRETARIS), disposition)
    assert HEADING in page
    for channel in ("email", "whatsapp", "telegram"):
        assert f'data-channel="{channel}">' in page
    assert page.count("✓ </span>terkirim") == 3


def test_a_number_not_on_whatsapp_shows_the_failure_in_plain_indonesian(chat, disposition, login):
    reachable(number="+6281299990000")
    notifications.disposition_issued.call(disposition.pk)
    page = deliveries_on_page(login(SEKRETARIS), disposition)
    assert "gagal: nomor tidak terdaftar di WhatsApp" in page
    assert "target invalid" not in page  # the provider's own words stay in the admin
    assert page.count("terkirim") == 2  # e-mail and Telegram went


def test_a_chat_message_held_by_quiet_hours_shows_as_waiting(chat, disposition, login):
    reachable(quiet_hours=True)  # the default hours, 21:00 to 06:00
    # A night still to come, so the page (read now) finds the chat messages still held.
    night = (timezone.now() + datetime.timedelta(days=2)).astimezone(WITA).replace(hour=22, minute=30)
    notify(
        "Disposisi langkah 1",
        "workflow/email/disposition_issued.txt",
        {"disposition": disposition},
        [user(SEKRETARIS)],
        disposition.to_position.agency,
        event="disposition_issued",
        now=night,
    )
    page = deliveries_on_page(login(SEKRETARIS), disposition)
    assert page.count("menunggu jam tenang berakhir") == 2 and page.count("terkirim") == 1


def test_a_gateway_that_keeps_failing_shows_waiting_with_the_reason(chat, disposition, login):
    reachable()
    chat.misbehave = "429"
    notifications.disposition_issued.call(disposition.pk)
    page = deliveries_on_page(login(SEKRETARIS), disposition)
    assert page.count("menunggu, dicoba lagi nanti: terlalu banyak pesan sekaligus") == 2


def test_an_agency_admin_sees_the_delivery_status_but_a_colleague_does_not(chat, disposition, login, client):
    reachable()
    notifications.disposition_issued.call(disposition.pk)
    assert HEADING in deliveries_on_page(login("balangan.kasubbag"), disposition)
    client.logout()
    page = deliveries_on_page(login("balangan.kasi-arsip"), disposition)
    assert HEADING not in page and "terkirim" not in page


def test_another_agencys_rows_never_show_even_under_the_same_key(chat, disposition, padang_panjang, login):
    notifications.disposition_issued.call(disposition.pk)
    mine = OutgoingMail.objects.get(event="disposition_issued")
    OutgoingMail.objects.create(
        agency=padang_panjang,
        user=user("padangpanjang.kadis"),
        channel="email",
        recipient="someone@padangpanjang.example.go.id",
        key=mine.key + ":elsewhere",
        event="disposition_issued",
        subject="Disposisi",
        body="-",
        created_at=mine.created_at,
        next_attempt_at=mine.created_at,
        status="sent",
        sent_at=mine.created_at,
    )
    balangan = disposition.to_position.agency
    assert [d.channel for d in disposition_deliveries(balangan, disposition)] == ["email"]
    assert disposition_deliveries(padang_panjang, disposition)[0].recipient != mine.user.employee.full_name
    page = deliveries_on_page(login("balangan.kasubbag"), disposition)
    assert user("padangpanjang.kadis").employee.full_name not in page


def test_who_returned_a_step_sees_whether_the_return_reached_the_executor(
    chat, run, login, client, django_capture_on_commit_callbacks
):
    reachable(number="+6281299990000")
    first = run.steps.get(step__number=1)
    for note in ("Lampirkan PK", "Lampirkan Rencana Aksi"):
        with django_capture_on_commit_callbacks(execute=True):
            run_step_submit(run_step_id=first.pk, user=user(SEKRETARIS), output_note="Disposisi")
        with django_capture_on_commit_callbacks(execute=True):
            run_step_send_back(run_step_id=first.pk, user=user("balangan.kadis"), note=note)
    page = login("balangan.kadis").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert "Pemberitahuan pengembalian" in page
    # The latest return only: one e-mail, one WhatsApp, one Telegram message.
    assert page.count("gagal: nomor tidak terdaftar di WhatsApp") == 1
    assert page.count("✓ </span>terkirim") == 2
    client.logout()
    page = login("balangan.kasi-arsip").get(reverse("workflow:run-detail", args=[run.pk])).content.decode()
    assert "Pemberitahuan pengembalian" not in page


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Fonnte: target invalid", "nomor tidak terdaftar di WhatsApp"),
        ("Wablas: phone number not registered on whatsapp", "nomor tidak terdaftar di WhatsApp"),
        ("WAHA: number is not on WhatsApp", "nomor tidak terdaftar di WhatsApp"),
        ("Cloud API (131026): (#131026) Message undeliverable Receiver is incapable", "nomor tidak terdaftar"),
        ("Telegram 403: Forbidden: bot was blocked by the user", "penerima memblokir bot Telegram"),
        ("Telegram 400: Bad Request: chat not found", "chat Telegram tidak ditemukan"),
        ("Fonnte: invalid token", "gateway menolak kredensial aplikasi"),
        ("Cloud API (190): Invalid OAuth access token.", "gateway menolak kredensial aplikasi"),
        ("no whatsapp gateway is configured", "saluran ini belum diatur"),
        ("timeout: HTTPConnectionPool read timed out", "server pengirim tidak dapat dihubungi"),
        ("HTTP 502: Bad Gateway", "server pengirim tidak dapat dihubungi"),
        ("something nobody documented", "penyedia layanan menolak pesan"),
    ],
)
def test_each_providers_refusal_reads_as_a_plain_indonesian_reason(answer, reason):
    with translation.override("id"):
        assert reason in plain_reason(answer)
