"""WhatsApp (Fonnte, Wablas, WAHA, Evolution API, the Cloud API) and Telegram through the outbox,
against fake servers that speak each documented protocol (tests/fake_chat.py): sent, retried
later, or failed for good with the provider's answer kept; and never sent twice."""

import datetime
import threading

import pytest
from django.db import connection

from workflow.models import Agency, OutgoingMail
from workflow.organisation.mail import mail_deliver_due, message_queue

from .fake_chat import CHAT, REGISTERED, WHATSAPP_PROVIDERS, FakeChat, point_at

pytestmark = pytest.mark.django_db
PROVIDERS = [*WHATSAPP_PROVIDERS, "telegram"]
NOW = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)  # 10:00 WITA, a Monday


@pytest.fixture
def chat(settings):
    fake = FakeChat()
    point_at(fake, settings)
    yield fake
    fake.stop()


def queue(provider: str, agency, *, address: str | None = None, key: str = "uji:1", now=NOW):
    if provider != "telegram":
        Agency.objects.filter(pk=agency.pk).update(whatsapp_gateway=provider)
        agency.refresh_from_db()
    channel = "telegram" if provider == "telegram" else "whatsapp"
    address = address or (CHAT if provider == "telegram" else "+" + REGISTERED)
    message, _created = message_queue(
        channel=channel,
        recipient=address,
        subject="Disposisi langkah 1: Mengumpulkan data kinerja",
        body="Isi",
        link="https://sop.example.go.id/disposisi/1/",
        key=key,
        agency=agency,
        now=now,
    )
    return message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_gateway_delivers_a_message_through_the_outbox(chat, balangan, provider):
    message = queue(provider, balangan)
    assert message.status == OutgoingMail.Status.SENT and message.attempts == 1
    assert chat.providers() == [provider] and message.provider == provider


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_wrong_token_fails_for_good_with_the_providers_answer(chat, balangan, provider):
    chat.token = "another-token"
    message = queue(provider, balangan)
    assert message.status == OutgoingMail.Status.FAILED and message.attempts == 1
    assert message.failed_at == NOW
    assert any(word in message.last_error.lower() for word in ("token", "unauthorized", "190")), message.last_error
    assert chat.delivered == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_unregistered_number_fails_for_good_and_says_so(chat, balangan, provider):
    message = queue(provider, balangan, address="999" if provider == "telegram" else "+6281299999999")
    assert message.status == OutgoingMail.Status.FAILED
    expected = {"telegram": "chat not found", "cloud_api": "131026", "fonnte": "target invalid"}
    assert expected.get(provider, "not") in message.last_error, message.last_error
    assert chat.delivered == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_rate_limit_waits_at_least_as_long_as_the_provider_asked(chat, balangan, provider):
    chat.misbehave = "429"
    message = queue(provider, balangan)
    assert message.status == OutgoingMail.Status.QUEUED and message.attempts == 1
    assert message.next_attempt_at >= NOW + datetime.timedelta(seconds=30)
    assert "429" in message.last_error


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_gateway_that_does_not_answer_in_time_is_tried_again_later(chat, balangan, settings, provider):
    settings.NOTIFY_TIMEOUT = 0.2
    chat.misbehave, chat.delay = "slow", 1.0
    message = queue(provider, balangan)
    assert message.status == OutgoingMail.Status.QUEUED and "timeout" in message.last_error.lower()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_retry_after_a_gateway_error_sends_the_message_once(chat, balangan, provider):
    chat.misbehave = "502_once"
    message = queue(provider, balangan)
    assert message.status == OutgoingMail.Status.QUEUED and "502" in message.last_error
    assert mail_deliver_due(now=NOW) == (0, 0)  # not due yet
    assert mail_deliver_due(now=NOW + datetime.timedelta(minutes=5)) == (1, 0)
    assert mail_deliver_due(now=NOW + datetime.timedelta(days=1)) == (0, 0)
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.SENT and message.attempts == 2
    assert chat.providers() == [provider]


def test_the_cloud_api_sends_an_approved_template_with_the_text_and_the_link(chat, balangan):
    queue("cloud_api", balangan)
    [(_provider, payload)] = chat.delivered
    assert payload["type"] == "template" and payload["to"] == REGISTERED
    assert payload["template"]["name"] == "sop_kinerja_pemberitahuan"
    assert payload["template"]["language"] == {"code": "id"}
    [body] = payload["template"]["components"]
    assert [p["text"] for p in body["parameters"]] == [
        "Disposisi langkah 1: Mengumpulkan data kinerja",
        "https://sop.example.go.id/disposisi/1/",
    ]


def test_an_agency_without_a_gateway_gets_a_clear_failure_not_an_exception(chat, balangan):
    message, _created = message_queue(
        channel="whatsapp",
        recipient="+" + REGISTERED,
        subject="Uji",
        body="Isi",
        key="uji:none",
        agency=balangan,
        now=NOW,
    )
    assert message.status == OutgoingMail.Status.FAILED and "no whatsapp gateway" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_fifty_threads_queueing_the_same_message_send_it_once(chat):
    # Telegram needs no agency, so this test stands on an empty database (it commits for real).
    start, problems = threading.Barrier(50), []

    def one():
        try:
            start.wait()
            queue("telegram", None, key="disposition_issued:workflow.disposition:1:7:x")
        except Exception as problem:  # reported below
            problems.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert OutgoingMail.objects.count() == 1 and chat.providers() == ["telegram"]
