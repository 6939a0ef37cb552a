"""The parts of `make bench` that run inside Django, one subcommand per process (tests/bench/run.py
starts them against the bench database with the production settings and reads their JSON on stdout):

- `seed`: scale agencies first … first+agencies-1 with `years` of history (tests.support.scale);
- `pages`: the URL of every main page of one agency as its Sekretaris opens them, with the page's
  queries, size and time in one process (Django's test client);
- `profile`: cProfile of the pages named, in one process (text, not JSON);
- `documents`: WeasyPrint against Debian's chromium on the same HTML, for the SOP sheet and the
  annual report of one agency;
- `render`: one render of a document; its peak RSS is this process's.
- `attack`: the hostile files of the attack section (an SOP JSON of 1,000 steps, an SOP workbook
  of 20,000 step rows, a quarter's workbook whose ID cell is the number `1e1000000`), written into
  a folder, with a signed document to post uploads to, the URLs and who posts each.
- `mix`: the cast of the mixed workload (tests/bench/mix.py): who plays each role in which agency,
  the unit whose figures the staff enter, the pages they open; a run of the current quarter in
  progress in each of those agencies (started here when there is none).
- `misspath`: each main page right after a write to its agency (a figures draft saved through the
  unit's page), against the same page without the write and the login page, in one process.
- `middleware`: each middleware's own time on the login page and the dashboard (tests/bench/probes.py).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopkinerja.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports.documents.pdf import print_stylesheet_text  # noqa: E402
from reports.models import UnitSubmission  # noqa: E402
from reports.performance.selectors import reporting_units  # noqa: E402
from sopkinerja.common.periods import Period  # noqa: E402
from tests.bench import probes  # noqa: E402
from tests.bench.mix import changed_figures, figures_form  # noqa: E402
from tests.bench.pages import (  # noqa: E402
    API_READS,
    ENTRY_PAGE,
    LOGIN,
    MISS_PATH_PAGES,
    PUBLIC_PAGES,
    SIGNED_IN_PAGES,
    TRIVIAL,
)
from tests.support.scale import main_pages  # noqa: E402
from workflow import permissions  # noqa: E402
from workflow.models import Agency, Employee, Run, Scope, SopVersion  # noqa: E402
from workflow.organisation.tokens import api_token_create  # noqa: E402
from workflow.runs.services import run_start  # noqa: E402


def user_of(slug: str) -> str:
    return f"{slug}.sekretaris"


def last_finished_quarter(today) -> Period:
    quarter = (today.month - 1) // 3 + 1
    return Period.quarter(today.year, quarter - 1) if quarter > 1 else Period.quarter(today.year - 1, 4)


def page_urls(slug: str) -> dict[str, str]:
    """The baselines, then the main pages of one agency (tests.support.scale.main_pages) for the last
    quarter that is over; the figures overview as the menu opens it, for the current quarter."""
    period = last_finished_quarter(timezone.localdate())
    pages = main_pages(slug, period)
    pages["figures"] = reverse("reports:figures")
    run = Run.objects.get(sop__agency__slug=slug, period=str(period))
    api = {
        "API figures": f"/api/v1/agencies/{slug}/figures/{period}",
        "API units": f"/api/v1/agencies/{slug}/units",
        "API run": f"/api/v1/agencies/{slug}/runs/{run.pk}",
    }
    return {
        TRIVIAL: "/favicon.ico",
        LOGIN: reverse("login"),
        **{name: pages[name] for name in SIGNED_IN_PAGES},
        **{name: pages[name] for name in PUBLIC_PAGES},
        **{name: api[name] for name in API_READS},
    }


def api_header(slug: str) -> str:
    """The header of a new read-only API token of the agency (as an integration sends it)."""
    from django.contrib.auth import get_user_model

    _token, secret = api_token_create(
        name="bench",
        scopes=[Scope.READ_PERFORMANCE, Scope.READ_RUNS],
        agency=Agency.objects.get(slug=slug),
        created_by=get_user_model().objects.get(username=user_of(slug)),
    )
    return f"Bearer {secret}"


def signed_in_client(slug: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=user_of(slug)))
    client.get(reverse("workflow:home"))  # the first request after signing in does the session's work
    return client


def seed(args) -> dict:
    from tests.support.scale import seed_scale

    started = time.monotonic()
    counts = seed_scale(agencies=args.agencies, years=args.years, first=args.first)
    return {"seconds": round(time.monotonic() - started, 1), **counts.as_dict()}


def pages(args) -> dict:
    """Per page: URL, status, queries, HTML bytes, and the median time of a few requests in one process."""
    setup_test_environment()
    urls = page_urls(args.agency)
    signed_in = signed_in_client(args.agency)
    authorization = api_header(args.agency)
    integration = Client(headers={"Authorization": authorization})
    result = {}
    for name, url in urls.items():
        client = signed_in if name in SIGNED_IN_PAGES else integration if name in API_READS else Client()
        client.get(url)  # warm: templates, translations
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counted = len(queries)  # now: the next request empties the log that `queries` reads
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        result[name] = {
            "url": url,
            "status": response.status_code,
            "queries": counted,
            "bytes": len(response.content),
            "ms_in_process": round(statistics.median(samples) * 1000, 1),
            "authorization": authorization if name in API_READS else None,
        }
    return result


def where(function: tuple) -> str:
    """A profiled function as path:line(name), the path relative to the checkout or site-packages."""
    filename, line, name = function
    for base in (str(ROOT) + "/", "site-packages/", sysconfig.get_paths()["stdlib"] + "/"):
        if base in filename:
            filename = filename.split(base, 1)[1]
    return f"{filename}:{line}({name})"


def template_render(filename: str, function: str) -> bool:
    """Django's Template.render, the entry point of a template render (includes nest inside it)."""
    return function == "render" and filename.endswith("django/template/backends/django.py")


