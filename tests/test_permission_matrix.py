"""Who may do what, over HTTP: every role × every action × own agency versus another agency.

Read MATRIX as the documentation: each action names the roles of Balangan that may do it to
Balangan's data. Everyone else is refused: an anonymous visitor is sent to the login page, a
Balangan role not named gets a 403/404 or the page's refusal message, and nothing is saved. The
"another agency" column is a Padang Panjang login of the same rank (Padang Panjang has no Kepala
Seksi and no Staf: its Kepala Bidang Kearsipan and its Fungsional Perencana stand in) aiming at
the same Balangan data: a 403/404 for a Balangan object, its own agency's page for a page, never
a trace of Balangan's data in the response, and never a change to it. The superuser views
Balangan through the agency switcher ("own") or Padang Panjang ("other"): viewing grants no
position, so it reads and does almost nothing else.

Each cell builds fresh objects through the services (a run with a submitted step, a submitted
unit quarter, a prepared signing request, a bukti dukung file, an attachment, a draft SOP), so
the cells are independent. See docs/security.md.
"""

import datetime
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.documents.signing import DEMO_PASSPHRASE, key_path, sha256
from reports.models import (
    DocumentKind,
    DocumentRequest,
    Evidence,
    Indicator,
    Publication,
    Realisation,
    SignedDocument,
    Target,
    TargetLock,
    UnitSubmission,
)
from reports.performance import excel
from reports.performance.selectors import figure_entries
from reports.performance.services import FigureRow, evidence_add, figures_save_draft, unit_submission_submit
from reports.performance.values import Figure
from sopkinerja.common.periods import Period
from sopkinerja.middleware import VIEWING_AGENCY_SESSION_KEY
from workflow.models import (
    ActingAssignment,
    Agency,
    Disposition,
    Employee,
    Position,
    Run,
    RunStep,
    Sop,
    SopEvaluation,
    SopMonitoring,
    SopVersion,
    Unit,
)
from workflow.runs.services import run_start, run_step_submit
from workflow.sop.editor import sop_draft_create
from workflow.sop.exchange.json_format import export_version
from workflow.sop.services import sop_version_revise

from .conftest import user
from .genuine_files import pdf_bytes, upload
from .test_signing_keys import PASSPHRASE, a_pkcs12
from .test_sop_editor import _form as editor_form

# --- Who is who --------------------------------------------------------------------------------

KADIS, SEKRETARIS, KABID, KASUBBAG, KASI, STAF = "kadis", "sekretaris", "kabid", "kasubbag", "kasi", "staf"
SUPERUSER, ANONYMOUS = "superuser", "anonymous"
RANKS = (KADIS, SEKRETARIS, KABID, KASUBBAG, KASI, STAF)

# One Balangan login per position rank, and the Padang Panjang login of the same rank.
OWN_LOGIN = {
    KADIS: "balangan.kadis",
    SEKRETARIS: "balangan.sekretaris",
    KABID: "balangan.kabid-perpustakaan",
    KASUBBAG: "balangan.kasubbag",  # Kasubbag Perencanaan: the agency admin and SOP author
    KASI: "balangan.kasi-layanan",
    STAF: "balangan.staf",
}
OTHER_LOGIN = {
    KADIS: "padangpanjang.kadis",
    SEKRETARIS: "padangpanjang.sekretaris",
    KABID: "padangpanjang.kabid-perpustakaan",
    KASUBBAG: "padangpanjang.kasubbag",
    KASI: "padangpanjang.kabid-arsip",  # no Kepala Seksi there: the head of a unit below the Kadis
    STAF: "padangpanjang.perencana",  # no Staf there: the Fungsional Perencana
}

EVERYONE = frozenset({*RANKS, SUPERUSER})  # every login that views Balangan
UNIT_ENTRY = frozenset({KADIS, SEKRETARIS, KABID, KASI})  # enter the Seksi Layanan's figures
AUTHORS = frozenset({KASUBBAG, SUPERUSER})  # hold workflow.add_sopversion (Admin Dinas group)
PLANNERS = frozenset({SEKRETARIS, KASUBBAG})  # enter targets (Sekretaris, agency admin)
COMPILERS = frozenset({KASUBBAG, STAF})  # read every unit's figures: steps 2-4 of seed 000, no inputs
ASSESSORS = frozenset({KADIS, SEKRETARIS})  # the SOP belongs to the Sekretariat

# --- The matrix: action -> the roles that may do it to their own agency's (Balangan's) data --------

