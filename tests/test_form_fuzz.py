"""Every form of the app, fuzzed through HTTP: thousands of generated submissions, and never a
server error; and whenever the page refuses (a form error or a warning/error message), the
database is exactly as it was: every table's row count and the content of the tables forms edit.

Field names are read from each form's own page, so a new field is fuzzed without changing this file.
Figures from these runs are in docs/reliability.md.
"""

import re
from html.parser import HTMLParser

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from reports.models import Indicator
from workflow.models import SopVersion
from workflow.runs.services import run_step_submit

from .conftest import user
from .fuzzing import FUZZ, NASTY, fuzz_once


class _Fields(HTMLParser):
    """Names (and option values) of the fields inside the page's POST forms."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_post_form = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
        elif self._in_post_form and tag in {"input", "textarea", "select"}:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken" and attrs.get("type") != "file":
                values = self.fields.setdefault(name, [])
                if attrs.get("value"):
                    values.append(attrs["value"])
                self._select = name if tag == "select" else None
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select":
            self._select = None


def fields_of(html: str) -> dict[str, list[str]]:
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def submissions(fields: dict[str, list[str]]):
    """Each field left out, given one of its own values, a nasty value or any text."""

    def value_for(known: list[str]):
        choices = [st.sampled_from(NASTY), st.text(max_size=60), st.integers(-(10**12), 10**12).map(str)]
        if known:
            choices.insert(0, st.sampled_from(known))
        return st.none() | st.one_of(*choices)

    return st.fixed_dictionaries({name: value_for(known) for name, known in fields.items()}).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


def form_fuzz(client, url: str):
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    fields = fields_of(page.content.decode())
    assert fields, f"no POST form found on {url}"

    @FUZZ
    @given(submissions(fields))
    def run(data):
        fuzz_once(client, url, data)

    run()


def test_the_unit_figures_form_survives_any_submission(login, balangan):
    indicator = Indicator.objects.get(objective__agency=balangan, name="Jumlah pengunjung perpustakaan")
    url = reverse("reports:figures-unit", args=["2026-TW4", indicator.responsible_unit_id])
    form_fuzz(login("balangan.kasi-layanan"), url)


def test_the_targets_form_survives_any_submission(login, balangan):
    form_fuzz(login("balangan.sekretaris"), reverse("reports:targets", args=[2027]))


def test_the_run_start_form_survives_any_submission(login, sop000):
    form_fuzz(login("balangan.sekretaris"), reverse("workflow:runs"))


def test_the_step_forms_survive_any_submission(login, run):
    first = run.steps.get(step__number=1)
    client = login("balangan.sekretaris")
    form_fuzz(client, reverse("workflow:run-detail", args=[run.pk]))
    run_step_submit(run_step_id=first.pk, user=user("balangan.sekretaris"), output_note="Disposisi")
    head = login("balangan.kadis")
    for name in ("workflow:step-approve", "workflow:step-return"):
        note_fuzz(head, reverse(name, args=[first.pk]))


def note_fuzz(client, url: str):
    @FUZZ
    @given(st.fixed_dictionaries({"note": st.sampled_from(NASTY) | st.text(max_size=80)}))
    def decide(data):
        response = fuzz_once(client, url, data)
        assert response.status_code in {200, 302, 403}

    decide()


def test_the_new_sop_form_survives_any_submission(login, balangan):
    form_fuzz(login("balangan.kasubbag"), reverse("workflow:sop-new"))


def test_the_sop_editor_survives_any_submission(login, balangan):
    from workflow.sop.services import sop_version_revise

    effective = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    draft = sop_version_revise(version=effective, user=user("balangan.kasubbag"))
    form_fuzz(login("balangan.kasubbag"), reverse("workflow:sop-edit", args=[draft.pk]))


def test_the_appointment_form_survives_any_submission(login, balangan):
    form_fuzz(login("balangan.kadis"), reverse("workflow:appointments"))


def test_the_documents_forms_survive_any_submission(login, balangan):
    form_fuzz(login("balangan.kadis"), reverse("reports:documents"))


def test_the_monitoring_form_survives_any_submission(login, balangan):
    effective = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    form_fuzz(login("balangan.kadis"), reverse("workflow:sop-monitoring", args=[effective.pk]))


def test_the_evaluation_form_survives_any_submission(login, balangan):
    effective = SopVersion.objects.get(sop__agency=balangan, status=SopVersion.Status.EFFECTIVE)
    form_fuzz(login("balangan.kadis"), reverse("workflow:sop-evaluation", args=[effective.pk]))


def test_the_login_form_survives_any_submission(client, balangan):
    form_fuzz(client, reverse("login"))


def test_field_names_are_read_from_the_forms_own_page():
    html = '<form method="post"><input name="a" value="1"><select name="b"><option value="x">X</option></select></form>'
    assert fields_of(html + '<form method="get"><input name="q"></form>') == {"a": ["1"], "b": ["x"]}
    assert re.search("csrf", str(fields_of('<form method="post"><input name="csrfmiddlewaretoken"></form>'))) is None
