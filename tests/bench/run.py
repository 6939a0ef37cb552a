"""`make bench`: the main pages under load on PostgreSQL, as ratios against baselines measured in
the same run (machines are noisy), at two data sizes; then hostile uploads (how long a refusal
takes, how long the login page waits during an attack); then the PDFs against Chromium.

1. A database `sopkinerja_bench` on the server of DATABASE_URL (a throwaway cluster from
   tests/with-postgres.sh when none is set): migrate, then scale data (tests.support.scale) at 1/10 of
   the reference size, measured, then grown to the reference size (40 agencies × 5 years), measured.
2. At each size: gunicorn on loopback with the production settings of `make serve` (3 sync workers,
   DEBUG off, whitenoise; tasks run immediately), one login per user through the real login form,
   and wrk driving each page at 20 connections for BENCH_SECONDS. Per page: requests/s, p50, p95,
   queries (Django's test client, in another process on the same data), and the ratio of the
   throughput to the login page's and to the trivial view's. Then the peak RSS of the web workers.
3. Attack (reference size, figures under "attack"; every time a ratio to the quiet login page of
   the same gunicorn, never a pass/fail timing). gunicorn again, with CLIENT_IP_HEADER=HTTP_X_REAL_IP
   as behind nginx. The login page as one visitor waits for it: GETs one after another for
   BENCH_ATTACK_SECONDS, each waiting for its answer however long (its own process), p50 and p95.
   a. Refusals: an SOP JSON of 1,000 steps and an SOP workbook of 20,000 step rows posted to the
      SOP import page as scale-001's agency admin, and the quarter's figures workbook with the
      number 1e1000000 in an ID cell posted as its Sekretaris (tests/bench/inprocess.py attack
      writes them from the app's own exports), each BENCH_ATTACK_ROUNDS times after a warm post.
      Each must be refused (200 or 400 with the page's list of problems; a redirect means saved);
      the median time to the answer ÷ the quiet login page's p50.
   b. Under attack: 10 threads post an 18 MB PDF (sound, unsigned, a stream of random bytes) to the
      public verification page of a stand-in signed document, each post from a new X-Real-IP, and
      3 threads post the hostile SOP files to the import page, all without pause; meanwhile the
      login page again; its p50 and p95 ÷ the quiet ones, and every answer the attackers got.
4. Documents (reference size): the SOP sheet and the annual report of scale-001 for last year,
   WeasyPrint against Debian's chromium printing the same HTML, and the peak RSS of one render.

Environment: BENCH_AGENCIES (40), BENCH_YEARS (5), BENCH_GROWTH_AGENCIES (agencies / 10, 0: no
growth run), BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (20), BENCH_WORKERS (3),
BENCH_ATTACK_SECONDS (10 per login measurement, 0: no attack section), BENCH_ATTACK_ROUNDS (5
posts of each hostile file), BENCH_PDF_ROUNDS (3, 0: no documents), BENCH_PROFILE (0; 1: cProfile
of the signed-in pages that miss the goal), BENCH_JSON (a file for the figures as JSON),
BENCH_DATABASE (sopkinerja_bench: the database made, and dropped afterwards, on the server),
BENCH_WORKER_CLASS (sync; gthread: BENCH_THREADS threads per worker, 4), and for the sections after
the documents: BENCH_MISS_ROUNDS (3, 0: no miss path and request path), BENCH_MIX_SECONDS (60, 0: no
mixed workload), BENCH_MIX_WARMUP (10), BENCH_MIX_USERS (20), BENCH_MIX_AGENCIES (10).

5. The miss path and the request path (reference size, one process): each main page right after a
   figures draft of its agency was saved, against the same page warm and the login page; each
   middleware's own time on the login page and the dashboard (tests/bench/inprocess.py).
6. The mixed workload (tests/bench/mix.py): BENCH_MIX_USERS users of every role in the last
   BENCH_MIX_AGENCIES agencies, signed in through the login page, each looping through a day's work
   with real POSTs through the pages; per page and write: p50 and p95 as the users waited, the time
   in the worker (gunicorn's access log) and its ratio to the login page's in the same mix; the login
   page with wrk before and after.
"""

import html
import http.cookiejar
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.bench import mix as mixed  # noqa: E402
from tests.bench.pages import BASELINES, HOSTILE_FILES, LOGIN, SIGNED_IN_PAGES, TRIVIAL  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "sopkinerja_bench")
PASSWORD = "demo-sop-kinerja"  # workflow.seed.DEFAULT_PASSWORD, seed_scale's default
GOAL_RATIO, GOAL_P95_MS = 0.5, 150  # issue 10: at least half the login page's throughput, p95 under 150 ms


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