MATRIX: dict[str, frozenset[str]] = {
    # Dashboard and SOPs
    "GET dashboard": EVERYONE,
    "GET SOP list": EVERYONE,
    "GET SOP page": EVERYONE,
    "GET SOP history": EVERYONE,
    "GET SOP download (json)": EVERYONE,
    "GET SOP download (xlsx)": EVERYONE,
    "GET SOP Excel template": EVERYONE,
    "GET new SOP form": AUTHORS,
    "POST new SOP": AUTHORS,
    "GET SOP import form": AUTHORS,
    "POST SOP import": AUTHORS,
    "GET SOP editor (draft)": AUTHORS,
    "POST SOP editor save": AUTHORS,
    "POST SOP editor preview": AUTHORS,
    "POST SOP editor add step": AUTHORS,
    "POST SOP new revision": AUTHORS,
    "POST SOP submit for signature": AUTHORS,
    "GET SOP delete draft (confirmation)": AUTHORS,
    "POST SOP delete draft": AUTHORS,
    # Monitoring and evaluation
    "GET monitoring list": EVERYONE,
    "GET SOP monitoring": EVERYONE,
    "POST SOP monitoring": ASSESSORS,
    "GET SOP evaluation": EVERYONE,
    "POST SOP evaluation": ASSESSORS,
    # Runs: step 1 is performed by the Sekretaris and approved by the Kepala Dinas
    "GET runs list": EVERYONE,
    "POST start a run": frozenset({KADIS, SEKRETARIS}),
    "GET run page": EVERYONE,
    "POST cancel a run": frozenset({KADIS}),
    "POST submit a step": frozenset({SEKRETARIS}),
    "POST approve a step": frozenset({KADIS}),
    "POST return a step": frozenset({KADIS}),
    "GET attachment download": EVERYONE,
    # Disposisi (step 1's goes to the Sekretaris)
    "GET disposisi inbox": EVERYONE,
    "GET open a disposisi": EVERYONE,
    "GET disposisi read receipt": frozenset({SEKRETARIS}),
    "POST print a disposisi": EVERYONE,
    "POST forward a disposisi": frozenset({SEKRETARIS}),  # its recipient, down the line
    "POST change a disposisi": frozenset({SEKRETARIS}),  # its issuer (the starter), until it is read
    # Plh/Plt
    "GET appointments": EVERYONE,
    "POST appoint a Plh": frozenset({KADIS}),  # a superuser appoints in the admin
    "POST end a Plh": frozenset({KADIS, SUPERUSER}),
    # Figures of the Seksi Layanan for the current quarter; its head submits, the Kabid reviews
    "GET figures overview": EVERYONE,
    "GET figures of a unit": UNIT_ENTRY | COMPILERS,
    "POST save a unit's figures": UNIT_ENTRY,
    "POST capaian cell": UNIT_ENTRY,
    "POST submit a unit's figures": UNIT_ENTRY,
    "GET figures Excel download": UNIT_ENTRY | COMPILERS,
    "POST figures Excel upload": UNIT_ENTRY,
    "POST approve a unit's figures": frozenset({KABID}),
    "POST return a unit's figures": frozenset({KABID}),
    "GET evidence download": EVERYONE,
    "POST evidence delete": frozenset({KABID, KASI}),  # the uploader (Kabid) and the unit head
    # Targets: the planning staff enter, the Kepala Dinas locks
    "GET targets": EVERYONE,
    "POST save targets": PLANNERS,
    "GET targets Excel download": PLANNERS,
    "POST lock targets": frozenset({KADIS}),
    # Documents and signing (the Kepala Dinas asked for the signing request)
    "GET documents": EVERYONE,
    "GET LKjIP tables download": EVERYONE,  # the year's tables for e-SAKIP and SIPD (issue 20)
    "POST request a document": EVERYONE,
    "POST request a signed document": frozenset({KADIS}),
    "GET document request page": EVERYONE,
    "GET document download": EVERYONE,
    "GET unsigned draft download": frozenset({KADIS}),
    "POST sign a document": frozenset({KADIS}),
    "POST withdraw a signing request": frozenset({KADIS, *AUTHORS}),  # the requester, or an SOP author
    "GET signed document download": EVERYONE,
    "GET public verification page": frozenset({*EVERYONE, ANONYMOUS}),
    # Issue 20: the public portal is open to anyone; what it shows is chosen by the agency's admin
    # (the Kasubbag Perencanaan) or its signer (the Kepala Dinas)
    "GET public portal: offices": frozenset({*EVERYONE, ANONYMOUS}),
    "GET public portal: an office's year": frozenset({*EVERYONE, ANONYMOUS}),
    "GET public portal: the government's summary": frozenset({*EVERYONE, ANONYMOUS}),
    "GET public portal: a published document": frozenset({*EVERYONE, ANONYMOUS}),
    "GET public portal: a published PDF": frozenset({*EVERYONE, ANONYMOUS}),
    "GET publications": frozenset({KADIS, KASUBBAG, SUPERUSER}),
    "POST publish a document": frozenset({KADIS, KASUBBAG, SUPERUSER}),
    "POST withdraw a published document": frozenset({KADIS, KASUBBAG, SUPERUSER}),
    # Signing keys: the agency admin installs or issues them (for the Kabid, say, before he is Plh)
    "GET signing keys": frozenset({KASUBBAG, SUPERUSER}),
    "POST install a signing key": frozenset({KASUBBAG, SUPERUSER}),
    "POST issue a demo signing key": frozenset({KASUBBAG, SUPERUSER}),
    # The texts every notification is made from: the agency's admins read them
    "GET message templates": frozenset({KASUBBAG, SUPERUSER}),
    # Installation
    "POST switch agency": frozenset({SUPERUSER}),
    "GET admin index": frozenset({KASUBBAG, SUPERUSER}),
    "GET admin: agency's SOP": frozenset({KASUBBAG, SUPERUSER}),
}

