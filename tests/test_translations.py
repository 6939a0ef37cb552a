from pathlib import Path

import polib
from django.conf import settings


def test_every_message_has_an_indonesian_translation():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_admins_time_zone_note_is_indonesian_too(login):
    script = login("balangan.kasubbag").get("/admin/jsi18n/").content.decode()
    assert "isikan waktu dalam zona waktu" in script