def profile(args) -> str:
    """Per page named, signed in (an API read with a read token), after a warm request (with
    --after-write: each request right after a figures draft saved in the agency): the time per request
    under cProfile and of its SQL, then the app's own functions by cumulative time and all functions
    by their own time."""
    setup_test_environment()
    urls = page_urls(args.agency)
    signed_in = signed_in_client(args.agency)
    # The API's reads as an integration calls them: with a read token, never the session cookie.
    integration = (
        Client(headers={"Authorization": api_header(args.agency)}) if set(args.names) & set(API_READS) else None
    )
    # --after-write: each profiled request comes right after a figures draft saved in the agency.
    write = FiguresWriter(signed_in, args.agency) if args.after_write else None
    own_code = re.compile(rf"^{re.escape(str(ROOT))}/(workflow|reports|sopkinerja)/")
    out = io.StringIO()
    for name in args.names:
        url = urls[name]
        client = integration if name in API_READS else signed_in
        client.get(url)
        sql = []

        def timed(execute, sql_text, params, many, context, sql=sql):
            started = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                sql.append(time.perf_counter() - started)

        profiler = cProfile.Profile()
        elapsed = 0.0
        for _ in range(args.rounds):
            if write:
                write()
            started = time.perf_counter()
            with connection.execute_wrapper(timed):
                profiler.enable()
                client.get(url)
                profiler.disable()
            elapsed += time.perf_counter() - started
        per_request = elapsed / args.rounds * 1000
        stats = pstats.Stats(profiler).stats
        rows = [(function, total, cumulative, calls) for function, (_cc, calls, total, cumulative, _c) in stats.items()]
        templates = max((row[2] for row in rows if template_render(row[0][0], row[0][2])), default=0.0)
        out.write(
            f"### {name} (`{url}`)\n\n{per_request:.0f} ms per request under cProfile ({args.rounds} requests): "
            f"SQL {sum(sql) / args.rounds * 1000:.0f} ms in {len(sql) // args.rounds} queries, "
            f"template rendering {templates / args.rounds * 1000:.0f} ms.\n\n"
            "| app function, by cumulative time | cumulative ms | calls |\n|---|---|---|\n"
        )
        # The middleware chain wraps every view: its __call__ rows say nothing the view's row does not.
        own = sorted(
            (row for row in rows if own_code.match(row[0][0]) and row[0][2] != "__call__"), key=lambda row: -row[2]
        )
        for function, _total, cumulative, calls in own[: args.top]:
            out.write(f"| `{where(function)}` | {cumulative / args.rounds * 1000:.1f} | {calls // args.rounds} |\n")
        out.write("\n| any function, by own time | own ms | calls |\n|---|---|---|\n")
        for function, total, _cumulative, calls in sorted(rows, key=lambda row: -row[1])[: args.top]:
            out.write(f"| `{where(function)}` | {total / args.rounds * 1000:.1f} | {calls // args.rounds} |\n")
        out.write("\n")
    return out.getvalue()