# Who in another agency may do it to Balangan's data: the superuser sees every agency's files and
# admin, and the QR code's verification page is public. Everyone else: nobody.
OTHER_AGENCY: dict[str, frozenset[str]] = {
    "GET attachment download": frozenset({SUPERUSER}),
    "GET evidence download": frozenset({SUPERUSER}),
    "GET public verification page": frozenset({*RANKS, SUPERUSER}),
    "GET public portal: offices": frozenset({*RANKS, SUPERUSER}),
    "GET public portal: an office's year": frozenset({*RANKS, SUPERUSER}),
    "GET public portal: the government's summary": frozenset({*RANKS, SUPERUSER}),
    "GET public portal: a published document": frozenset({*RANKS, SUPERUSER}),
    "GET public portal: a published PDF": frozenset({*RANKS, SUPERUSER}),
    "POST switch agency": frozenset({SUPERUSER}),
    "GET admin: agency's SOP": frozenset({SUPERUSER}),
}

# Text of Balangan's data that another agency's login must never see.
MARK = "penanda-matriks-izin"
BALANGAN_DATA = ("SOP – 01/DISPERSIP", "Jumlah anggota perpustakaan", MARK)

TW = Period.parse("2026-TW4")  # the seed offices' open quarter: targets set, figures not yet locked


@pytest.fixture(autouse=True)
def keys_in_a_temp_dir(settings, tmp_path):
    """The demo keys as loaded, copied: a cell that installs a key changes only its own copy."""
    people = tmp_path / "people"
    shutil.copytree(Path(settings.SIGNING_KEY_FILE).parent, people)
    settings.SIGNING_KEY_FILE = str(people / "{username}.p12")


# --- One cell: what to send and what it changes ----------------------------------------------


@dataclass
class Cell:
    """One request of an action, against fresh objects.

    `changed` reads what the action changes (None for a pure read); `page` says the address names
    no Balangan object, so another agency's login gets its own agency's page rather than a 404.
    """

    method: str
    url: str
    data: dict = field(default_factory=dict)
    changed: Callable[[], object] | None = None
    page: bool = False
    refused_by_redirect: bool = False  # the admin sends refused logins to its own login page
    says_why: bool = True  # a refused POST shows an error message (else: it quietly does less)


class Setting:
    """The cell's surroundings: Balangan, its SOP, and the client about to act."""

    def __init__(self, client, *, own: bool):
        self.client = client
        self.own = own  # the acting login views Balangan (else Padang Panjang)
        self.balangan = Agency.objects.get(slug="balangan")
        self.sop = Sop.objects.get(agency=self.balangan).current_version()

    def unit(self) -> Unit:
        indicator = Indicator.objects.get(objective__agency=self.balangan, name="Jumlah anggota perpustakaan")
        return indicator.responsible_unit

    def indicators(self) -> list[Indicator]:
        return [entry.indicator for entry in figure_entries(self.unit(), TW)]


def _run(s: Setting, *, submitted: bool = False, attachment: bool = False) -> Run:
    """A run of last year's first quarter; step 1 (the Sekretaris's) active or submitted."""
    run = run_start(version=s.sop, period=Period.parse(f"{TW.year - 1}-TW1"), user=user(OWN_LOGIN[SEKRETARIS]))
    if submitted:
        files = [upload(f"{MARK}.pdf", pdf_bytes())] if attachment else []
        run_step_submit(run_step_id=_first(run).pk, user=user(OWN_LOGIN[SEKRETARIS]), output_note=MARK, files=files)
    return run


def _first(run: Run) -> RunStep:
    return run.steps.get(step__number=1)


def _state(model, pk: int) -> str:
    return model.objects.get(pk=pk).state


def _figures_filled(s: Setting, who: str = KASI) -> UnitSubmission:
    rows = [FigureRow(indicator=indicator, figure=Figure(Decimal(5))) for indicator in s.indicators()]
    return figures_save_draft(unit=s.unit(), period=TW, rows=rows, user=user(OWN_LOGIN[who]))


def _submitted_quarter(s: Setting) -> UnitSubmission:
    _figures_filled(s)
    return unit_submission_submit(unit=s.unit(), period=TW, user=user(OWN_LOGIN[KASI]))


def _realisations(s: Setting) -> list:
    return list(
        Realisation.objects.filter(indicator__in=s.indicators(), year=TW.year, quarter=TW.number)
        .order_by("pk")
        .values_list("value", "obstacles")
    )


def _evidence(s: Setting) -> Evidence:
    """A bukti dukung file uploaded by the Kabid (not the unit head) for the Seksi Layanan's figure."""
    _figures_filled(s, KABID)
    realisation = Realisation.objects.get(indicator=s.indicators()[0], year=TW.year, quarter=TW.number)
    return evidence_add(realisation=realisation, file=upload(f"{MARK}.pdf", pdf_bytes()), user=user(OWN_LOGIN[KABID]))


def _draft(s: Setting) -> SopVersion:
    return sop_draft_create(agency=s.balangan, user=user(OWN_LOGIN[KASUBBAG]), number="", name=MARK)


