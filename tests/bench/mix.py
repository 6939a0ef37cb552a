"""The mixed workload of `make bench` (issue 21): simulated users of several agencies and every role,
each signed in through the real login page and looping through what that role does in a day, with
real POSTs through the pages' own forms (the CSRF token read from the form) at a rate of at least one
write per five page views, so that anything a page keeps between requests is invalidated as in an
office at the end of a quarter.

The cast comes from tests/bench/inprocess.py mix: per agency, some of the roles below, and the pages
they open (the unit whose figures the staff member enters, the run of the current quarter, the SOP).

- staff: their unit's figures page and a draft saved with changed values; then in turn either the
  SOP page or the dashboard, or the run page (any step of theirs) and the quarter handed in (Kirim)
  with every figure filled;
- supervisor (the head who reviews that unit): the dashboard, and the unit's figures returned with a
  note when they were handed in (from the dashboard's review list); then in turn the run page (any
  step of theirs: submit, or approve and return in turn) or one of the disposisi inbox, the SOP
  page and the figures overview;
- sekretaris: the run page (their step submitted, a data-collection step closed listing the units
  without figures; their staff's approved or returned in turn); then in turn the dashboard or one
  of the disposisi inbox, the SOP page and the figures overview;
- kadis: the run page (the step waiting for them approved or returned in turn); a run in which
  nothing is left for the cast to do, or that has had MAX_APPROVALS approvals (so that it never
  finishes), is cancelled with a reason and started again from the runs page; then in turn the
  dashboard or one of the documents page, a report's readiness (the documents page with the report
  chosen) and the SOP page.

A page view is a GET, the redirect after a write included. Figures handed in are returned, never
approved, and steps are approved or returned in turn, so the writes stay possible over any number
of loops. An action that is no longer offered (the form has
gone: another user acted first) is skipped and the user goes on; one the server refuses (the page
after it shows an error) counts as a refusal, apart from errors (5xx, a broken connection, or a
page that did not answer 200, 302 or 400).

Every request carries an X-Bench-Page header naming the page or write; gunicorn's access log
writes it with the request's time in the worker (the mix's own gunicorn, tests/bench/run.py), so each
page's cost in the server is known apart from the time it waited for a free worker.
"""

import html
import http.client
import random
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

PASSWORD = "demo-sop-kinerja"  # workflow.seed.DEFAULT_PASSWORD, seed_scale's default
MAX_APPROVALS = 3  # a run is cancelled and started again after this many approvals
ACCESS_LOG_FORMAT = "BENCH %({x-bench-page}i)s|%(m)s|%(s)s|%(D)s"  # gunicorn: page, method, status, µs

# The pages of the mix in the order of the report, then its writes.
PAGES = [
    "login page",
    "dashboard",
    "figures",
    "unit figures",
    "run",
    "runs",
    "documents",
    "report readiness",
    "disposisi inbox",
    "SOP page",
]
WRITES = [
    "save figures",
    "hand in figures",
    "return figures",
    "submit step",
    "approve step",
    "return step",
    "cancel run",
    "start run",
]
ROLES = ["staff", "supervisor", "sekretaris", "kadis"]


# Forms ------------------------------------------------------------------------------------------

FORM = re.compile(r"<form\b(?P<attributes>[^>]*)>(?P<body>.*?)</form>", re.DOTALL)
TAG = re.compile(r"<(?P<tag>input|textarea|select)\b(?P<attributes>[^>]*)>", re.DOTALL)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def attributes(text: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in ATTRIBUTE.findall(text)}


def parse_forms(page: str) -> list[tuple[str, dict[str, str]]]:
    """(action, fields) of every form of the page, as a browser would post it untouched: inputs
    with their values (checkboxes only when checked, no files, no buttons), textareas with their
    text, selects with their selected option (else the first)."""
    forms = []
    for form in FORM.finditer(page):
        action = attributes(form["attributes"]).get("action", "")
        body, fields = form["body"], {}
        for tag in TAG.finditer(body):
            attrs = attributes(tag["attributes"])
            name = attrs.get("name")
            if not name or "disabled" in attrs:  # a browser posts no disabled field
                continue
            if tag["tag"] == "input":
                kind = attrs.get("type", "text")
                if kind in ("file", "submit", "button") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                    continue
                fields[name] = attrs.get("value", "on" if kind == "checkbox" else "")
            elif tag["tag"] == "textarea":
                rest = body[tag.end() :]
                fields[name] = html.unescape(rest[: rest.find("</textarea>")])
            else:
                rest = body[tag.end() : body.find("</select>", tag.end())]
                options = re.findall(r"<option\b([^>]*)>", rest)
                chosen = [attributes(o) for o in options if "selected" in attributes(o)] or [
                    attributes(o) for o in options if attributes(o).get("value")
                ]
                fields[name] = chosen[0].get("value", "") if chosen else ""
        forms.append((html.unescape(action), fields))
    return forms