# Documents ------------------------------------------------------------------------------------


def build_document(kind: str, slug: str):
    from reports.documents import rendering as documents

    agency = Agency.objects.get(slug=slug)
    if kind == "sheet":
        return documents.sop_sheet(SopVersion.objects.get(sop__agency=agency, status=SopVersion.Status.EFFECTIVE))
    return documents.performance_report(agency, Period.parse(str(timezone.localdate().year - 1)))


def html_for_chromium(document) -> str:
    """The document's HTML standing alone: print.css and the generated stylesheets after it inlined
    in its head (WeasyPrint is given them in that order), and /static/ URLs pointing at the files on
    disk."""
    style = "<style>\n" + "\n".join([print_stylesheet_text(), *document.stylesheets]) + "\n</style>"
    html, replaced = re.subn(r"</head>", lambda _m: style + "\n</head>", document.html)
    if replaced != 1:
        raise RuntimeError("the document has no single </head>: update html_for_chromium")

    def on_disk(match):
        path = finders.find(match["path"])
        if path is None:
            raise RuntimeError(f"no static file {match['path']!r} for chromium")
        return match["before"] + Path(path).as_uri()

    return re.sub(r"(?P<before>(?:src=\"|href=\"|url\()['\"]?)/static/(?P<path>[^\"')]+)", on_disk, html)


def median_ms(action, rounds: int) -> float:
    action()  # warm: fonts, templates, a started browser
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 1)