def _complete_draft(s: Setting) -> SopVersion:
    """A new revision of the SOP, complete (it could become effective): it may be submitted for signature."""
    return sop_version_revise(version=s.sop, user=user(OWN_LOGIN[KASUBBAG]))


def _editor_form(s: Setting) -> dict:
    """The SOP editor's form with one column (the Sekretaris) and one step."""
    sekretaris = Position.objects.get(agency=s.balangan, rank="sekretaris")
    columns = [("Sekretaris", "position", sekretaris)]
    steps = [{"activity": "Memeriksa berkas", "actors": ["Sekretaris"]}]
    return editor_form(columns, steps, number="MATRIKS/01", name=f"{MARK} diubah")


def _document(s: Setting, **fields) -> DocumentRequest:
    return DocumentRequest.objects.create(
        agency=s.balangan,
        kind=DocumentKind.REPORT,
        period=f"{TW.year}-TW1",
        title=MARK,
        requested_by=user(OWN_LOGIN[KADIS]),
        pdf=pdf_bytes(),
        **fields,
    )


def _signed(s: Setting) -> SignedDocument:
    """A signed document as stored (its bytes need not carry a real signature to be downloaded)."""
    pdf = pdf_bytes()
    return SignedDocument.objects.create(
        agency=s.balangan,
        kind=DocumentKind.REPORT,
        subject=f"report:{TW.year}-TW1",
        period=f"{TW.year}-TW1",
        version=1,
        title=MARK,
        signed_by=user(OWN_LOGIN[KADIS]),
        signer_title="Kepala Dinas",
        signer_name=MARK,
        signed_at=timezone.now(),
        sha256=sha256(pdf),
        size=len(pdf),
        pdf=pdf,
    )


def _published(s: Setting) -> SignedDocument:
    """A signed document on the public portal."""
    document = _signed(s)
    Publication.objects.create(
        document=document, agency=s.balangan, published_at=document.signed_at, changed_at=document.signed_at
    )
    return document


def _publication_state(document: SignedDocument) -> Callable[[], tuple]:
    return lambda: tuple(Publication.objects.filter(document=document).values_list("pk", "withdrawn_at"))


def _prepared_signing_request(s: Setting, capture) -> DocumentRequest:
    """The Kepala Dinas asks for the SOP sheet to sign; the worker prepares the exact PDF."""
    from reports.documents.services import document_request

    with capture(execute=True):
        made = document_request(
            agency=s.balangan, kind=DocumentKind.SOP, user=user(OWN_LOGIN[KADIS]), sop_version=s.sop, sign=True
        )
    made.refresh_from_db()
    assert made.status == DocumentRequest.Status.AWAITING, made.error
    return made


@cache
def _filled_workbook(unit_id: int, period: str) -> bytes:
    """The unit's quarter as downloaded, with 7 typed into every realisation cell."""
    unit = Unit.objects.get(pk=unit_id)
    selected = Period.parse(period)
    entries = figure_entries(unit, selected)
    downloaded = excel.figures_workbook(agency=unit.agency, unit=unit, period=selected, entries=entries)
    book = load_workbook(io.BytesIO(downloaded))
    sheet = book.active
    for row in sheet.iter_rows(min_row=4):
        if row[0].value is not None:
            sheet[f"F{row[0].row}"] = 7
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _count(queryset) -> Callable[[], int]:
    return queryset.count


# --- How each action is sent -------------------------------------------------------------------