AGENCIES = env_int("BENCH_AGENCIES", 40)
YEARS = env_int("BENCH_YEARS", 5)
GROWTH_AGENCIES = env_int("BENCH_GROWTH_AGENCIES", max(1, AGENCIES // 10))
SECONDS = env_int("BENCH_SECONDS", 10)
WARMUP = env_int("BENCH_WARMUP", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 20)
WORKERS = env_int("BENCH_WORKERS", 3)
PDF_ROUNDS = env_int("BENCH_PDF_ROUNDS", 3)
PROFILE = env_int("BENCH_PROFILE", 0)
ATTACK_SECONDS = env_int("BENCH_ATTACK_SECONDS", 10)
ATTACK_ROUNDS = env_int("BENCH_ATTACK_ROUNDS", 5)
UPLOADERS, UPLOAD_MIB, IMPORTERS = 10, 18, 3  # the attack: 10 uploads of 18 MB at once, 3 big imports
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")  # gunicorn's --worker-class (gthread: threads)
THREADS = env_int("BENCH_THREADS", 4)  # --threads, for a worker class other than sync
MIX_SECONDS = env_int("BENCH_MIX_SECONDS", 60)  # the mixed workload (tests/bench/mix.py); 0: none
MIX_WARMUP = env_int("BENCH_MIX_WARMUP", 10)
MIX_USERS = env_int("BENCH_MIX_USERS", 20)
MIX_AGENCIES = env_int("BENCH_MIX_AGENCIES", 10)
MISS_ROUNDS = env_int("BENCH_MISS_ROUNDS", 3)  # the miss path and the request path, in one process; 0: none
TWO_ROUNDS = env_int("BENCH_TWO_ROUNDS", 10)  # two web processes sharing the cache: writes through one; 0: none


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database ---------------------------------------------------------------------------------


def bench_database_url(server_url: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DATABASE}"))


def admin_sql(server_url: str, *statements: str) -> None:
    """Run statements on the server's `postgres` database, outside a transaction (CREATE DATABASE)."""
    import psycopg2

    parts = urllib.parse.urlsplit(server_url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    admin = psycopg2.connect(
        dbname="postgres",
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        host=query.get("host") or parts.hostname or None,
        port=parts.port,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    admin.close()


@contextmanager
def bench_database(server_url: str):
    drop = f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"
    admin_sql(server_url, drop, f"CREATE DATABASE {DATABASE}")
    try:
        yield bench_database_url(server_url)
    finally:
        admin_sql(server_url, drop)


# The app's processes --------------------------------------------------------------------------


def app_environment(database_url: str, workspace: Path, port: int) -> dict:
    """`make serve`'s settings (Makefile SERVE_ENV), with tasks run in the request and quiet logs."""
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "sopkinerja.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "HTTPS": "0",
        "HOST": f"127.0.0.1:{port}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "STATIC_ROOT": str(workspace / "static"),
        "MEDIA_ROOT": str(workspace / "media"),
        "LOG_FORMAT": "json",
        # The bench measures pages, not the sign-in: its logins (signers and agency admins among
        # them) go straight to the pages, as they would after their second factor.
        "OTP_REQUIRED": "0",
        # The API's reads are measured, not its rate limit (counted all the same, in the cache).
        "API_RATE": "100000000/m",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def in_process(env: dict, *args: str, as_json: bool = True):
    """tests/bench/inprocess.py in its own process; its answer is the last line of its output."""
    quiet = {**env, "LOG_LEVEL": "WARNING"}
    command = [sys.executable, str(HERE / "inprocess.py"), *args]
    result = subprocess.run(command, cwd=ROOT, env=quiet, capture_output=True)
    if result.returncode:
        raise RuntimeError(f"inprocess.py {' '.join(args)} failed:\n{result.stderr.decode()[-4000:]}")
    output = result.stdout.decode()
    return json.loads(output.strip().splitlines()[-1]) if as_json else output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, port: int, log: Path, access_log: Path | None = None):
    """gunicorn as `make serve` starts it, until /health/ answers; stopped afterwards. With
    `access_log`, each request's X-Bench-Page header, method, status and time in the worker go there
    (the mixed workload's server times)."""
    command = [sys.executable, "-m", "gunicorn", "sopkinerja.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--graceful-timeout", "10", "--timeout", "120"]
    if WORKER_CLASS != "sync":
        command += ["--worker-class", WORKER_CLASS, "--threads", str(THREADS)]
    if access_log is not None:
        command += ["--access-logfile", str(access_log), "--access-logformat", mixed.ACCESS_LOG_FORMAT]
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/?scope=web", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return round(int(match[1]) / 1024, 1)


# Load -----------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base: str, username: str) -> str:
    """A real login through the form (axes counts it): the Cookie header of the new session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
    try:
        opener.open(f"{base}/accounts/login/", data=form.encode(), timeout=30)
        raise RuntimeError(f"the login of {username} did not redirect: wrong password, or locked out?")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise RuntimeError(f"the login of {username} answered {answer.code}") from None
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"the login of {username} gave no session")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def status_of(url: str, cookie: str | None, authorization: str | None = None) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    headers = {"Cookie": cookie} if cookie else {}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as answer:
        return answer.code


def wrk(url: str, cookie: str | None, seconds: int, authorization: str | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "120s", "-s", str(HERE / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if authorization:  # an API read: the token, no session
        command += ["-H", f"Authorization: {authorization}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    errors = sum(value for key, value in figures.items() if key.startswith("errors_"))
    return {
        "requests_per_s": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "requests": figures["requests"],
        "errors": errors,
    }


def measure_size(env: dict, port: int, workspace: Path, pages: dict) -> dict:
    """Each page under load at this size; then the web workers' peak RSS."""
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()[0]
    with gunicorn(env, port, workspace / "gunicorn.log") as server:
        cookie = log_in(base, "scale-001.sekretaris")
        results = {}
        for name, page in pages.items():
            signed_in = page["signed_in"]
            token = page.get("authorization")
            status = status_of(base + page["url"], cookie if signed_in else None, token)
            expected = 301 if name == TRIVIAL else 200
            if status != expected:
                raise RuntimeError(f"{name} ({page['url']}) answered {status}, not {expected}")
            if WARMUP:
                wrk(base + page["url"], cookie if signed_in else None, WARMUP, token)
            results[name] = wrk(base + page["url"], cookie if signed_in else None, SECONDS, token)
            say(f"    {name:<16} {results[name]['requests_per_s']:>8.1f} req/s  p95 {results[name]['p95_ms']:>7.1f} ms")
        # The baselines again: a ratio is fair only if the machine was as busy for them as for the pages.
        again = {name: wrk(base + pages[name]["url"], None, SECONDS) for name in BASELINES}
        for name, figures in again.items():
            results[name]["requests_per_s_again"] = figures["requests_per_s"]
            say(f"    {name + ' again':<16} {figures['requests_per_s']:>8.1f} req/s")
        workers = children(server.pid)
        rss = {"web_worker_peak_rss_mib": max(peak_rss_mib(pid) for pid in workers), "workers": len(workers)}
    # Ratios against the mean of the baselines measured before and after the pages.
    login, trivial = (
        statistics.mean([results[name]["requests_per_s"], results[name]["requests_per_s_again"]])
        for name in (LOGIN, TRIVIAL)
    )
    load_after = os.getloadavg()[0]
    for name, figures in results.items():
        figures["queries"] = pages[name]["queries"]
        figures["bytes"] = pages[name]["bytes"]
        figures["ms_in_process"] = pages[name]["ms_in_process"]
        figures["per_login"] = round(figures["requests_per_s"] / login, 3)
        figures["per_trivial"] = round(figures["requests_per_s"] / trivial, 3)
    return {"pages": results, **rss, "load_before": round(load_before, 2), "load_after": round(load_after, 2)}


# The mixed workload, the miss path, the request path ------------------------------------------


def measure_mix(env: dict, port: int, workspace: Path, login_url: str) -> dict:
    """The mixed workload (tests/bench/mix.py) on its own gunicorn, between two measurements of the
    login page with wrk; then, in one process, the miss path and the request path."""
    cast = in_process(env, "mix", "--agencies", str(MIX_AGENCIES), "--users", str(MIX_USERS))
    base, access_log = f"http://127.0.0.1:{port}", workspace / "mix-access.log"
    load_before = os.getloadavg()[0]
    with gunicorn(env, port, workspace / "gunicorn.log", access_log=access_log):
        wrk(base + login_url, None, max(WARMUP, 1))  # every worker warm: templates, translations
        login_before = wrk(base + login_url, None, SECONDS)
        result = mixed.run_mix(port, cast, MIX_SECONDS, MIX_WARMUP)
        login_after = wrk(base + login_url, None, SECONDS)
    figures = mixed.figures(result, access_log.read_text(errors="replace").splitlines())
    login = statistics.mean([login_before["requests_per_s"], login_after["requests_per_s"]])
    figures.update(
        {
            "worker_class": WORKER_CLASS,
            "threads": THREADS if WORKER_CLASS != "sync" else 1,
            "login_wrk": {"before": login_before, "after": login_after},
            "per_login_wrk": round(figures["requests_per_s"] / login, 3),
            "load_before": round(load_before, 2),
            "load_after": round(os.getloadavg()[0], 2),
        }
    )
    say(
        f"    {figures['users']} users, {figures['agencies']} agencies: {figures['requests_per_s']} req/s, "
        f"{figures['writes']} writes for {figures['page_views']} page views, errors {figures['errors']}, "
        f"refusals {figures['refusals']}, skipped {figures['skipped']}"
    )
    return figures


def api_call(url: str, header: str, method: str = "GET", body: dict | None = None) -> tuple[dict, float]:
    """An API request with its token: (the JSON answer, seconds)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": header})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    return answer, time.perf_counter() - started


def realisations(answer: list, indicators: list[int]) -> dict[int, str]:
    """The API figures' realisasi of the indicators named, as text."""
    return {row["indicator_id"]: row["realisation"] for row in answer if row["indicator_id"] in indicators}


def measure_two_processes(env: dict, workspace: Path) -> dict:
    """Two web servers (two gunicorns, as behind a load balancer) on the same database and the same
    shared cache, each with its own process memory in front of it: the figures of a unit read
    through B (kept there), written through A, read again through B `TWO_ROUNDS` times. A read
    through B that does not show the value just written through A is a stale read (must be 0)."""
    cast = in_process(env, "twoprocesses", "--agency", "scale-002" if AGENCIES > 1 else "scale-001")
    ports = free_port(), free_port()
    bases = [f"http://127.0.0.1:{port}/api/v1/agencies/{cast['agency']}" for port in ports]
    read_path = f"/figures/{cast['period']}"
    write_path = f"/units/{cast['unit']}/figures/{cast['period']}"
    stale, after_write, kept, before = 0, [], [], None
    with (
        gunicorn({**env, "HOST": f"127.0.0.1:{ports[0]}"}, ports[0], workspace / "gunicorn-a.log"),
        gunicorn({**env, "HOST": f"127.0.0.1:{ports[1]}"}, ports[1], workspace / "gunicorn-b.log"),
    ):
        for _ in range(WORKERS):  # every worker of B has the figures in its memory
            before = realisations(api_call(bases[1] + read_path, cast["read"])[0], cast["indicators"])
        for round_ in range(TWO_ROUNDS):
            rows = [
                {"indicator": pk, "value": str(41 + (round_ + index) % 2)}
                for index, pk in enumerate(cast["indicators"])
            ]
            answer, _seconds = api_call(bases[0] + write_path, cast["write"], "PUT", {"rows": rows})
            if answer.get("code") != "saved":
                raise RuntimeError(f"the write through A was refused: {answer}")
            answer, seconds = api_call(bases[1] + read_path, cast["read"])
            after_write.append(seconds)
            shown = realisations(answer, cast["indicators"])
            fresh = realisations(api_call(bases[0] + read_path, cast["read"])[0], cast["indicators"])
            # Each write changes every value; B must show what A shows, not what B showed before.
            stale += shown == before or shown != fresh
            before = shown
            for _ in range(2):
                kept.append(api_call(bases[1] + read_path, cast["read"])[1])
    figures = {
        "rounds": TWO_ROUNDS,
        "stale_reads": stale,
        "after_write_ms": round(statistics.median(after_write) * 1000, 1) if after_write else None,
        "kept_ms": round(statistics.median(kept) * 1000, 1) if kept else None,
        "workers_each": WORKERS,
    }
    say(
        f"    {TWO_ROUNDS} writes through A, read through B: {stale} stale; B's read right after "
        f"{figures['after_write_ms']} ms, kept {figures['kept_ms']} ms"
    )
    return figures


def mix_report(mix: dict, label: str) -> list[str]:
    pages = mix["pages"]
    before, after = mix["login_wrk"]["before"], mix["login_wrk"]["after"]
    workers = f"{WORKERS} {mix['worker_class']} workers" + (
        f" × {mix['threads']} threads" if mix["worker_class"] != "sync" else ""
    )
    lines = [
        f"## Mixed workload: {mix['users']} users in {mix['agencies']} agencies ({label}), {workers}, "
        f"{mix['seconds']} s",
        "",
        f"Roles: {', '.join(mix['roles'])}. {mix['writes']:,} writes for {mix['page_views']:,} page views "
        f"({mix['writes_per_view']:.2f} per view); {mix['requests_per_s']:,.1f} req/s in all, "
        f"{mix['per_login_wrk']:.3f} of the login page's {before['requests_per_s']:,.1f} → "
        f"{after['requests_per_s']:,.1f} req/s (wrk, {CONNECTIONS} connections, before and after the mix).",
        "",
        *table_head("page or write", "requests", "req/s", "p50", "p95", "ms in worker", "÷ login page", "errors"),
    ]
    for name, row in pages.items():
        lines.append(
            table_row(
                f"{name} (write)" if row["write"] else name,
                f"{row['requests']:,}",
                f"{row['requests_per_s']:,.2f}",
                milliseconds(row["p50_ms"]),
                milliseconds(row["p95_ms"]),
                f"{row['worker_mean_ms']:.1f}" if row["worker_mean_ms"] else "–",
                ratio(row["per_login"]) if row["per_login"] else "–",
                row["errors"],
            )
        )
    refusals = ", ".join(f"{k} ×{v}" for k, v in mix["refusals"].items()) or "none"
    skipped = ", ".join(f"{k} ×{v}" for k, v in mix["skipped"].items()) or "none"
    lines += [
        "",
        f"Errors (5xx, broken connections, unexpected answers): {mix['errors']}; refused writes: {refusals}; "
        f"actions no longer offered (skipped): {skipped}.",
        f"Load average (1 min) before and after: {mix['load_before']:.1f}, {mix['load_after']:.1f}.",
    ]
    return lines


def miss_report(miss: dict, label: str) -> list[str]:
    lines = [
        f"## The miss path: each page right after a write to its agency ({label}, one process, "
        f"medians of {miss['rounds']})",
        "",
        f"The login page: {miss['login_ms']:.1f} ms in process (median of all rounds); it is timed in each "
        "round beside the page, after another request as the page is, and each ratio is to the login page "
        f"of the page's own rounds. Timed alone, one request after another: {miss['login_in_a_loop_ms']:.1f} ms.",
        "",
        *table_head("page", "login page", "warm", "after a write", "warm ÷ login", "after a write ÷ login"),
    ]
    for name, row in miss["pages"].items():
        lines.append(
            table_row(
                name,
                milliseconds(row["login_ms"]),
                milliseconds(row["warm_ms"]),
                milliseconds(row["after_write_ms"]),
                f"{row['warm_per_login']:.1f}",
                f"{row['after_write_per_login']:.1f}",
            )
        )
    return lines


def middleware_report(chain: dict) -> list[str]:
    login, dashboard = chain["pages"][LOGIN], chain["pages"]["dashboard"]
    lines = [
        f"## The request path: each middleware's own time (one process, medians of {chain['rounds']} requests)",
        "",
        *table_head("middleware", "login page µs", "dashboard µs", "share of the login page", "share of the dashboard"),
    ]
    for path in [*chain["middleware"], "view"]:
        lines.append(
            table_row(
                path.rsplit(".", 1)[-1],
                f"{login['us'][path]:,.0f}",
                f"{dashboard['us'][path]:,.0f}",
                f"{login['us'][path] / login['total_us']:.1%}",
                f"{dashboard['us'][path] / dashboard['total_us']:.1%}",
            )
        )
    lines.append(
        table_row("whole request", f"{login['total_us']:,.0f}", f"{dashboard['total_us']:,.0f}", "100%", "100%")
    )
    return lines


# Attack ---------------------------------------------------------------------------------------

CHUNK = 256 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Each hostile file: (its name in inprocess.py attack's folder, URL key, user key, content type).
REFUSALS = dict(
    zip(
        HOSTILE_FILES,
        [
            ("sop.json", "import_url", "importer", "application/json"),
            ("sop.xlsx", "import_url", "importer", XLSX),
            ("figures.xlsx", "figures_url", "figures_user", XLSX),
        ],
        strict=True,
    )
)


def stand_in_pdf(payload: int) -> bytes:
    """A sound PDF without a signature, one stream of `payload` random bytes: PDF-ish enough that the
    verification page reads it in full and hands it to its checking processes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Length %d >>\nstream\n" % payload + os.urandom(payload) + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def multipart(fields: dict, filename: str, content_type: str) -> tuple[str, bytes, bytes]:
    """(Content-Type, what comes before the file, what comes after) of a form with one file `file`."""
    boundary = "bench-" + secrets.token_hex(12)
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
    head += f"Content-Type: {content_type}\r\n\r\n"
    return f"multipart/form-data; boundary={boundary}", head.encode(), f"\r\n--{boundary}--\r\n".encode()


class Answered(Exception):
    pass


def exchange(port: int, method: str, path: str, headers: dict, parts=(), timeout: float = 120) -> tuple:
    """One request on a connection of its own: (status, body, seconds until the answer was read).
    The body goes in chunks and stops as soon as the server answers (a refusal before the body is
    read); status 0 when the connection was cut before an answer could be read."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if method == "POST":
        lines.append(f"Content-Length: {sum(len(part) for part in parts)}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    started = time.perf_counter()
    answer = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            for part in parts:
                view = memoryview(part)
                for start in range(0, len(view), CHUNK):
                    if select.select([connection], [], [], 0)[0]:
                        raise Answered
                    connection.sendall(view[start : start + CHUNK])
        except (Answered, BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    elapsed = time.perf_counter() - started
    head, _, body = bytes(answer).partition(b"\r\n\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return (int(match[1]) if match else 0), body, elapsed


def probe(port: int, path: str, seconds: float) -> dict:
    """GETs of `path` one after another for `seconds`, as one visitor waits: each waits for its answer
    however long it takes, so a page that answers nothing within the time still gives a figure."""
    samples, statuses = [], Counter()
    deadline = time.monotonic() + seconds
    while not samples or time.monotonic() < deadline:
        status, _body, elapsed = exchange(port, "GET", path, {})
        samples.append(elapsed * 1000)
        statuses[str(status)] += 1
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]
    return {
        "requests": len(samples),
        "errors": sum(count for status, count in statuses.items() if status != "200"),
        "statuses": dict(statuses),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(samples), 1),
    }


def login_probe(port: int, path: str, seconds: float) -> dict:
    """probe() in a process of its own: the attack's threads share this one."""
    command = [sys.executable, str(Path(__file__).resolve()), "probe", str(port), path, str(seconds)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 600).stdout
    return json.loads(output.strip().splitlines()[-1])


def page_form(base: str, path: str, cookie: str | None) -> tuple[str, str]:
    """(Cookie header, CSRF form token) of a page with a form; a new visitor gets the CSRF cookie here."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    page = opener.open(request, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"{path} has no form")
    fresh = "; ".join(f"{c.name}={c.value}" for c in jar)
    return "; ".join(filter(None, [cookie, fresh])), token[1]


def refusal_reason(body: bytes) -> str:
    """The first problem the page lists in its red box, as plain text."""
    box = re.search(rb'class="alert alert-danger".*?<li>(.*?)</li>', body, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", box[1].decode("utf-8", "replace"))).strip()[:160] if box else ""


def refusals(port: int, setup: dict, forms: dict, quiet_p50_ms: float) -> dict:
    """Each hostile file posted ATTACK_ROUNDS times after one warm post, one after another: the median
    time to the answer, and whether every answer was a refusal (200 or 400 with the page's list of
    problems: never a redirect, which means saved, nor a 500)."""
    result = {}
    for name, (file_name, url_key, user_key, content_type) in REFUSALS.items():
        data = Path(setup["files"][file_name]["path"]).read_bytes()
        cookie, token = forms[user_key]
        statuses, samples, reason, refused = [], [], "", True
        for round_ in range(ATTACK_ROUNDS + 1):
            kind, head, tail = multipart({"csrfmiddlewaretoken": token}, file_name, content_type)
            headers = {"Cookie": cookie, "Content-Type": kind}
            status, body, elapsed = exchange(port, "POST", setup[url_key], headers, [head, data, tail])
            statuses.append(status)
            reason = refusal_reason(body) or reason
            refused = refused and status in (200, 400) and b"alert-danger" in body
            if round_:
                samples.append(elapsed * 1000)
        median = statistics.median(samples)
        result[name] = {
            "url": setup[url_key],
            "bytes": len(data),
            "statuses": dict(Counter(str(status) for status in statuses)),
            "refused": refused,
            "reason": reason,
            "median_ms": round(median, 1),
            "per_login_p50": round(median / quiet_p50_ms, 2),
        }
        say(
            f"    {name:<32} {milliseconds(median):>8}  {result[name]['per_login_p50']:.1f}× the login page  {statuses}"
        )
    return result


def attackers(port: int, setup: dict, forms: dict, stop: threading.Event, tally: dict) -> list[threading.Thread]:
    """UPLOADERS threads posting an UPLOAD_MIB MB PDF to the public verification page, each post from a
    new address (X-Real-IP through the trusted proxy, as behind nginx: no per-address limit holds
    them back), and IMPORTERS threads importing the hostile SOP files in turn as the agency admin."""
    pdf = stand_in_pdf(UPLOAD_MIB * 1024 * 1024)
    lock = threading.Lock()

    def count(kind: str, status: int) -> None:
        with lock:
            tally[kind][str(status)] += 1

    def upload(number: int) -> None:
        cookie, token = forms["verifier"]
        sent = 0
        while not stop.is_set():
            sent += 1
            address = f"10.{number}.{sent // 250 % 250}.{sent % 250 + 1}"
            kind, head, tail = multipart({"csrfmiddlewaretoken": token}, "dokumen.pdf", "application/pdf")
            headers = {"Cookie": cookie, "Content-Type": kind, "X-Real-IP": address}
            count("uploads", exchange(port, "POST", setup["verify_url"], headers, [head, pdf, tail])[0])

    def import_(number: int) -> None:
        cookie, token = forms["importer"]
        files = [(name, Path(setup["files"][name]["path"]).read_bytes()) for name in ("sop.xlsx", "sop.json")]
        sent = number
        while not stop.is_set():
            name, data = files[sent % len(files)]
            sent += 1
            kind, head, tail = multipart({"csrfmiddlewaretoken": token}, name, "application/octet-stream")
            headers = {"Cookie": cookie, "Content-Type": kind}
            count("imports", exchange(port, "POST", setup["import_url"], headers, [head, data, tail])[0])

    threads = [threading.Thread(target=upload, args=(n,), daemon=True) for n in range(UPLOADERS)]
    threads += [threading.Thread(target=import_, args=(n,), daemon=True) for n in range(IMPORTERS)]
    return threads


def measure_attack(env: dict, port: int, workspace: Path, login_url: str) -> dict:
    """The attack section: hostile files refused, timed against the quiet login page; then the login
    page while uploads and imports pound the server. Its own gunicorn, with CLIENT_IP_HEADER set as
    behind nginx (docs/deployment.md) and the verification slots in the workspace."""
    base, started = f"http://127.0.0.1:{port}", time.monotonic()
    pdf = workspace / "stand-in.pdf"
    pdf.write_bytes(stand_in_pdf(64 * 1024))
    setup = in_process(env, "attack", "--pdf", str(pdf), str(workspace / "attack"))
    env = {**env, "CLIENT_IP_HEADER": "HTTP_X_REAL_IP", "VERIFY_SLOT_DIR": str(workspace / "verify-slots")}
    with gunicorn(env, port, workspace / "gunicorn.log"):
        forms = {
            "importer": page_form(base, setup["import_url"], log_in(base, setup["importer"])),
            "figures_user": page_form(base, setup["figures_page_url"], log_in(base, setup["figures_user"])),
            "verifier": page_form(base, setup["verify_url"], None),
        }
        login_probe(port, login_url, 1)  # warm
        quiet = login_probe(port, login_url, ATTACK_SECONDS)
        say(f"    login page, quiet: p50 {milliseconds(quiet['p50_ms'])}, p95 {milliseconds(quiet['p95_ms'])}")
        refused = refusals(port, setup, forms, quiet["p50_ms"])
        stop, tally = threading.Event(), {"uploads": Counter(), "imports": Counter()}
        threads = attackers(port, setup, forms, stop, tally)
        for thread in threads:
            thread.start()
        time.sleep(1)  # every attacker has a request in flight
        loaded = login_probe(port, login_url, ATTACK_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        say(
            f"    login page, under attack: p50 {milliseconds(loaded['p50_ms'])}, "
            f"p95 {milliseconds(loaded['p95_ms'])}; uploads {dict(tally['uploads'])}, imports {dict(tally['imports'])}"
        )
    loaded["p50_per_quiet"] = round(loaded["p50_ms"] / quiet["p50_ms"], 2)
    loaded["p95_per_quiet"] = round(loaded["p95_ms"] / quiet["p95_ms"], 2)
    return {
        "seconds": ATTACK_SECONDS,
        "rounds": ATTACK_ROUNDS,
        "section_seconds": round(time.monotonic() - started, 1),
        "login_quiet": quiet,
        "refusals": refused,
        "login_under_attack": loaded,
        "uploads": {"concurrent": UPLOADERS, "mib": UPLOAD_MIB, "statuses": dict(tally["uploads"])},
        "imports": {"concurrent": IMPORTERS, "statuses": dict(tally["imports"])},
    }


# Report ---------------------------------------------------------------------------------------


def ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.995 else f"{value:.3f}"


def milliseconds(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def table_row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table_head(*names) -> list[str]:
    return [table_row(*names), table_row(*["---"] * len(names))]


def meets_goal(page: dict) -> bool:
    return page["per_login"] >= GOAL_RATIO and page["p95_ms"] < GOAL_P95_MS


def size_notes(size: dict) -> list[str]:
    login, trivial = size["pages"][LOGIN], size["pages"][TRIVIAL]
    return [
        f"Baselines again after the pages: login page {login['requests_per_s']:,.1f} → "
        f"{login['requests_per_s_again']:,.1f} req/s, trivial view {trivial['requests_per_s']:,.1f} → "
        f"{trivial['requests_per_s_again']:,.1f} req/s; the ratios divide by the mean of the two.",
        f"Load average (1 min) before and after: {size['load_before']:.1f}, {size['load_after']:.1f}.",
    ]


def statuses_text(statuses: dict) -> str:
    named = {"0": "cut off before an answer"}
    return ", ".join(f"{named.get(status, status)} ×{count}" for status, count in sorted(statuses.items())) or "none"


def attack_report(attack: dict) -> list[str]:
    quiet, loaded = attack["login_quiet"], attack["login_under_attack"]
    lines = [
        f"## Attack: hostile files as scale-001, then the login page under attack ({attack['seconds']} s)",
        "",
        f"Refusals: each file posted {attack['rounds']} times one after another (after one warm post); "
        f"the median time to the answer ÷ the quiet login page's p50 ({milliseconds(quiet['p50_ms'])}, "
        "one visitor's GETs one after another).",
        "",
        *table_head("hostile file", "KB", "answers", "refused", "median", "÷ login p50", "reason given"),
    ]
    for name, row in attack["refusals"].items():
        lines.append(
            table_row(
                name,
                f"{row['bytes'] / 1024:,.0f}",
                statuses_text(row["statuses"]),
                "yes" if row["refused"] else "**NO**",
                milliseconds(row["median_ms"]),
                f"{row['per_login_p50']:.1f}",
                row["reason"].replace("|", "/") or "–",
            )
        )
    uploads, imports = attack["uploads"], attack["imports"]
    lines += [
        "",
        f"The login page as one visitor waits for it (GETs one after another, each waiting for its "
        f"answer), quiet and while {uploads['concurrent']} uploads of {uploads['mib']} MB to the "
        f"verification page (each from a new address) and {imports['concurrent']} hostile SOP imports run "
        "without pause:",
        "",
        *table_head("login page", "requests", "not 200", "p50", "p95", "max", "p50 ÷ quiet", "p95 ÷ quiet"),
        *(
            table_row(
                name,
                row["requests"],
                row["errors"],
                milliseconds(row["p50_ms"]),
                milliseconds(row["p95_ms"]),
                milliseconds(row["max_ms"]),
                f"{row['p50_ms'] / quiet['p50_ms']:.1f}",
                f"{row['p95_ms'] / quiet['p95_ms']:.1f}",
            )
            for name, row in [("quiet", quiet), ("under attack", loaded)]
        ),
        "",
        f"Answers during the attack: uploads {statuses_text(uploads['statuses'])}; "
        f"imports {statuses_text(imports['statuses'])}.",
    ]
    return lines


def report(figures: dict) -> str:
    full, growth = figures["sizes"]["full"], figures["sizes"].get("growth")
    label = f"{figures['agencies']} agencies × {figures['years']} years"
    lines = [
        f"## Pages: {label}, gunicorn {WORKERS} {WORKER_CLASS} workers"
        + (f" × {THREADS} threads" if WORKER_CLASS != "sync" else "")
        + f", {CONNECTIONS} connections, {SECONDS} s per page",
        "",
        *table_head("page", "req/s", "p50", "p95", "÷ login page", "÷ trivial view", "queries", "KB", "ms in process"),
    ]
    for name, page in full["pages"].items():
        lines.append(
            table_row(
                name,
                f"{page['requests_per_s']:,.1f}",
                milliseconds(page["p50_ms"]),
                milliseconds(page["p95_ms"]),
                ratio(page["per_login"]),
                ratio(page["per_trivial"]),
                page["queries"],
                f"{page['bytes'] / 1024:.0f}",
                f"{page['ms_in_process']:.1f}",
            )
        )
    lines += ["", f"Goal (≥ {GOAL_RATIO} of the login page's req/s and p95 < {GOAL_P95_MS} ms) met by: "]
    lines[-1] += (
        ", ".join(name for name, page in full["pages"].items() if name not in BASELINES and meets_goal(page)) or "none"
    )
    lines += ["", *size_notes(full)]
    lines += ["", f"Web worker peak RSS after the load (VmHWM, largest of {full['workers']}): "]
    lines[-1] += f"{full['web_worker_peak_rss_mib']:.0f} MiB."
    if growth:
        small = f"{figures['growth_agencies']} agencies × {figures['years']} years"
        lines += ["", f"## Growth: {small} (small) against {label} (full)", ""]
        lines += table_head(
            "page",
            "req/s small",
            "req/s full",
            "p50 small",
            "p50 full",
            "p95 small",
            "p95 full",
            "÷ login small",
            "÷ login full",
            "queries small",
            "queries full",
        )
        for name, page in full["pages"].items():
            before = growth["pages"][name]
            lines.append(
                table_row(
                    name,
                    f"{before['requests_per_s']:,.1f}",
                    f"{page['requests_per_s']:,.1f}",
                    milliseconds(before["p50_ms"]),
                    milliseconds(page["p50_ms"]),
                    milliseconds(before["p95_ms"]),
                    milliseconds(page["p95_ms"]),
                    ratio(before["per_login"]),
                    ratio(page["per_login"]),
                    before["queries"],
                    page["queries"],
                )
            )
        lines += ["", "Small: " + " ".join(size_notes(growth))]
        lines += ["", f"Web worker peak RSS: {growth['web_worker_peak_rss_mib']:.0f} MiB small, "]
        lines[-1] += f"{full['web_worker_peak_rss_mib']:.0f} MiB full."
    if figures.get("documents"):
        lines += ["", f"## Documents: scale-001 ({label}), medians of {PDF_ROUNDS} warm runs", ""]
        lines += table_head(
            "document",
            "HTML",
            "WeasyPrint",
            "pages",
            "Chromium warm",
            "Chromium command",
            "pages",
            "WeasyPrint ÷ Chromium warm",
            "WeasyPrint ÷ Chromium command",
            "render peak RSS",
        )
        for name, row in figures["documents"].items():
            warm, cli = row.get("chromium_warm_ms"), row.get("chromium_cli_ms")
            lines.append(
                table_row(
                    name,
                    milliseconds(row["html_ms"]),
                    milliseconds(row["weasyprint_ms"]),
                    row["weasyprint_pages"],
                    milliseconds(warm) if warm else "–",
                    milliseconds(cli) if cli else "–",
                    row.get("chromium_pages", "–"),
                    f"{row['weasyprint_ms'] / warm:.1f}×" if warm else "–",
                    f"{row['weasyprint_ms'] / cli:.1f}×" if cli else "–",
                    f"{row['render_peak_rss_mib']:.0f} MiB",
                )
            )
    if figures.get("attack"):
        lines += ["", *attack_report(figures["attack"])]
    if figures.get("mix"):
        lines += ["", *mix_report(figures["mix"], label)]
    if figures.get("miss_path"):
        lines += ["", *miss_report(figures["miss_path"], label)]
    if figures.get("request_path"):
        lines += ["", *middleware_report(figures["request_path"])]
    if figures.get("two_processes"):
        two = figures["two_processes"]
        lines += [
            "",
            f"## Two web processes, one database and one shared cache ({two['workers_each']} workers each)",
            "",
            f"{two['rounds']} figures drafts written through the API of server A, each read at once through "
            f"server B (which had the old figures in its memory): {two['stale_reads']} stale reads; B's read "
            f"right after a write {two['after_write_ms']} ms, from its memory {two['kept_ms']} ms (medians).",
        ]
    lines += ["", f"Whole run: {figures['seconds'] / 60:.1f} min."]
    if figures.get("profile"):
        lines += ["", "## Profiles (cProfile, one process, reference size)", "", figures["profile"]]
    return "\n".join(lines)


# The run --------------------------------------------------------------------------------------


def main() -> None:
    if sys.argv[1:2] == ["probe"]:  # login_probe's process
        print(json.dumps(probe(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))))
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # A throwaway PostgreSQL cluster for the run, stopped afterwards.
        wrapper = str(ROOT / "tests" / "with-postgres.sh")
        os.execv(wrapper, [wrapper, sys.executable, *sys.argv])
    if not shutil.which("wrk"):
        sys.exit("ERROR: make bench needs wrk: apt-get install wrk (make bench installs it when run as root).")
    started = time.monotonic()
    figures = {"agencies": AGENCIES, "years": YEARS, "growth_agencies": GROWTH_AGENCIES, "sizes": {}}
    sizes = [("growth", GROWTH_AGENCIES), ("full", AGENCIES)] if 0 < GROWTH_AGENCIES < AGENCIES else []
    sizes = sizes or [("full", AGENCIES)]
    with (
        tempfile.TemporaryDirectory(prefix="sopkinerja-bench-") as workspace,
        bench_database(os.environ["DATABASE_URL"]) as database_url,
    ):
        workspace = Path(workspace)
        port = free_port()
        env = app_environment(database_url, workspace, port)
        say("Bench database: migrate, static files")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        seeded = 0
        for size, agencies in sizes:
            say(f"Scale data: agencies {seeded + 1}–{agencies} × {YEARS} years")
            seeding = in_process(
                env, "seed", "--first", str(seeded + 1), "--agencies", str(agencies - seeded), "--years", str(YEARS)
            )
            say(
                f"  seeded in {seeding['seconds']:.0f} s: {seeding['runs']:,} runs, {seeding['realisations']:,} figures"
            )
            figures.setdefault("seeding", []).append(seeding)
            seeded = agencies
            pages = in_process(env, "pages")
            for name, page in pages.items():
                if page["status"] != (301 if name == TRIVIAL else 200):
                    raise RuntimeError(f"{name} ({page['url']}) answered {page['status']} in process")
                page["signed_in"] = name in SIGNED_IN_PAGES  # the baselines and the portal: anonymous
            say(f"  {agencies} agencies × {YEARS} years: {len(pages)} pages, {SECONDS} s each")
            figures["sizes"][size] = measure_size(env, port, workspace, pages)
        if ATTACK_SECONDS:
            say(f"Attack: hostile files refused, then the login page under attack for {ATTACK_SECONDS} s")
            figures["attack"] = measure_attack(env, port, workspace, pages[LOGIN]["url"])
            say(f"  attack section: {figures['attack']['section_seconds']:.0f} s")
        if PDF_ROUNDS:
            say("Documents: WeasyPrint and chromium")
            figures["documents"] = in_process(env, "documents", "--rounds", str(PDF_ROUNDS))
            for name, kind in [("SOP sheet", "sheet"), ("annual report", "annual")]:
                figures["documents"][name]["render_peak_rss_mib"] = in_process(env, "render", kind)["peak_rss_mib"]
        if PROFILE:
            full = figures["sizes"]["full"]["pages"]
            missing = [
                name
                for name, page in full.items()
                if name not in BASELINES and not (page["per_login"] >= GOAL_RATIO and page["p95_ms"] < GOAL_P95_MS)
            ]
            if missing:
                say(f"Profiles: {', '.join(missing)}")
                figures["profile"] = in_process(env, "profile", *missing, as_json=False)
        # Last: the miss path, the two processes and the mix write to the agencies the sections above read.
        if TWO_ROUNDS:
            say("Two web processes sharing the cache: written through one, read through the other")
            figures["two_processes"] = measure_two_processes(env, workspace)
        if MISS_ROUNDS:
            say("The miss path and the request path, in one process")
            figures["miss_path"] = in_process(env, "misspath", "--rounds", str(MISS_ROUNDS))
            figures["request_path"] = in_process(env, "middleware")
        if MIX_SECONDS:
            say(f"Mixed workload: {MIX_USERS} users in {MIX_AGENCIES} agencies, {MIX_SECONDS} s")
            figures["mix"] = measure_mix(env, port, workspace, pages[LOGIN]["url"])
    figures["seconds"] = round(time.monotonic() - started)
    print(report(figures))
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
