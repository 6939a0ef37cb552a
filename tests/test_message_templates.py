"""An agency admin reads what every notification says, as its templates are written (issue 18)."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

from workflow.organisation.events import EVENTS, TEMPLATES

from .conftest import user

pytestmark = pytest.mark.django_db
URL = reverse("workflow:message-templates")


def test_every_event_has_a_template_that_exists():
    assert set(TEMPLATES) == set(EVENTS)
    for names in TEMPLATES.values():
        for name in names:
            assert get_template(name).template.source.strip()


def test_an_agency_admin_reads_every_events_template_with_its_text(client):
    client.force_login(user("balangan.kasubbag"))
    page = client.get(URL).content.decode()
    for name, label in EVENTS.items():
        assert f'id="{name}"' in page and str(label) in page
    assert "{{ disposition.subject }}" in get_template("workflow/email/disposition_issued.txt").template.source
    assert "{{ disposition.subject }}" in page  # the template's own text, placeholders and all


def test_a_member_who_is_not_an_admin_is_refused_the_templates(client):
    client.force_login(user("balangan.kadis"))
    response = client.get(URL)
    assert response.status_code == 403
    assert "admin" in response.content.decode().lower()