def form_posting_to(page: str, pattern: str) -> tuple[str, dict[str, str]] | None:
    """The first form whose action matches `pattern` (a regular expression), or None."""
    return next(((action, fields) for action, fields in parse_forms(page) if re.search(pattern, action)), None)


def figures_form(page: str) -> dict[str, str] | None:
    """The fields of a unit's figures form (id figures-form) when its values can be typed; None when
    the page offers none (the figures are handed in, locked, or only read)."""
    match = re.search(r'<form\b[^>]*id="figures-form"[^>]*>.*?</form>', page, re.DOTALL)
    if match is None:
        return None
    fields = parse_forms(match[0])[0][1]
    return fields if any(re.fullmatch(r"i\d+-value", name) for name in fields) else None


def changed_figures(fields: dict[str, str], loop: int, rows: int = 3, complete: bool = False) -> dict[str, str]:
    """The form with the first `rows` figures changed: values that alternate from loop to loop, small
    enough for any satuan (a percentage, a count, a ratio), with a kendala and solusi written; with
    `complete`, every empty figure filled too (a quarter is handed in only with all its figures)."""
    changed = dict(fields)
    values = [name for name in fields if re.fullmatch(r"i\d+-value", name)]
    for index, name in enumerate(values):
        if index >= rows and (not complete or fields[name]):
            continue
        prefix = name.removesuffix("-value")
        changed[name] = str(40 + (loop + index) % 2)
        changed[f"{prefix}-obstacles"] = "Sebagian data dari bidang terlambat masuk."
        changed[f"{prefix}-solutions"] = "Pengingat tertulis kepada bidang melalui disposisi."
    return changed


# HTTP -------------------------------------------------------------------------------------------


@dataclass
class Sample:
    name: str
    method: str
    status: int
    seconds: float
    started: float


@dataclass
class Tally:
    samples: list = field(default_factory=list)
    refusals: dict = field(default_factory=dict)  # write → count
    skipped: dict = field(default_factory=dict)  # action no longer offered → count
    reasons: dict = field(default_factory=dict)  # "write: the page's first error" → count
    errors: list = field(default_factory=list)  # (name, status, detail)
    lock: threading.Lock = field(default_factory=threading.Lock)
    measuring: threading.Event = field(default_factory=threading.Event)  # the warm-up is over

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def count(self, bucket: str, name: str) -> None:
        with self.lock:
            getattr(self, bucket)[name] = getattr(self, bucket).get(name, 0) + 1

    def error(self, name: str, status: int, detail: str) -> None:
        with self.lock:
            self.errors.append((name, status, detail[:300]))


def page_name(path: str) -> str:
    """The mix's name of a page by its path (a redirect's target is named as the page it shows)."""
    path, _, query = path.partition("?")
    rules = [
        (r"/accounts/login/", "login page"),
        (r"/", "dashboard"),
        (r"/data/(\d{4}-TW\d/)?", "figures"),
        (r"/data/[^/]+/unit/\d+/", "unit figures"),
        (r"/runs/\d+/", "run"),
        (r"/runs/", "runs"),
        (r"/dokumen/", "report readiness" if "report=" in query else "documents"),
        (r"/disposisi/", "disposisi inbox"),
        (r"/sop/\d+/", "SOP page"),
    ]
    return next((name for pattern, name in rules if re.fullmatch(pattern, path)), path)


