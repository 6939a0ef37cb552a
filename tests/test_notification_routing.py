"""Who hears about a disposisi, where and when: preferences, verified numbers and linked chats only,
quiet hours in the agency's time zone, the daily digest; and linking WhatsApp and Telegram."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from workflow.models import Agency, ContactPoint, NotificationPreference, OutgoingMail
from workflow.organisation import contacts
from workflow.organisation.mail import mail_deliver_due, notify

from .conftest import user
from .fake_chat import CHAT, REGISTERED

pytestmark = pytest.mark.django_db
WITA = datetime.timezone(datetime.timedelta(hours=8))
MORNING = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WITA)  # Monday 10:00 in Balangan
SEKRETARIS = "balangan.sekretaris"


def reachable(username=SEKRETARIS, *, whatsapp=True, telegram=True, verified=True):
    person = user(username)
    when = MORNING if verified else None
    if whatsapp:
        ContactPoint.objects.create(user=person, kind="whatsapp", address="+" + REGISTERED, verified_at=when)
    if telegram:
        ContactPoint.objects.create(user=person, kind="telegram", address=CHAT, verified_at=when)
    return person


def tell(disposition, now=MORNING, event="disposition_issued"):
    agency = Agency.objects.get(pk=disposition.to_position.agency_id)
    return notify(
        f"Disposisi langkah 1 ({event})",
        "workflow/email/disposition_issued.txt",
        {"disposition": disposition},
        [user(SEKRETARIS)],
        agency,
        event=event,
        now=now,
    )


def test_a_disposisi_reaches_email_whatsapp_and_telegram_with_the_link(chat, disposition):
    mail.outbox.clear()
    reachable()
    assert tell(disposition) == 3
    assert sorted(chat.providers()) == ["fonnte", "telegram"] and len(mail.outbox) == 1
    link = f"/disposisi/{disposition.pk}/"
    assert all(link in (fields.get("message") or fields.get("text")) for _p, fields in chat.delivered)
    assert tell(disposition) == 0  # the same event about the same disposisi is queued once


def test_an_unverified_number_receives_nothing(chat, disposition):
    reachable(verified=False)
    tell(disposition)
    assert chat.delivered == []
    assert set(OutgoingMail.objects.values_list("channel", flat=True)) == {"email"}


def test_preferences_are_honoured(chat, disposition):
    person = reachable()
    NotificationPreference.objects.create(user=person, channels={"disposition_issued": ["telegram"]})
    tell(disposition)
    assert chat.providers() == ["telegram"]
    assert list(OutgoingMail.objects.values_list("channel", flat=True)) == ["telegram"]


def test_quiet_hours_hold_whatsapp_and_telegram_until_six_but_not_email(chat, disposition):
    reachable()
    night = datetime.datetime(2026, 11, 23, 22, 30, tzinfo=WITA)
    tell(disposition, now=night)
    held = OutgoingMail.objects.exclude(channel="email")
    assert chat.delivered == [] and OutgoingMail.objects.get(channel="email").status == "sent"
    assert {message.next_attempt_at.astimezone(WITA) for message in held} == {
        datetime.datetime(2026, 11, 24, 6, 0, tzinfo=WITA)
    }
    assert mail_deliver_due(now=night + datetime.timedelta(hours=7)) == (0, 0)  # 05:30: still quiet
    assert mail_deliver_due(now=night + datetime.timedelta(hours=7, minutes=31)) == (2, 0)
    assert sorted(chat.providers()) == ["fonnte", "telegram"]


def test_a_digest_collects_the_day_into_one_message_per_channel(chat, disposition):
    person = reachable(whatsapp=False)
    NotificationPreference.objects.create(user=person, digest=True)
    tell(disposition, now=MORNING, event="disposition_issued")
    tell(disposition, now=MORNING + datetime.timedelta(hours=3), event="step_due_soon")
    assert chat.delivered == [] and OutgoingMail.objects.filter(status="collected").count() == 4
    assert mail_deliver_due(now=MORNING + datetime.timedelta(hours=5)) == (0, 0)  # the day is not over
    next_morning = datetime.datetime(2026, 11, 24, 7, 5, tzinfo=WITA)
    assert mail_deliver_due(now=next_morning) == (2, 0)
    [(_provider, fields)] = chat.delivered
    assert "2 pemberitahuan" in fields["text"] and "(step_due_soon)" in fields["text"]
    assert OutgoingMail.objects.filter(status="digested").count() == 4
    assert mail_deliver_due(now=next_morning + datetime.timedelta(days=1)) == (0, 0)


def test_a_number_is_verified_by_the_code_sent_to_it_and_0812_is_plus_62812(chat, balangan):
    person = user(SEKRETARIS)
    contacts.phone_number_set(user=person, number="0812-3456-7890", now=MORNING)
    [(_provider, fields)] = chat.delivered
    assert fields["target"] == REGISTERED
    code = re.search(r"\b(\d{6})\b", fields["message"]).group(1)
    with pytest.raises(ValidationError, match="tidak benar"):
        contacts.phone_number_verify(user=person, code="000000" if code != "000000" else "111111", now=MORNING)
    point = contacts.phone_number_verify(user=person, code=code, now=MORNING)
    assert point.verified and point.address == "+6281234567890"
    assert contacts.phone_number_set(user=person, number="+62 812 3456 7890", now=MORNING).verified


def test_a_verification_code_is_not_kept_in_the_outbox_once_it_was_sent(chat, balangan):
    person = user(SEKRETARIS)
    contacts.phone_number_set(user=person, number="0812-3456-7890", now=MORNING)
    [(_provider, fields)] = chat.delivered
    code = re.search(r"\b(\d{6})\b", fields["message"]).group(1)
    [row] = OutgoingMail.objects.filter(event="phone_code")
    assert row.status == OutgoingMail.Status.SENT
    assert code not in row.body and code not in row.short_text and "kode verifikasi" in row.body


def test_a_code_is_refused_after_too_many_guesses_or_when_expired(chat, balangan, settings):
    person = user(SEKRETARIS)
    contacts.phone_number_set(user=person, number="081234567890", now=MORNING)
    for _ in range(settings.PHONE_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):
            contacts.phone_number_verify(user=person, code="abcdef", now=MORNING)
    with pytest.raises(ValidationError, match="Terlalu banyak"):
        contacts.phone_number_verify(user=person, code="123456", now=MORNING)
    with pytest.raises(ValidationError, match="kedaluwarsa"):
        ContactPoint.objects.filter(user=person).update(code_attempts=0)
        contacts.phone_number_verify(user=person, code="123456", now=MORNING + datetime.timedelta(hours=1))


def test_a_wrong_number_gets_a_clear_indonesian_message_on_the_profile_page(chat, login):
    response = login(SEKRETARIS).post("/profil/whatsapp/", {"number": "12ab"})
    assert response.status_code == 400 and "bukan nomor telepon yang sah" in response.content.decode()


def test_the_profile_page_offers_whatsapp_telegram_and_the_preferences(chat, login):
    page = login(SEKRETARIS).get("/profil/").content.decode()
    assert "Profil saya" in page and "Hubungkan Telegram" in page and "Disposisi sampai kepada saya" in page


def start(token: str, update_id: int = 1) -> dict:
    return {
        "update_id": update_id,
        "message": {"chat": {"id": int(CHAT), "type": "private"}, "text": f"/start {token}"},
    }


def test_a_telegram_chat_is_linked_through_the_webhook_with_the_secret(chat, client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = "rahasia-webhook"
    point = contacts.telegram_link_start(user=user(SEKRETARIS))
    headers = {"X-Telegram-Bot-Api-Secret-Token": "rahasia-webhook"}
    response = client.post(
        "/telegram/webhook/", start(point.link_token), content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.verified and point.address == CHAT and point.link_token == ""
    assert chat.providers() == ["telegram"]  # the confirmation


def test_a_garbage_webhook_body_is_a_400_and_a_log_line(client, settings, caplog, db):
    settings.TELEGRAM_WEBHOOK_SECRET = "rahasia-webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "rahasia-webhook"}
    with caplog.at_level(logging.WARNING, logger="sopkinerja.notifications"):
        for body in (b"\xff\xfe not json", b"[1, 2]", b'{"update_id": "x"}'):
            response = client.post("/telegram/webhook/", body, content_type="application/json", headers=headers)
            assert response.status_code == 400
    assert "not an update" in caplog.text
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "tebakan"}
    assert client.post("/telegram/webhook/", b"{}", content_type="application/json", headers=wrong).status_code == 403


def test_telegram_poll_links_the_chat_from_the_bots_updates_once(chat):
    point = contacts.telegram_link_start(user=user(SEKRETARIS))
    chat.updates = [start("bukan-token", 5), start(point.link_token, 6)]
    call_command("telegram_poll")
    call_command("telegram_poll")
    point.refresh_from_db()
    assert point.verified and chat.providers() == ["telegram"]


def test_unlinking_is_one_click_and_nothing_more_goes_there(chat, login, disposition):
    reachable(whatsapp=False)
    response = login(SEKRETARIS).post("/profil/hapus/telegram/")
    assert response.status_code == 302 and not ContactPoint.objects.filter(kind="telegram").exists()
    tell(disposition)
    assert chat.delivered == []
