"""Every event of the registry reaches a person on e-mail, on WhatsApp through each gateway an agency
may choose, and on Telegram: real client code against the fake servers of tests/fake_chat.py."""

import datetime

import pytest
from django.core import mail

from workflow.models import Agency, ContactPoint, Disposition, OutgoingMail
from workflow.organisation.events import EVENTS
from workflow.organisation.mail import notify

from .conftest import user
from .fake_chat import CHAT, REGISTERED, WHATSAPP_PROVIDERS, FakeChat, point_at

pytestmark = pytest.mark.django_db
WITA = datetime.timezone(datetime.timedelta(hours=8))
MORNING = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WITA)  # Monday 10:00 in Balangan, outside quiet hours
SEKRETARIS = "balangan.sekretaris"


@pytest.fixture(scope="module")
def chat():
    fake = FakeChat()
    yield fake
    fake.stop()


@pytest.mark.parametrize("gateway", WHATSAPP_PROVIDERS)
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_reaches_email_whatsapp_through_each_gateway_and_telegram(chat, settings, run, event, gateway):
    point_at(chat, settings)
    chat.delivered.clear()
    mail.outbox.clear()
    disposition = Disposition.objects.select_related("to_position__agency").get(run_step__run=run)
    agency = Agency.objects.get(pk=disposition.to_position.agency_id)
    Agency.objects.filter(pk=agency.pk).update(whatsapp_gateway=gateway)
    agency.refresh_from_db()
    person = user(SEKRETARIS)
    ContactPoint.objects.create(user=person, kind="whatsapp", address="+" + REGISTERED, verified_at=MORNING)
    ContactPoint.objects.create(user=person, kind="telegram", address=CHAT, verified_at=MORNING)

    queued = notify(
        f"Pemberitahuan ({event})",
        "workflow/email/disposition_issued.txt",
        {"disposition": disposition},
        [person],
        agency,
        event=event,
        now=MORNING,
    )

    assert queued == 3
    assert sorted(chat.providers()) == sorted([gateway, "telegram"])
    assert [message.to for message in mail.outbox] == [[person.email]]
    rows = OutgoingMail.objects.filter(event=event, user=person)
    assert sorted(rows.values_list("channel", "status")) == [
        ("email", "sent"),
        ("telegram", "sent"),
        ("whatsapp", "sent"),
    ]
