"""`make bench` works: at a tiny size (1 agency × 1 year, 1 s per page, 2 connections) it measures
every main page under load and both documents, and prints a figure for each; its attack section
(2 s) times the refusal of each hostile file, which must be refused and never with a 500, and the
login page under attack, each as a ratio to the quiet login page; its mixed workload (every role,
real writes through the pages) runs without an error and gives every page it opened its figures,
and the miss path and the request path have theirs; a write through one of two web processes is
read at once through the other."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.mix import ROLES
from tests.bench.pages import API_READS, BASELINES, HOSTILE_FILES, MISS_PATH_PAGES, PUBLIC_PAGES, SIGNED_IN_PAGES

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="the bench loads the pages with wrk: apt-get install wrk (make test does)"
)


def test_the_bench_measures_every_page_and_both_documents_at_a_tiny_size(tmp_path):
    figures_file = tmp_path / "bench.json"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "BENCH_AGENCIES": "1",
        "BENCH_YEARS": "1",
        "BENCH_SECONDS": "1",
        "BENCH_WARMUP": "0",
        "BENCH_CONNECTIONS": "2",
        "BENCH_PDF_ROUNDS": "1",
        "BENCH_ATTACK_SECONDS": "2",
        "BENCH_ATTACK_ROUNDS": "2",
        "BENCH_MIX_SECONDS": "8",
        "BENCH_MIX_WARMUP": "1",
        "BENCH_MIX_USERS": "4",
        "BENCH_MIX_AGENCIES": "1",
        "BENCH_MISS_ROUNDS": "1",
        "BENCH_TWO_ROUNDS": "2",
        "BENCH_JSON": str(figures_file),
        "BENCH_DATABASE": "sopkinerja_bench_test",
    }
    result = subprocess.run(
        [sys.executable, "tests/bench/run.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"the bench failed:\n{result.stderr[-4000:]}"

    figures = json.loads(figures_file.read_text())
    pages = figures["sizes"]["full"]["pages"]
    expected = [*BASELINES, *SIGNED_IN_PAGES, *PUBLIC_PAGES, *API_READS]
    assert list(pages) == expected, "the bench left out a page or measured another"
    for name, page in pages.items():
        assert page["requests"] > 0 and page["errors"] == 0, f"wrk got no clean answers from the {name}"
        for figure in ["requests_per_s", "p50_ms", "p95_ms", "per_login", "per_trivial"]:
            assert page[figure] > 0, f"the {name} has no {figure}"
        if name in SIGNED_IN_PAGES or name in PUBLIC_PAGES or name in API_READS:
            assert page["queries"] > 0, f"the {name} was counted without queries: was it signed in?"
    assert figures["sizes"]["full"]["web_worker_peak_rss_mib"] > 0
    for name in ["SOP sheet", "annual report"]:
        document = figures["documents"][name]
        assert document["weasyprint_ms"] > 0 and document["weasyprint_pages"] > 0, name
        assert document["render_peak_rss_mib"] > 0, name
        if shutil.which("chromium"):
            assert document["chromium_warm_ms"] > 0 and document["chromium_pages"] > 0, name

    attack = figures["attack"]
    assert list(attack["refusals"]) == HOSTILE_FILES, "the attack left out a hostile file or posted another"
    for name, refusal in attack["refusals"].items():
        assert "500" not in refusal["statuses"], f"the {name} got a 500: {refusal['statuses']}"
        assert refusal["refused"], f"the {name} was not refused with the page's list of problems: {refusal['statuses']}"
        assert refusal["median_ms"] > 0 and refusal["per_login_p50"] > 0, f"the {name} has no refusal time"
    for phase in ["login_quiet", "login_under_attack"]:
        login = attack[phase]
        assert login["requests"] > 0 and login["p50_ms"] > 0 and login["p95_ms"] > 0, f"no login figures: {phase}"
    assert attack["login_under_attack"]["p50_per_quiet"] > 0 and attack["login_under_attack"]["p95_per_quiet"] > 0
    for kind in ["uploads", "imports"]:
        statuses = attack[kind]["statuses"]
        assert sum(statuses.values()) > 0, f"no {kind} were answered during the attack"
        assert "500" not in statuses, f"{kind} during the attack got a 500: {statuses}"

    printed = result.stdout
    for name in pages:
        assert re.search(rf"^\| {re.escape(name)} \| [\d,.]+ \| ", printed, re.MULTILINE), f"no row for the {name}"
    for name in [*HOSTILE_FILES, "quiet", "under attack"]:
        assert re.search(rf"^\| {re.escape(name)} \| [\d,.]+ \| ", printed, re.MULTILINE), f"no attack row: {name}"

    mix = figures["mix"]
    assert mix["roles"] == ROLES, f"the mix left out a role: {mix['roles']}"
    assert mix["errors"] == 0 and mix["status_5xx"] == 0, f"the mix got errors: {mix['error_samples']}"
    assert mix["page_views"] > 0 and mix["writes"] > 0, "the mix made no page views or no writes"
    for name in ["login page", "dashboard", "unit figures", "run"]:
        assert name in mix["pages"], f"the mix never opened the {name}"
    for name, row in mix["pages"].items():
        assert row["requests"] > 0 and row["p50_ms"] > 0 and row["p95_ms"] > 0, f"no mix figures: {name}"
        assert row["worker_mean_ms"] and row["per_login"], f"no time in the worker for the {name}"
        assert re.search(rf"^\| {re.escape(name)}( \(write\))? \| [\d,]+ \| ", printed, re.MULTILINE), (
            f"no mix row: {name}"
        )
    assert mix["login_wrk"]["before"]["requests_per_s"] > 0 and mix["per_login_wrk"] > 0

    miss = figures["miss_path"]
    assert list(miss["pages"]) == MISS_PATH_PAGES and miss["writes"] == len(MISS_PATH_PAGES)
    for name, row in miss["pages"].items():
        assert row["after_write_ms"] > 0 and row["after_write_per_login"] > 0, f"no miss path for the {name}"
        assert row["login_ms"] > 0, f"no login page timed beside the {name}"
    assert miss["login_ms"] > 0 and miss["login_in_a_loop_ms"] > 0
    chain = figures["request_path"]
    for page in ["login page", "dashboard"]:
        costs = chain["pages"][page]["us"]
        assert set(costs) == {*chain["middleware"], "view"}, f"a middleware was not timed on the {page}"
        assert all(value >= 0 for value in costs.values()) and costs["view"] > 0

    two = figures["two_processes"]
    assert two["rounds"] == 2 and two["stale_reads"] == 0, (
        "a write through one web process was not seen through the other"
    )
    assert two["after_write_ms"] > 0 and two["kept_ms"] > 0
    assert "stale reads" in printed