def _actions(s: Setting, capture) -> dict[str, Callable[[], Cell]]:
    b = s.balangan
    today = timezone.localdate()

    def dashboard():
        _run(s, submitted=True)
        return Cell("GET", reverse("workflow:home"), page=True)

    def sop_monitoring_post():
        data = {"period": f"{today.year}-S{1 if today.month <= 6 else 2}", "assessment": "baik", "notes": MARK}
        data["assessed_on"] = today.isoformat()
        url = reverse("workflow:sop-monitoring", args=[s.sop.pk])
        return Cell("POST", url, data, changed=_count(SopMonitoring.objects.filter(version=s.sop)))

    def sop_evaluation_post():
        from workflow.models import CRITERIA

        data = {"evaluated_on": today.isoformat(), **{name: "ya" for name, _text in CRITERIA}}
        url = reverse("workflow:sop-evaluation", args=[s.sop.pk])
        return Cell("POST", url, data, changed=_count(SopEvaluation.objects.filter(version=s.sop)))

    def sop_import():
        document = export_version(s.sop) | {"number": "MATRIKS/IMPOR"}
        content = json.dumps(document, ensure_ascii=False).encode()
        return Cell(
            "POST",
            reverse("workflow:sop-import"),
            {"file": upload("impor.json", content)},
            changed=_count(Sop.objects.filter(agency=b, number="MATRIKS/IMPOR")),
            page=True,
        )

    def sop_edit_post():
        draft = _draft(s)
        url = reverse("workflow:sop-edit", args=[draft.pk])
        return Cell("POST", url, _editor_form(s), changed=lambda: SopVersion.objects.get(pk=draft.pk).name)

    def sop_delete_post():
        draft = _draft(s)
        url = reverse("workflow:sop-delete", args=[draft.pk])
        return Cell("POST", url, changed=_count(SopVersion.objects.filter(pk=draft.pk)))

    def run_start_post():
        period = f"{TW.year - 1}-TW2"
        data = {"version": s.sop.pk, "period": period}
        changed = _count(Run.objects.filter(sop=s.sop.sop, period=period))
        return Cell("POST", reverse("workflow:runs"), data, changed=changed, page=True)

    def run_cancel():
        run = _run(s)
        url = reverse("workflow:run-cancel", args=[run.pk])
        return Cell("POST", url, {"reason": MARK}, changed=lambda: _state(Run, run.pk))

    def step_submit():
        step = _first(_run(s))
        data = {f"s{step.pk}-output_note": MARK}
        url = reverse("workflow:step-submit", args=[step.pk])
        return Cell("POST", url, data, changed=lambda: _state(RunStep, step.pk))

    def step_decide(name, note):
        def cell():
            step = _first(_run(s, submitted=True))
            url = reverse(f"workflow:{name}", args=[step.pk])
            return Cell("POST", url, {"note": note}, changed=lambda: _state(RunStep, step.pk))

        return cell

    def attachment_download():
        step = _first(_run(s, submitted=True, attachment=True))
        return Cell("GET", reverse("workflow:attachment-download", args=[step.attachments.get().pk]))

    def disposition(**cell):
        def make():
            first = _first(_run(s))
            pk = first.disposition.pk
            read = (lambda: Disposition.objects.get(pk=pk).read_at is not None) if cell else None
            return Cell("GET", reverse("workflow:disposition", args=[pk]), changed=read, says_why=False)

        return make

    def disposition_print():
        disposition = _first(_run(s)).disposition
        url = reverse("reports:disposition-print", args=[disposition.pk])
        return Cell("POST", url, changed=_count(DocumentRequest.objects.filter(agency=b)))

    def disposition_forward():
        pk = _first(_run(s)).disposition.pk
        kasubbag = Employee.objects.get(user__username=OWN_LOGIN[KASUBBAG]).position
        data = {"to_position": kasubbag.pk, "urgency": "segera", "requests": ["diketahui"], "instruction": MARK}
        forwards = _count(Disposition.objects.filter(parent_id=pk))
        return Cell("POST", reverse("workflow:disposition-forward", args=[pk]), data, changed=forwards)

    def disposition_amend():
        pk = _first(_run(s)).disposition.pk
        data = {"urgency": "sangat_segera", "requests": ["diketahui"], "instruction": MARK}
        url = reverse("workflow:disposition-amend", args=[pk])
        return Cell("POST", url, data, changed=lambda: Disposition.objects.get(pk=pk).urgency)

    def appoint():
        position = Position.objects.get(agency=b, rank="kepala_bidang", title__contains="Kearsipan")
        employee = Employee.objects.get(user__username=OWN_LOGIN[KABID])
        data = {
            "position": position.pk,
            "employee": employee.pk,
            "kind": "plh",
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=3)).isoformat(),
            "note": MARK,
        }
        changed = _count(ActingAssignment.objects.filter(position__agency=b))
        return Cell("POST", reverse("workflow:appointments"), data, changed=changed, page=True)

    def appointment_end():
        assignment = ActingAssignment.objects.create(
            position=Position.objects.get(agency=b, rank="kepala_bidang", title__contains="Kearsipan"),
            employee=Employee.objects.get(user__username=OWN_LOGIN[KABID]),
            starts_on=today,
            ends_on=today + datetime.timedelta(days=3),
            note=MARK,
        )
        url = reverse("workflow:appointment-end", args=[assignment.pk])
        return Cell("POST", url, changed=lambda: ActingAssignment.objects.get(pk=assignment.pk).ended_at is not None)

    def unit_url(name, *extra):
        return reverse(f"reports:{name}", args=[str(TW), s.unit().pk, *extra])

    def figures_save():
        data = {f"i{indicator.pk}-value": "7" for indicator in s.indicators()}
        data |= {f"i{indicator.pk}-obstacles": MARK for indicator in s.indicators()}
        return Cell("POST", unit_url("figures-unit"), data, changed=lambda: _realisations(s))

    def figures_submit():
        _figures_filled(s)
        unit = s.unit()
        changed = _count(UnitSubmission.objects.filter(unit=unit, period=str(TW), state="submitted"))
        return Cell("POST", unit_url("figures-submit"), changed=changed)

    def capaian():
        indicator = s.indicators()[0]
        return Cell("POST", unit_url("figures-capaian", indicator.pk), {f"i{indicator.pk}-value": "7"})

    def figures_upload():
        content = _filled_workbook(s.unit().pk, str(TW))
        data = {"file": upload("isi.xlsx", content)}
        return Cell("POST", unit_url("figures-excel"), data, changed=lambda: _realisations(s))

    def review(name, data):
        def cell():
            submission = _submitted_quarter(s)
            url = reverse(f"reports:{name}", args=[submission.pk])
            return Cell("POST", url, data, changed=lambda: _state(UnitSubmission, submission.pk))

        return cell

    def evidence_download():
        return Cell("GET", reverse("reports:evidence-download", args=[_evidence(s).pk]))

    def evidence_delete():
        evidence = _evidence(s)
        url = reverse("reports:evidence-delete", args=[evidence.pk])
        return Cell("POST", url, changed=_count(Evidence.objects.filter(pk=evidence.pk)))

    def targets_save():
        year = TW.year + 1
        indicators = Indicator.objects.filter(objective__agency=b)
        data = {f"t{indicator.pk}-annual": "80" for indicator in indicators}
        changed = _count(Target.objects.filter(indicator__objective__agency=b, year=year))
        return Cell("POST", reverse("reports:targets", args=[year]), data, changed=changed, page=True)

    def targets_lock():
        year = TW.year + 1
        for indicator in Indicator.objects.filter(objective__agency=b):  # a year is locked only when complete
            for quarter in (None, 1, 2, 3, 4):
                Target.objects.create(indicator=indicator, year=year, quarter=quarter, value=80)
        changed = _count(TargetLock.objects.filter(agency=b, year=year))
        return Cell("POST", reverse("reports:targets-lock", args=[year]), changed=changed, page=True)

    def document_ask(sign: bool):
        def cell():
            data = {"sop-sop_version": s.sop.pk, "sop-paper": "f4"} | ({"sop-sign": "on"} if sign else {})
            requests = DocumentRequest.objects.filter(agency=b, sop_version=s.sop)
            changed = _count(requests.filter(sign=True) if sign else requests)
            # Without the right to sign, the form has no "sign" box: the request is simply unsigned.
            return Cell("POST", reverse("reports:documents"), data, changed=changed, page=True, says_why=not sign)

        return cell

    def unsigned_draft():
        document = _document(s, sign=True, status=DocumentRequest.Status.AWAITING)
        return Cell("GET", reverse("reports:request-download", args=[document.pk]))

    def sign():
        made = _prepared_signing_request(s, capture)
        data = {"passphrase": DEMO_PASSPHRASE, "sha256": sha256(bytes(made.pdf))}
        changed = _count(SignedDocument.objects.filter(agency=b))
        return Cell("POST", reverse("reports:request-sign", args=[made.pk]), data, changed=changed)

    def withdraw():
        made = _prepared_signing_request(s, capture)
        url = reverse("reports:request-withdraw", args=[made.pk])
        return Cell("POST", url, changed=lambda: DocumentRequest.objects.get(pk=made.pk).status)

    def publish():
        document = _signed(s)
        url = reverse("reports:publication-publish", args=[document.pk])
        return Cell("POST", url, changed=_publication_state(document))

    def withdraw_publication():
        document = _published(s)
        url = reverse("reports:publication-withdraw", args=[document.pk])
        return Cell("POST", url, {"reason": "Diganti"}, changed=_publication_state(document))

    def key_of(who: str) -> Callable[[], bytes | None]:
        person = Employee.objects.select_related("user").get(user__username=who)
        return lambda: key_path(person).read_bytes() if key_path(person).exists() else None

    def key_install():
        person = Employee.objects.get(user__username=OWN_LOGIN[KABID])
        pkcs12 = a_pkcs12(name=person.full_name, nip=person.nip)
        data = {"pkcs12": upload("kunci.p12", pkcs12), "passphrase": PASSPHRASE}
        url = reverse("reports:signing-key-install", args=[person.pk])
        return Cell("POST", url, data, changed=key_of(OWN_LOGIN[KABID]))

    def key_demo():
        person = Employee.objects.get(user__username=OWN_LOGIN[KABID])
        url = reverse("reports:signing-key-demo", args=[person.pk])
        return Cell("POST", url, {"passphrase": PASSPHRASE}, changed=key_of(OWN_LOGIN[KABID]))

    def switch():
        # Padang Panjang's logins try to switch to Balangan, Balangan's (and the superuser) to Padang Panjang.
        return Cell(
            "POST",
            reverse("agency-switch"),
            {"agency": "padang-panjang" if s.own else "balangan"},
            changed=lambda: s.client.session.get(VIEWING_AGENCY_SESSION_KEY),
            page=True,
        )

    return {
        "GET dashboard": dashboard,
        "GET SOP list": lambda: Cell("GET", reverse("workflow:sop-list"), page=True),
        "GET SOP page": lambda: Cell("GET", reverse("workflow:sop-detail", args=[s.sop.pk])),
        "GET SOP history": lambda: Cell("GET", reverse("workflow:sop-history", args=[s.sop.pk])),
        "GET SOP download (json)": lambda: Cell("GET", reverse("workflow:sop-download", args=[s.sop.pk, "json"])),
        "GET SOP download (xlsx)": lambda: Cell("GET", reverse("workflow:sop-download", args=[s.sop.pk, "xlsx"])),
        "GET SOP Excel template": lambda: Cell("GET", reverse("workflow:sop-template"), page=True),
        "GET new SOP form": lambda: Cell("GET", reverse("workflow:sop-new"), page=True),
        "POST new SOP": lambda: Cell(
            "POST",
            reverse("workflow:sop-new"),
            {"number": "", "name": MARK, "unit": s.sop.sop.unit_id},
            changed=_count(Sop.objects.filter(agency=b, versions__name=MARK)),
            page=True,
        ),
        "GET SOP import form": lambda: Cell("GET", reverse("workflow:sop-import"), page=True),
        "POST SOP import": sop_import,
        "GET SOP editor (draft)": lambda: Cell("GET", reverse("workflow:sop-edit", args=[_draft(s).pk])),
        "POST SOP editor save": sop_edit_post,
        "POST SOP editor preview": lambda: Cell(
            "POST", reverse("workflow:sop-preview", args=[_draft(s).pk]), _editor_form(s)
        ),
        "POST SOP editor add step": lambda: Cell(
            "POST", reverse("workflow:sop-step-add", args=[_draft(s).pk]), _editor_form(s)
        ),
        "POST SOP new revision": lambda: Cell(
            "POST",
            reverse("workflow:sop-revise", args=[s.sop.pk]),
            changed=_count(SopVersion.objects.filter(sop=s.sop.sop, status=SopVersion.Status.DRAFT)),
        ),
        "POST SOP submit for signature": lambda: Cell(
            "POST", reverse("workflow:sop-submit", args=[_complete_draft(s).pk]), says_why=True
        ),
        "GET SOP delete draft (confirmation)": lambda: Cell("GET", reverse("workflow:sop-delete", args=[_draft(s).pk])),
        "POST SOP delete draft": sop_delete_post,
        "GET monitoring list": lambda: Cell("GET", reverse("workflow:monitoring"), page=True),
        "GET SOP monitoring": lambda: Cell("GET", reverse("workflow:sop-monitoring", args=[s.sop.pk])),
        "POST SOP monitoring": sop_monitoring_post,
        "GET SOP evaluation": lambda: Cell("GET", reverse("workflow:sop-evaluation", args=[s.sop.pk])),
        "POST SOP evaluation": sop_evaluation_post,
        "GET runs list": lambda: _run(s) and Cell("GET", reverse("workflow:runs"), page=True),
        "POST start a run": run_start_post,
        "GET run page": lambda: Cell("GET", reverse("workflow:run-detail", args=[_run(s, submitted=True).pk])),
        "POST cancel a run": run_cancel,
        "POST submit a step": step_submit,
        "POST approve a step": step_decide("step-approve", ""),
        "POST return a step": step_decide("step-return", MARK),
        "GET attachment download": attachment_download,
        "GET disposisi inbox": lambda: _run(s) and Cell("GET", reverse("workflow:disposition-inbox"), page=True),
        "GET open a disposisi": disposition(),
        "GET disposisi read receipt": disposition(receipt=True),
        "POST print a disposisi": disposition_print,
        "POST forward a disposisi": disposition_forward,
        "POST change a disposisi": disposition_amend,
        "GET appointments": lambda: Cell("GET", reverse("workflow:appointments"), page=True),
        "POST appoint a Plh": appoint,
        "POST end a Plh": appointment_end,
        "GET figures overview": lambda: Cell("GET", reverse("reports:figures-period", args=[str(TW)]), page=True),
        "GET figures of a unit": lambda: Cell("GET", unit_url("figures-unit")),
        "POST save a unit's figures": figures_save,
        "POST capaian cell": capaian,
        "POST submit a unit's figures": figures_submit,
        "GET figures Excel download": lambda: Cell("GET", unit_url("figures-excel")),
        "POST figures Excel upload": figures_upload,
        "POST approve a unit's figures": review("submission-approve", {}),
        "POST return a unit's figures": review("submission-return", {"note": MARK}),
        "GET evidence download": evidence_download,
        "POST evidence delete": evidence_delete,
        "GET targets": lambda: Cell("GET", reverse("reports:targets", args=[TW.year]), page=True),
        "POST save targets": targets_save,
        "GET targets Excel download": lambda: Cell("GET", reverse("reports:targets-excel", args=[TW.year]), page=True),
        "POST lock targets": targets_lock,
        "GET documents": lambda: _document(s) and Cell("GET", reverse("reports:documents"), page=True),
        "GET LKjIP tables download": lambda: Cell("GET", reverse("reports:lkjip-excel", args=[TW.year]), page=True),
        "POST request a document": document_ask(sign=False),
        "POST request a signed document": document_ask(sign=True),
        "GET document request page": lambda: Cell("GET", reverse("reports:request", args=[_document(s).pk])),
        "GET document download": lambda: Cell(
            "GET",
            reverse("reports:request-download", args=[_document(s, status=DocumentRequest.Status.READY).pk]),
        ),
        "GET unsigned draft download": unsigned_draft,
        "POST sign a document": sign,
        "POST withdraw a signing request": withdraw,
        "GET signed document download": lambda: Cell("GET", reverse("reports:signed-download", args=[_signed(s).pk])),
        "GET public verification page": lambda: Cell("GET", reverse("reports:verify", args=[_signed(s).token])),
        "GET public portal: offices": lambda: Cell("GET", reverse("portal:index"), page=True),
        "GET public portal: an office's year": lambda: Cell("GET", reverse("portal:office", args=[b.slug])),
        "GET public portal: the government's summary": lambda: Cell(
            "GET", reverse("portal:government", args=[b.local_government_id])
        ),
        "GET public portal: a published document": lambda: Cell(
            "GET", reverse("portal:document", args=[_published(s).token])
        ),
        "GET public portal: a published PDF": lambda: Cell(
            "GET", reverse("portal:download", args=[_published(s).token])
        ),
        "GET publications": lambda: _signed(s) and Cell("GET", reverse("reports:publications"), page=True),
        "POST publish a document": publish,
        "POST withdraw a published document": withdraw_publication,
        "GET signing keys": lambda: Cell("GET", reverse("reports:signing-keys"), page=True),
        "GET message templates": lambda: Cell("GET", reverse("workflow:message-templates"), page=True),
        "POST install a signing key": key_install,
        "POST issue a demo signing key": key_demo,
        "POST switch agency": switch,
        "GET admin index": lambda: Cell("GET", reverse("admin:index"), page=True, refused_by_redirect=True),
        "GET admin: agency's SOP": lambda: Cell(
            "GET", reverse("admin:workflow_sopversion_change", args=[s.sop.pk]), refused_by_redirect=True
        ),
    }


