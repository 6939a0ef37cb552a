"""What can be checked without a browser: one h1 per page, unique ids, labels that point at their
box, and no English in the Indonesian interface (error pages, notes, the admin's date hints).
The colour and phone checks run in the browser (tests/e2e/test_a11y.py)."""

from collections import Counter
from html.parser import HTMLParser

from django.urls import reverse

from workflow.models import Disposition, RunStep

from .conftest import user

# English phrases that must never reach the Indonesian interface.
ENGLISH = [
    "Not Found",
    "Forbidden",
    "Page not found",
    "Access refused",
    "Dashboard",
    "Sign out",
    "Source:",
    "Skip to the content",
    "Waiting",
    "Approve",
    "Return for correction",
    "Note (optional)",
    "The requested resource",
]


class Outline(HTMLParser):
    """The ids, label targets and h1s of a page; the text outside <details> notes kept as data."""

    def __init__(self):
        super().__init__()
        self.ids, self.label_targets, self.h1 = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_targets.append(attrs["for"])
        if tag == "h1":
            self.h1 += 1


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def main_pages(run_step) -> dict[str, str]:
    return {
        "dashboard": reverse("workflow:home"),
        "figures": reverse("reports:figures"),
        "runs": reverse("workflow:runs"),
        "run": reverse("workflow:run-detail", args=[run_step.run_id]),
        "disposisi": reverse(
            "workflow:disposition", args=[Disposition.objects.filter(run_step__run=run_step.run).first().pk]
        ),
        "inbox": reverse("workflow:disposition-inbox"),
        "sop-list": reverse("workflow:sop-list"),
        "documents": reverse("reports:documents"),
        "sop": reverse("workflow:sop-detail", args=[run_step.run.version_id]),
        "monitoring": reverse("workflow:monitoring"),
        "plh": reverse("workflow:appointments"),
    }


def test_every_main_page_has_one_h1_and_unique_ids_and_labels_that_point_at_a_box(login, submitted_step):
    client = login("balangan.sekretaris")
    for name, url in main_pages(submitted_step).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = outline(response)
        assert page.h1 == 1, f"{name} has {page.h1} h1 headings"
        duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
        assert not duplicates, f"{name} repeats the ids {duplicates}"
        orphans = [target for target in page.label_targets if target not in page.ids]
        assert not orphans, f"{name} has labels for missing boxes {orphans}"


def test_the_approve_and_return_boxes_each_have_their_own_label(login, submitted_step):
    page = login("balangan.sekretaris").get(reverse("workflow:run-detail", args=[submitted_step.run_id]))
    html = page.content.decode()
    approve, give_back = f"id_a{submitted_step.pk}-note", f"id_r{submitted_step.pk}-note"
    assert f'for="{approve}"' in html and f'id="{approve}"' in html
    assert f'for="{give_back}"' in html and f'id="{give_back}"' in html
    assert 'id="id_note"' not in html


def test_a_return_from_the_run_page_keeps_its_note(login, submitted_step):
    client = login("balangan.sekretaris")
    prefix = f"r{submitted_step.pk}"
    client.post(reverse("workflow:step-return", args=[submitted_step.pk]), {f"{prefix}-note": "Lengkapi data bidang"})
    submitted_step.refresh_from_db()
    assert submitted_step.state == RunStep.State.ACTIVE
    assert submitted_step.return_note == "Lengkapi data bidang"


def test_the_login_and_error_pages_have_one_h1(client, db):
    assert outline(client.get(reverse("login"))).h1 == 1
    assert outline(client.get("/tidak-ada/")).h1 == 1


def test_no_english_reaches_the_indonesian_pages(login, submitted_step):
    client = login("balangan.sekretaris")
    for name, url in main_pages(submitted_step).items():
        html = client.get(url).content.decode()
        if name == "sop":
            # The provenance note is data, kept as the loader wrote it, under a translated label.
            assert "Asal teks SOP ini" in html
            html = html.split('class="small text-body-secondary sop-provenance"')[0]
        leaked = [phrase for phrase in ENGLISH if phrase in html]
        assert not leaked, f"{name} shows English: {leaked}"


def test_a_missing_page_says_so_in_indonesian(login):
    response = login("balangan.staf").get("/tidak-ada/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in html
    assert not [phrase for phrase in ENGLISH if phrase in html]


def test_a_refused_page_says_why_in_indonesian(client, db):
    client.force_login(user("balangan.staf"))
    response = client.post(reverse("agency-switch"), {"agency": "padang-panjang"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in html and "hanya superuser atau administrator pemerintah" in html
    assert not [phrase for phrase in ENGLISH if phrase in html]


def test_the_admin_date_hints_are_indonesian(client, db):
    client.force_login(user("admin"))
    catalogue = client.get("/admin/jsi18n/").content.decode()
    assert '"Today": "Hari ini"' in catalogue
    assert "Catatan: isikan waktu dalam zona waktu" in catalogue
