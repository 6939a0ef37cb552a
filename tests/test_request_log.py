"""Structured logs: each request ends with one line that names its id, user, agency, status and
duration, and every record written during the request carries the same id."""

import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from sopkinerja.request_log import RequestContextFilter


@pytest.fixture
def json_lines():
    """Records of the request logger, formatted as production formats them."""
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Keep()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(agency)s")
    )
    logger = logging.getLogger("sopkinerja.request")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_signed_in_request_is_logged_as_json_with_its_user_agency_status_and_duration(login, balangan, json_lines):
    response = login("balangan.kadis").get("/")
    assert response.status_code == 200
    (line,) = json_lines
    assert line["user"] == "balangan.kadis" and line["agency"] == "balangan"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32


def test_an_anonymous_request_is_logged_without_a_user(client, db, json_lines):
    response = client.get("/accounts/login/")
    (line,) = json_lines
    assert (line["user"], line["agency"], line["status"]) == ("-", "-", response.status_code)


def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token(client, db, json_lines):
    response = client.get("/health/", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert response["X-Request-ID"] == "nginx-4f2a9c" and json_lines[0]["request_id"] == "nginx-4f2a9c"


def test_a_request_id_with_odd_characters_is_replaced(client, db, json_lines):
    response = client.get("/health/", headers={"X-Request-ID": "x\r\nSet-Cookie: a=b"})
    assert response["X-Request-ID"] != "x\r\nSet-Cookie: a=b" and len(response["X-Request-ID"]) == 32


def test_records_written_during_a_request_carry_its_id(login, balangan, caplog):
    caplog.set_level(logging.INFO, logger="sopkinerja.request")
    response = login("balangan.kadis").get("/health/")
    record = next(r for r in caplog.records if r.name == "sopkinerja.request")
    RequestContextFilter().filter(record)
    assert record.request_id == response["X-Request-ID"]


def test_an_unknown_log_format_stops_start_up_with_a_message():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "1", "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "sopkinerja.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "LOG_FORMAT must be json or text." in result.stderr