# --- The cells ---------------------------------------------------------------------------------

ACTORS = [(rank, "own") for rank in RANKS] + [(rank, "other") for rank in RANKS]
ACTORS += [(SUPERUSER, "own"), (SUPERUSER, "other"), (ANONYMOUS, "")]


def _sign_in(client, role: str, agency: str):
    if role == ANONYMOUS:
        return client
    if role == SUPERUSER:
        client.force_login(user("admin"))
        session = client.session
        viewed = Agency.objects.get(slug="balangan" if agency == "own" else "padang-panjang")
        session[VIEWING_AGENCY_SESSION_KEY] = viewed.pk
        session.save()
        return client
    client.force_login(user((OWN_LOGIN if agency == "own" else OTHER_LOGIN)[role]))
    return client


def _allowed(action: str, role: str, agency: str) -> bool:
    if agency == "other":
        return role in OTHER_AGENCY.get(action, frozenset())
    return role in MATRIX[action]


def _refusal_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]


def test_every_view_of_both_apps_is_in_the_matrix(client, db, django_capture_on_commit_callbacks):
    from django.db import transaction
    from django.urls import resolve

    from reports.urls import portal_urlpatterns
    from reports.urls import urlpatterns as reports_urls
    from workflow.urls import urlpatterns as workflow_urls

    actions = _actions(Setting(client, own=True), django_capture_on_commit_callbacks)
    assert set(actions) == set(MATRIX) and set(OTHER_AGENCY) <= set(MATRIX)
    covered = set()
    for make in actions.values():
        savepoint = transaction.savepoint_create()  # each action's objects alone, as in its cells
        covered.add(resolve(make().url).url_name)
        transaction.savepoint_rollback(savepoint)
    views = {pattern.name for pattern in [*workflow_urls, *reports_urls, *portal_urlpatterns]}
    views -= {"figures"}  # the same view as figures-period, for the current quarter
    # A person's own profile and the bot's webhook name no agency's data (every login reaches only their
    # own profile; the webhook answers to its secret header): tests/test_notification_routing.py.
    views -= {
        "profile",
        "profile-phone",
        "profile-phone-code",
        "profile-telegram",
        "profile-contact-remove",
        "profile-preferences",
        "telegram-webhook",
    }
    assert views - covered == set()