def pdf_pages(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def chromium_cli(html_file: Path, out: Path, profile_dir: Path) -> None:
    """Debian's chromium as a command: a whole browser process per document."""
    subprocess.run(
        [
            shutil.which("chromium"),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile_dir}",  # its own: never the profile of a browser test running beside
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            html_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def documents_bench(args) -> dict:
    chromium = shutil.which("chromium")
    result = {}
    with tempfile.TemporaryDirectory(prefix="sopkinerja-bench-pdf-") as tmp:
        tmp = Path(tmp)
        for kind, label in [("sheet", "SOP sheet"), ("annual", "annual report")]:
            document = build_document(kind, args.agency)
            result[label] = {
                "html_ms": median_ms(lambda kind=kind: build_document(kind, args.agency), args.rounds),
                "html_bytes": len(document.html),
                "weasyprint_ms": median_ms(document.pdf, args.rounds),
                "weasyprint_pages": pdf_pages(document.pdf()),
            }
            (tmp / f"{kind}.html").write_text(html_for_chromium(document), encoding="utf-8")
        if chromium:
            chromium_bench(chromium, tmp, result, args.rounds)
    return result


def chromium_bench(chromium: str, tmp: Path, result: dict, rounds: int) -> None:
    """The same HTML files printed by chromium: as a command, and warm through Playwright (after the
    database work: Playwright's event loop makes Django refuse queries in this thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for kind, label in [("sheet", "SOP sheet"), ("annual", "annual report")]:
            html_file, out = tmp / f"{kind}.html", tmp / f"{kind}.pdf"
            row = result[label]
            row["chromium_cli_ms"] = median_ms(
                lambda html_file=html_file, out=out: chromium_cli(html_file, out, tmp / "profile"), rounds
            )
            row["chromium_pages"] = pdf_pages(out.read_bytes())
            page = browser.new_page()
            page.goto(html_file.as_uri())
            row["chromium_warm_ms"] = median_ms(
                lambda page=page: page.pdf(prefer_css_page_size=True, print_background=True), rounds
            )
            page.close()
        browser.close()


def render(args) -> dict:
    document = build_document(args.kind, args.agency)
    pdf = document.pdf()
    # ru_maxrss is in KiB on Linux: the peak of this whole process (Django, data, WeasyPrint).
    return {"bytes": len(pdf), "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


# Attack ---------------------------------------------------------------------------------------

JSON_STEPS, XLSX_ROWS = 1000, 20000
HUGE_ID = "1e1000000"


def hostile_sop_json(version) -> bytes:
    """The SOP exported as the app writes it, its first step copied to JSON_STEPS steps."""
    from workflow.sop.exchange.json_format import export_version

    document = export_version(version)
    first = {**document["steps"][0], "exits": []}
    document["steps"] = [{**first, "number": number} for number in range(1, JSON_STEPS + 1)]
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def hostile_sop_workbook(agency, version) -> bytes:
    """The SOP as the app's own workbook, its Langkah sheet grown to XLSX_ROWS step rows."""
    from openpyxl import load_workbook

    from workflow.sop.exchange.excel import STEPS, workbook_for

    book = load_workbook(io.BytesIO(workbook_for(agency, version)))
    sheet = book[STEPS]
    first = [cell.value for cell in sheet[2]]
    for number in range(sheet.max_row, XLSX_ROWS + 1):
        sheet.append([number, *first[1:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hostile_figures_workbook(agency, unit, period) -> bytes:
    """The quarter's workbook as the page offers it, with the first ID cell a number cell holding
    1e1000000 (openpyxl reads it as infinity)."""
    import zipfile

    from reports.performance import excel
    from reports.performance.selectors import figure_entries

    genuine = excel.figures_workbook(agency=agency, unit=unit, period=period, entries=figure_entries(unit, period))
    cell = re.compile(rf'<c r="A{excel.FIRST_ROW}"(?P<attributes>[^>]*?)(?:/>|>.*?</c>)', re.DOTALL)

    def huge(match) -> str:  # a number cell (no t="s" or t="inlineStr"), its style kept
        attributes = re.sub(r'\s+t="[^"]*"', "", match["attributes"])
        return f'<c r="A{excel.FIRST_ROW}"{attributes}><v>{HUGE_ID}</v></c>'

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(genuine)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, replaced = cell.subn(huge, data.decode("utf-8"), count=1)
                if replaced != 1:
                    raise RuntimeError(f"no cell A{excel.FIRST_ROW} in the figures workbook")
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def attack(args) -> dict:
    """The files and addresses of the attack section of tests/bench/run.py. The verification page
    needs a signed document: a stand-in is stored (its PDF carries no signature; the checks of an
    upload against it run as against any other)."""
    import hashlib

    from django.contrib.auth import get_user_model

    from reports.models import SignedDocument
    from sopkinerja.common.periods import Period
    from workflow.permissions import can_author
    from workflow.seed import AGENCY_ADMIN_GROUP

    agency = Agency.objects.get(slug=args.agency)
    version = SopVersion.objects.get(sop__agency=agency, status=SopVersion.Status.EFFECTIVE)
    users = get_user_model().objects.filter(employee__agency=agency, is_superuser=False).order_by("username")
    admin = users.filter(groups__name=AGENCY_ADMIN_GROUP).first()
    if admin is None:
        raise RuntimeError(f"{args.agency} has no agency admin")
    if not can_author(admin, agency):
        raise RuntimeError(f"{admin.username} may not import SOPs")
    today = timezone.localdate()
    period = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    unit_url = main_pages(args.agency, last_finished_quarter(today))["unit figures"]
    unit = agency.units.get(pk=int(re.search(r"/unit/(\d+)/", unit_url)[1]))
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sop.json": hostile_sop_json(version),
        "sop.xlsx": hostile_sop_workbook(agency, version),
        "figures.xlsx": hostile_figures_workbook(agency, unit, period),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    pdf = Path(args.pdf).read_bytes()
    signer = get_user_model().objects.get(username=user_of(args.agency))
    document, _created = SignedDocument.objects.get_or_create(
        agency=agency,
        subject="bench:attack",
        version=1,
        defaults={
            "kind": "sop",
            "title": "Bench: verification under attack",
            "signed_by": signer,
            "signer_title": "Sekretaris",
            "signer_name": signer.get_full_name() or signer.username,
            "signed_at": timezone.now(),
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "pdf": pdf,
        },
    )
    return {
        "files": {name: {"path": str(folder / name), "bytes": len(data)} for name, data in files.items()},
        "import_url": reverse("workflow:sop-import"),
        "importer": admin.username,
        "figures_url": reverse("reports:figures-excel", args=[str(period), unit.pk]),
        "figures_page_url": reverse("reports:figures-unit", args=[str(period), unit.pk]),
        "figures_user": user_of(args.agency),
        "verify_url": reverse("reports:verify", args=[document.token]),
    }


# The mixed workload: its cast, the miss path, the request path ----------------------------------

MIX_ROLES = ["staff", "supervisor", "sekretaris", "kadis"]
STAFF_RANKS = ["staf", "fungsional", "kepala_seksi", "kasubbag", "kepala_bidang"]


def current_quarter(today) -> Period:
    return Period.quarter(today.year, (today.month - 1) // 3 + 1)


def staff_and_reviewer(agency, year: int):
    """(staff user, unit, reviewer user): the lowest-ranked employee who enters a unit's figures and
    whoever reviews them when that employee hands them in, preferring a reviewer below the Sekretaris
    (the Kasubbag or Kepala Bidang) so that the Sekretaris and the Kepala Dinas play their own roles."""

    employees = list(Employee.objects.filter(agency=agency).select_related("user", "position"))
    holder = {employee.position_id: employee for employee in employees}
    ranked = [e for e in employees if e.position.rank in STAFF_RANKS]
    candidates = sorted(ranked, key=lambda e: (STAFF_RANKS.index(e.position.rank), e.pk))
    fallback = None
    for employee in candidates:
        for unit in reporting_units(agency, employee.user, year):
            position = permissions.submission_reviewer_position(UnitSubmission(unit=unit, submitted_by=employee.user))
            reviewer = holder.get(position.pk) if position is not None else None
            if reviewer is None or reviewer.user_id == employee.user_id:
                continue
            if reviewer.position.rank not in ("kepala_dinas", "sekretaris"):
                return employee.user, unit, reviewer.user
            fallback = fallback or (employee.user, unit, reviewer.user)
    if fallback is None:
        raise RuntimeError(f"{agency.slug}: nobody enters figures that someone else reviews")
    return fallback


def run_in_progress(agency, version, period: Period):
    """The agency's run of its SOP for the period, started by its Sekretaris when there is none."""
    run = Run.objects.filter(sop__agency=agency, period=str(period)).exclude(state=Run.State.CANCELLED).first()
    if run is not None and run.state != Run.State.ACTIVE:
        raise RuntimeError(f"{agency.slug}: the run of {period} is over ({run.state}); seed a fresh database")
    if run is None:
        starter = get_user_model().objects.get(username=user_of(agency.slug))
        run = run_start(version=version, period=period, user=starter)
    return run


def mix_cast(args) -> dict:
    """The mixed workload's agencies (the last `agencies` scale agencies) and who plays which role
    there: `users` spread evenly, each agency's roles taken in turn from MIX_ROLES starting two
    further on than the agency before, so that every role plays somewhere and a staff member's
    reviewer plays in the same agency as the staff member whenever two roles fall to an agency."""
    today = timezone.localdate()
    quarter, finished = current_quarter(today), last_finished_quarter(today)
    agencies = list(Agency.objects.filter(slug__startswith="scale-").order_by("-slug")[: args.agencies])[::-1]
    if not agencies:
        raise RuntimeError("no scale agencies")
    result = []
    for index, agency in enumerate(agencies):
        count = args.users // len(agencies) + (1 if index < args.users % len(agencies) else 0)
        roles = [MIX_ROLES[(2 * index + offset) % len(MIX_ROLES)] for offset in range(count)]
        version = SopVersion.objects.get(sop__agency=agency, status=SopVersion.Status.EFFECTIVE)
        staff, unit, reviewer = staff_and_reviewer(agency, quarter.year)
        run = run_in_progress(agency, version, quarter)
        players = {
            "staff": staff.username,
            "supervisor": reviewer.username,
            "sekretaris": user_of(agency.slug),
            "kadis": f"{agency.slug}.kadis",
        }
        result.append(
            {
                "agency": agency.slug,
                "users": [{"role": role, "username": players[role]} for role in dict.fromkeys(roles)],
                "urls": {
                    "dashboard": reverse("workflow:home"),
                    "figures": reverse("reports:figures"),
                    "unit figures": reverse("reports:figures-unit", args=[str(quarter), unit.pk]),
                    "run": reverse("workflow:run-detail", args=[run.pk]),
                    "runs": reverse("workflow:runs"),
                    "documents": reverse("reports:documents"),
                    "report readiness": reverse("reports:documents") + f"?report={finished}",
                    "disposisi inbox": reverse("workflow:disposition-inbox"),
                    "SOP page": reverse("workflow:sop-detail", args=[version.pk]),
                },
            }
        )
    return {"agencies": result, "quarter": str(quarter)}


def timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code not in (200, 301):
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


class FiguresWriter:
    """Saves a figures draft with new values through the unit's page of the current quarter, as the
    agency's Sekretaris: whatever a page computed from the agency's figures is stale after a call."""

    def __init__(self, client: Client, slug: str):
        today = timezone.localdate()
        unit_url = main_pages(slug, last_finished_quarter(today))["unit figures"]
        self.url = unit_url.replace(str(last_finished_quarter(today)), str(current_quarter(today)))
        self.client, self.slug, self.writes = client, slug, 0

    def __call__(self) -> None:
        form = figures_form(self.client.get(self.url).content.decode())
        if form is None:
            raise RuntimeError(f"{self.url} offers no figures form to {user_of(self.slug)}: locked?")
        self.writes += 1
        response = self.client.post(self.url, changed_figures(form, self.writes))
        if response.status_code != 302:
            raise RuntimeError(f"saving the figures of {self.url} answered {response.status_code}")


def misspath(args) -> dict:
    """Each main page of the agency as its Sekretaris opens it, `rounds` times right after a figures
    draft of the agency was saved through the unit's page of the current quarter (new values each
    time, so whatever a page computed from the agency's figures is stale), and `rounds` times with
    no write before it; medians in ms, and each as a ratio to the login page's median. The login page
    is timed in each round beside the page (and each page's ratios are to the login page of its own
    rounds), so that a machine whose speed drifts during the run, as a shared one does, moves both, and
    the login page, like the page, is timed after another request."""
    setup_test_environment()
    urls = page_urls(args.agency)
    client = signed_in_client(args.agency)
    write = FiguresWriter(client, args.agency)
    login = Client()
    timed_get(login, urls[LOGIN])
    # The login page alone, one request after another (how the runs before 2026-12-08 timed it): each
    # request then finds what the one before left in the processor's caches, which a page timed after
    # a write or another page does not.
    in_a_loop = statistics.median(timed_get(login, urls[LOGIN]) for _ in range(args.rounds)) * 1000
    logins_all = []
    result = {"rounds": args.rounds, "login_in_a_loop_ms": round(in_a_loop, 2), "pages": {}}
    urls[ENTRY_PAGE] = write.url
    for name in MISS_PATH_PAGES:
        url = urls[name]
        timed_get(client, url)  # warm: templates, translations
        logins, warm, missed = [], [], []
        for _ in range(args.rounds):
            logins.append(timed_get(login, urls[LOGIN]))
            warm.append(timed_get(client, url))
            write()
            missed.append(timed_get(client, url))
        logins_all += logins
        login_ms = statistics.median(logins) * 1000
        warm_ms, missed_ms = statistics.median(warm) * 1000, statistics.median(missed) * 1000
        result["pages"][name] = {
            "url": url,
            "login_ms": round(login_ms, 2),
            "warm_ms": round(warm_ms, 2),
            "after_write_ms": round(missed_ms, 2),
            "warm_per_login": round(warm_ms / login_ms, 2),
            "after_write_per_login": round(missed_ms / login_ms, 2),
        }
    result["login_ms"] = round(statistics.median(logins_all) * 1000, 2)
    result["writes"] = write.writes
    return result


def two_processes(args) -> dict:
    """What the two-processes section needs (tests/bench/run.py): an agency's unit whose figures its
    staff member enters, the current quarter, the indicators of that unit, and two API tokens of the
    agency: one that reads its figures, one that writes them as that staff member."""
    agency = Agency.objects.get(slug=args.agency)
    quarter = current_quarter(timezone.localdate())
    staff, unit, _reviewer = staff_and_reviewer(agency, quarter.year)
    creator = get_user_model().objects.get(username=user_of(args.agency))
    _read, reader = api_token_create(
        name="bench reader", scopes=[Scope.READ_PERFORMANCE], agency=agency, created_by=creator
    )
    _write, writer = api_token_create(
        name="bench writer", scopes=[Scope.WRITE_FIGURES], agency=agency, created_by=creator, acts_as=staff
    )
    indicators = list(unit.indicators.order_by("pk").values_list("pk", flat=True)[:3])
    return {
        "agency": args.agency,
        "period": str(quarter),
        "unit": unit.pk,
        "indicators": indicators,
        "read": f"Bearer {reader}",
        "write": f"Bearer {writer}",
    }


def middleware(args) -> dict:
    """Each middleware's own time (in and out) on the login page and on the dashboard, and the view's:
    medians of `rounds` requests after two warm ones, in µs (tests/bench/probes.py)."""
    setup_test_environment()
    chain = list(settings.MIDDLEWARE)
    urls = page_urls(args.agency)
    result = {"rounds": args.rounds, "middleware": chain, "pages": {}}
    with override_settings(MIDDLEWARE=probes.probed(chain)):
        clients = {LOGIN: (Client(), urls[LOGIN]), "dashboard": (signed_in_client(args.agency), urls["dashboard"])}
        for name, (client, url) in clients.items():
            samples: dict[str, list[float]] = {}
            totals = []
            for round_ in range(args.rounds + 2):
                probes.MARKS.clear()
                started = time.perf_counter()
                client.get(url)
                total = time.perf_counter() - started
                costs = probes.costs(chain)
                if not costs:
                    raise RuntimeError(f"the {name} did not pass every middleware")
                if round_ >= 2:
                    totals.append(total)
                    for path, seconds in costs.items():
                        samples.setdefault(path, []).append(seconds)
            result["pages"][name] = {
                "total_us": round(statistics.median(totals) * 1e6, 1),
                "us": {path: round(statistics.median(values) * 1e6, 1) for path, values in samples.items()},
            }
    return result


def agency_command(commands, name: str, rounds: int | None = None):
    """A subcommand about one agency (--agency, scale-001), with --rounds when it repeats."""
    command = commands.add_parser(name)
    command.add_argument("--agency", default="scale-001")
    if rounds is not None:
        command.add_argument("--rounds", type=int, default=rounds)
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("seed")
    command.add_argument("--first", type=int, default=1)
    command.add_argument("--agencies", type=int, required=True)
    command.add_argument("--years", type=int, required=True)
    agency_command(commands, "pages", rounds=3)
    command = agency_command(commands, "profile", rounds=3)
    command.add_argument("--top", type=int, default=15)
    command.add_argument("--after-write", action="store_true", help="each request right after a figures write")
    command.add_argument("names", nargs="+")
    agency_command(commands, "documents", rounds=3)
    agency_command(commands, "render").add_argument("kind", choices=["sheet", "annual"])
    agency_command(commands, "twoprocesses")
    command = agency_command(commands, "attack")
    command.add_argument("--pdf", required=True, help="the stand-in signed document's PDF")
    command.add_argument("folder")
    command = commands.add_parser("mix")
    command.add_argument("--agencies", type=int, required=True)
    command.add_argument("--users", type=int, required=True)
    agency_command(commands, "misspath", rounds=3)
    agency_command(commands, "middleware", rounds=20)
    args = parser.parse_args()
    if args.command == "profile":
        print(profile(args))
        return
    handler = {
        "seed": seed,
        "pages": pages,
        "documents": documents_bench,
        "render": render,
        "attack": attack,
        "mix": mix_cast,
        "misspath": misspath,
        "middleware": middleware,
        "twoprocesses": two_processes,
    }[args.command]
    print(json.dumps(handler(args)))


if __name__ == "__main__":
    main()
