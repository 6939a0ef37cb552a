"""Benchmarks, as ratios against a baseline measured in the same run (machines are noisy).

Run with `make bench`. It uses its own SQLite database with the demo data.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def median_seconds(action, rounds: int = ROUNDS) -> float:
    action()  # warm up: font configuration, template loading
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))

    from reports import documents
    from reports.pdf import html_to_pdf
    from reports.periods import Period
    from reports.selectors import measure
    from workflow.models import Agency, SopVersion

    agency = Agency.objects.get(slug="balangan")
    version = SopVersion.objects.get(sop__agency=agency)
    one_page = "<table>" + "".join(f"<tr><td>{i}</td><td>baris</td></tr>" for i in range(30)) + "</table>"

    baseline_pdf = median_seconds(lambda: html_to_pdf(one_page))
    results = {
        "SOP sheet (F4, 3 pages)": median_seconds(lambda: documents.sop_sheet(version).pdf()),
        "triwulan report": median_seconds(lambda: documents.performance_report(agency, Period.parse("2026-TW3")).pdf()),
        "annual report (LKjIP)": median_seconds(
            lambda: documents.performance_report(agency, Period.parse("2026")).pdf()
        ),
    }
    print(f"PDF baseline: a one-page 30-row table, {baseline_pdf * 1000:.0f} ms")
    for name, seconds in results.items():
        print(f"  {name:<28} {seconds / baseline_pdf:6.1f} × baseline")

    baseline_query = median_seconds(lambda: list(Agency.objects.all()), rounds=50)
    measured = median_seconds(lambda: measure(agency, Period.parse("2026")), rounds=50)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        measure(agency, Period.parse("2026"))
    print(f"Query baseline: list the agencies, {baseline_query * 1000:.2f} ms")
    print(f"  measure(agency, year)        {measured / baseline_query:6.1f} × baseline, {len(queries)} queries")


if __name__ == "__main__":
    main()