@pytest.mark.parametrize(("role", "agency"), ACTORS, ids=[f"{r}-{a}" if a else r for r, a in ACTORS])
@pytest.mark.parametrize("action", list(MATRIX))
def test_the_permission_matrix_cell_holds(action, role, agency, client, db, django_capture_on_commit_callbacks):
    setting = Setting(client, own=agency != "other")
    cell = _actions(setting, django_capture_on_commit_callbacks)[action]()
    before = cell.changed() if cell.changed else None
    _sign_in(client, role, agency)
    send = client.get if cell.method == "GET" else client.post
    response = send(cell.url, cell.data) if cell.data else send(cell.url)
    after = cell.changed() if cell.changed else None
    allowed = _allowed(action, role, agency)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    where = f"{role} ({agency or 'signed out'}) {action}: {response.status_code}"

    assert response.status_code < 500, where
    if allowed:
        assert response.status_code in (200, 302), where
        assert not _refusal_messages(response), f"{where} refused: {_refusal_messages(response)}"
        if cell.changed:
            assert after != before, f"{where}, but nothing changed"
        return
    assert after == before, f"{where} changed {before!r} into {after!r} out of turn"
    if role == ANONYMOUS:
        assert response.status_code == 302 and "/login/" in response["Location"], where
        return
    if agency == "other":
        typed = " ".join(str(value) for value in cell.data.values())  # a form may show what was typed
        for text in BALANGAN_DATA:
            assert text in typed or text.encode() not in body, f"{where} shows Balangan's {text!r}"
        if not cell.page:
            refused = (302,) if cell.refused_by_redirect else (403, 404)
            assert response.status_code in refused, where
        return
    if cell.refused_by_redirect:
        assert response.status_code == 302 and "/login/" in response["Location"], where
    elif cell.method == "GET" and not cell.changed:
        assert response.status_code in (403, 404), where
    elif cell.says_why and response.status_code not in (403, 404):
        assert _refusal_messages(response) or response.status_code == 400, f"{where} without saying why"