class Browser:
    """One user's cookies over plain HTTP/1.1 requests to the server, each timed and tallied; a
    redirect after a POST is followed as a browser does (its GET counted as the page it shows)."""

    def __init__(self, port: int, tally: Tally, stop: threading.Event):
        self.port, self.tally, self.stop = port, tally, stop
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, name: str, form: dict | None = None) -> tuple[int, str, str]:
        label = name.replace(" ", "_")
        headers = {"X-Bench-Page": label if self.tally.measuring.is_set() else f"warm:{label}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status, location = response.status, response.getheader("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                name_value = header.split(";", 1)[0]
                cookie, _, value = name_value.partition("=")
                if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                    self.cookies.pop(cookie.strip(), None)
                else:
                    self.cookies[cookie.strip()] = value
        except (OSError, http.client.HTTPException) as problem:
            self.tally.add(Sample(name, method, 0, time.monotonic() - started, started))
            self.tally.error(name, 0, repr(problem))
            return 0, "", ""
        finally:
            connection.close()
        self.tally.add(Sample(name, method, status, time.monotonic() - started, started))
        if status >= 500 or status not in (200, 302, 400):
            self.tally.error(name, status, f"{method} {path}: {text[:200]}")
        return status, text, location

    def get(self, path: str) -> str:
        return self.request("GET", path, page_name(path))[1]

    def post(self, path: str, form: dict, name: str) -> str | None:
        """POST a form and follow its redirect; the page shown after it, or None when refused (the
        page says so in red, or the form came back with a 400)."""
        status, text, location = self.request("POST", path, name, form)
        if status == 302 and location:
            target = urllib.parse.urlsplit(location)
            text = self.get(target.path + (f"?{target.query}" if target.query else ""))
            if 'class="alert alert-danger"' not in text:
                return text
        if status in (302, 400):
            self.tally.count("refusals", name)
            self.tally.count("reasons", f"{name}: {refusal_reason(text)}")
        return None

    def log_in(self, username: str) -> None:
        page = self.get("/accounts/login/")
        action, fields = form_posting_to(page, r"^(/accounts/login/)?$") or ("", {})
        if "csrfmiddlewaretoken" not in fields:
            raise RuntimeError("the login page has no form")
        status, _text, _location = self.request(
            "POST", "/accounts/login/", "log in", {**fields, "username": username, "password": PASSWORD}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the login of {username} answered {status}")


def refusal_reason(page: str) -> str:
    """The first error the page shows (its red box, else a field's error), as plain text."""
    box = re.search(r'class="alert alert-danger"[^>]*>(.*?)</div>', page, re.DOTALL) or re.search(
        r'class="invalid-feedback"[^>]*>(.*?)</', page, re.DOTALL
    )
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", box[1])).strip()[:160] if box else "?"


# The roles --------------------------------------------------------------------------------------


@dataclass
class AgencyState:
    """What the cast of one agency shares: the run in progress, and how far it has gone."""

    urls: dict
    approvals: int = 0
    idle_looks: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Player:
    def __init__(self, browser: Browser, role: str, agency: AgencyState, seed: int):
        self.browser, self.role, self.agency = browser, role, agency
        self.loop = 0
        self.decisions = seed  # approve or return in turn, starting differently per user

    def urls(self, name: str) -> str:
        return self.agency.urls[name]

    def act_on_run(self) -> bool:
        """The run page, and whatever step action it offers this user: submit (with an output, the
        first answer of a decision, closing a data-collection step with the units listed), or
        approve and return in turn. Whether it offered one."""
        page = self.browser.get(self.urls("run"))
        submit = form_posting_to(page, r"/steps/\d+/submit/$")
        if submit:
            action, fields = submit
            prefix = re.search(r"/steps/(\d+)/", action)[1]
            fields = with_note(fields, f"Hasil langkah, putaran {self.loop}.", "output_note")
            if f"s{prefix}-close_incomplete" in page_fields(page, action):
                fields[f"s{prefix}-close_incomplete"] = "on"
            self.browser.post(action, fields, "submit step")
            return True
        approve = form_posting_to(page, r"/steps/\d+/approve/$")
        back = form_posting_to(page, r"/steps/\d+/return/$")
        if approve and back:
            self.decisions += 1
            if self.decisions % 2:
                with self.agency.lock:
                    self.agency.approvals += 1
                self.browser.post(approve[0], approve[1], "approve step")
            else:
                note = "Mohon dilengkapi data pendukungnya."
                self.browser.post(back[0], with_note(back[1], note), "return step")
            return True
        return False

    def restart_run(self, page_of_run: str | None = None) -> None:
        """Cancel the run with a reason and start the period's run again from the runs page."""
        page = page_of_run or self.browser.get(self.urls("run"))
        cancel = form_posting_to(page, r"/runs/\d+/cancel/$")
        if cancel is None:
            self.browser.tally.count("skipped", "cancel run")
            return
        reason = "Dibatalkan: diulang dari langkah pertama."
        self.browser.post(cancel[0], with_note(cancel[1], reason, "reason"), "cancel run")
        runs = self.browser.get(self.urls("runs"))
        start = next(((a, f) for a, f in parse_forms(runs) if "period" in f and "version" in f), None)
        if start is None:
            self.browser.tally.count("skipped", "start run")
            return
        shown = self.browser.post(start[0] or self.urls("runs"), start[1], "start run")
        newest = re.search(r'href="(/runs/\d+/)"', shown or "")
        if newest:
            with self.agency.lock:
                self.agency.urls["run"] = newest[1]
                self.agency.approvals = 0
                self.agency.idle_looks = 0

    def extra(self, names: list[str]) -> None:
        """One of the role's other pages, in turn from loop to loop."""
        self.browser.get(self.urls(names[self.loop % len(names)]))

    def staff(self) -> None:
        b = self.browser
        form = figures_form(b.get(self.urls("unit figures")))
        if form:
            b.post(self.urls("unit figures"), changed_figures(form, self.loop), "save figures")
        else:
            b.tally.count("skipped", "save figures")
        if self.loop % 2 == 0:
            self.extra(["SOP page", "dashboard"])
            return
        self.act_on_run()
        form = figures_form(b.get(self.urls("unit figures")))
        if form:
            fields = {**changed_figures(form, self.loop + 1, complete=True), "send": "1"}
            b.post(self.urls("unit figures"), fields, "hand in figures")
        else:
            b.tally.count("skipped", "hand in figures")

    def supervisor(self) -> None:
        b = self.browser
        back = form_posting_to(b.get(self.urls("dashboard")), r"/data/kiriman/\d+/kembalikan/$")
        if back:
            b.post(back[0], with_note(back[1], "Mohon periksa kembali angka triwulan ini."), "return figures")
        if self.loop % 2:
            self.act_on_run()
        else:
            self.extra(["disposisi inbox", "SOP page", "figures"])

    def sekretaris(self) -> None:
        if not self.act_on_run():
            with self.agency.lock:
                self.agency.idle_looks += 1
        if self.loop % 2:
            self.browser.get(self.urls("dashboard"))
        else:
            self.extra(["disposisi inbox", "SOP page", "figures"])

    def kadis(self) -> None:
        acted = self.act_on_run()
        with self.agency.lock:
            self.agency.idle_looks = 0 if acted else self.agency.idle_looks + 1
            worn = self.agency.approvals >= MAX_APPROVALS or self.agency.idle_looks >= 2
        if worn:
            self.restart_run()
        if self.loop % 2:
            self.browser.get(self.urls("dashboard"))
        else:
            self.extra(["documents", "report readiness", "SOP page"])

    def play(self) -> None:
        while not self.browser.stop.is_set():
            getattr(self, self.role)()
            self.loop += 1


def page_fields(page: str, action: str) -> dict[str, str]:
    """Every named field of the form posting to `action`, checked or not (a checkbox included)."""
    for form in FORM.finditer(page):
        if html.unescape(attributes(form["attributes"]).get("action", "")) == action:
            return {attributes(tag["attributes"]).get("name", ""): "" for tag in TAG.finditer(form["body"])}
    return {}


def with_note(fields: dict[str, str], text: str, suffix: str = "note") -> dict[str, str]:
    """The form with its note field (`note`, or a prefixed `…-note`) written."""
    names = [name for name in fields if name == suffix or name.endswith(f"-{suffix}")] or [suffix]
    return {**fields, **dict.fromkeys(names, text)}


def visitor(browser: Browser) -> None:
    """Someone on the login page: the baseline of the mix, measured under the same load."""
    while not browser.stop.is_set():
        browser.get("/accounts/login/")
        time.sleep(0.2)


# The run ----------------------------------------------------------------------------------------


def run_mix(port: int, cast: dict, seconds: float, warmup: float, visitors: int = 1) -> dict:
    """Sign every user of the cast in, then let them all play for `warmup` + `seconds`; the samples of
    the last `seconds` are returned with the counts of writes, refusals, skipped actions and errors."""
    tally, stop = Tally(), threading.Event()
    players, threads = [], []
    for index, agency in enumerate(cast["agencies"]):
        state = AgencyState(urls=dict(agency["urls"]))
        for user in agency["users"]:
            browser = Browser(port, tally, stop)
            browser.log_in(user["username"])
            players.append(Player(browser, user["role"], state, seed=index + len(players)))
    tally.samples.clear()  # the logins are not part of the mix
    for player in players:
        threads.append(threading.Thread(target=player.play, daemon=True))
    for _ in range(visitors):
        threads.append(threading.Thread(target=visitor, args=(Browser(port, tally, stop),), daemon=True))
    random.shuffle(threads)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    tally.measuring.set()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    measured_from = started + warmup
    samples = [s for s in tally.samples if s.started >= measured_from]
    return {
        "samples": samples,
        "seconds": seconds,
        "users": len(players),
        "agencies": len(cast["agencies"]),
        "roles": sorted({player.role for player in players}, key=ROLES.index),
        "refusals": dict(tally.refusals),
        "skipped": dict(tally.skipped),
        "reasons": dict(tally.reasons),
        "errors": tally.errors,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def server_times(log_lines: list[str]) -> dict[str, list[float]]:
    """Each page's or write's times in the worker (ms) from gunicorn's access log (ACCESS_LOG_FORMAT)."""
    times: dict[str, list[float]] = {}
    for line in log_lines:
        if not line.startswith("BENCH "):
            continue
        name, method, _status, micros = line.removeprefix("BENCH ").strip().split("|")
        if name != "-" and not name.startswith("warm:"):
            times.setdefault(name.replace("_", " "), []).append(int(micros) / 1000)
    return times


def figures(result: dict, log_lines: list[str]) -> dict:
    """Per page and write of the mix: requests, req/s, p50 and p95 as the users waited, mean and
    median time in the worker, and the cost ratio to the login page measured in the same mix (the
    login page's mean time in the worker ÷ the page's: the share of the login page's throughput the
    page would have alone on this server); with the totals and the write rate."""
    samples, seconds = result["samples"], result["seconds"]
    worker = server_times(log_lines)
    login_mean = statistics.mean(worker["login page"]) if worker.get("login page") else None
    rows = {}
    for name in [*PAGES, *WRITES]:
        own = [s for s in samples if s.name == name]
        if not own:
            continue
        latencies = [s.seconds * 1000 for s in own]
        in_worker = worker.get(name, [])
        mean = statistics.mean(in_worker) if in_worker else None
        rows[name] = {
            "requests": len(own),
            "requests_per_s": round(len(own) / seconds, 2),
            "p50_ms": round(percentile(latencies, 0.5), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "worker_mean_ms": round(mean, 2) if mean else None,
            "worker_p50_ms": round(statistics.median(in_worker), 2) if in_worker else None,
            "per_login": round(login_mean / mean, 3) if login_mean and mean else None,
            "errors": sum(1 for s in own if s.status == 0 or s.status >= 500),
            "write": name in WRITES,
        }
    views = sum(row["requests"] for name, row in rows.items() if not row["write"] and name != "login page")
    writes = sum(row["requests"] for row in rows.values() if row["write"])
    return {
        "users": result["users"],
        "agencies": result["agencies"],
        "roles": result["roles"],
        "seconds": seconds,
        "pages": rows,
        "page_views": views,
        "writes": writes,
        "writes_per_view": round(writes / views, 3) if views else 0,
        "requests_per_s": round(len(samples) / seconds, 1),
        "refusals": result["refusals"],
        "refusal_reasons": result["reasons"],
        "skipped": result["skipped"],
        "errors": len(result["errors"]),
        "error_samples": result["errors"][:10],
        "status_5xx": sum(1 for s in samples if s.status >= 500),
    }
