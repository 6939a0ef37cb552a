"""The verification page never reads more uploads at once than the server allows, in all and per
address: the others are refused at once with a 429, and a slot held by a process that died is free."""

import queue
import signal
import subprocess
import sys
import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from reports.documents.services import document_sign
from reports.documents.signing import DEMO_PASSPHRASE
from reports.documents.verification import Outcome, Verdict
from reports.models import DocumentKind
from sopkinerja.common.slots import Busy, slot

from .conftest import user
from .test_document_recovery import seeded
from .test_verification_page import post, signed, unsigned_pdf

BUSY = "Terlalu banyak pemeriksaan berjalan; coba lagi sebentar lagi."


class ParseSpy:
    """Stands in for the parse: counts the checks inside it at once and holds each until released."""

    def __init__(self):
        self.running = self.most = self.calls = 0
        self.lock = threading.Lock()
        self.release = threading.Event()

    def __call__(self, data, document):
        with self.lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        self.release.wait(timeout=120)
        with self.lock:
            self.running -= 1
        return Verdict(Outcome.UNSIGNED, "")


@pytest.fixture
def spied(monkeypatch, settings, tmp_path):
    settings.VERIFY_SLOT_DIR = tmp_path / "slots"
    spy = ParseSpy()
    monkeypatch.setattr("reports.views.documents.verify_upload", spy)
    cache.clear()
    yield spy
    spy.release.set()
    cache.clear()


def a_signed_document():
    return document_sign(
        agency=seeded(),  # a transactional test empties the database after itself
        kind=DocumentKind.REPORT,
        user=user("balangan.kadis"),
        secret=DEMO_PASSPHRASE,
        period="2026-TW1",
        via="command",
    )


def check_at_once(document, addresses: list[str], spy: ParseSpy, refused: int) -> list:
    """Each address uploads a PDF at the same moment; the `refused` first answers are collected
    while the admitted checks are held inside the parse, then the parse is released."""
    answers, barrier = queue.Queue(), threading.Barrier(len(addresses))
    url = reverse("reports:verify", args=[document.token])

    def check(address):
        try:
            upload = SimpleUploadedFile("laporan.pdf", b"%PDF-1.7\n", content_type="application/pdf")
            barrier.wait()
            response = Client(REMOTE_ADDR=address).post(url, {"file": upload})
            answers.put((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check, args=(address,)) for address in addresses]
    for thread in threads:
        thread.start()
    first = [answers.get(timeout=120) for _ in range(refused)]  # the admitted ones wait in the parse
    spy.release.set()
    for thread in threads:
        thread.join()
    return first + [answers.get_nowait() for _ in range(len(addresses) - refused)]


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_checks_from_five_addresses_parse_at_most_the_server_bound(spied, settings):
    settings.VERIFY_MAX_CONCURRENT, settings.VERIFY_MAX_PER_CLIENT = 2, 1
    document = a_signed_document()
    answers = check_at_once(document, [f"10.0.0.{n}" for n in range(1, 6)], spied, refused=3)
    assert spied.most == 2 and spied.calls == 2
    assert [status for status, _page in answers] == [429, 429, 429, 200, 200]
    assert all(BUSY in page for _status, page in answers[:3])


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_checks_from_one_address_parse_one_at_a_time(spied, settings):
    settings.VERIFY_MAX_CONCURRENT, settings.VERIFY_MAX_PER_CLIENT = 4, 1
    document = a_signed_document()
    answers = check_at_once(document, ["10.0.0.9"] * 3, spied, refused=2)
    assert spied.most == 1 and spied.calls == 1
    assert [status for status, _page in answers] == [429, 429, 200]
    assert all(BUSY in page for _status, page in answers[:2])


def test_a_slot_held_by_a_killed_process_is_free_again(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from sopkinerja.common.slots import slot\n"
            "with slot(sys.argv[1], 'all', 1):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(600)\n",
            str(tmp_path),
        ],
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy):
            with slot(tmp_path, "all", 1):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)  # a web worker killed in the middle of a check
        holder.wait()
    with slot(tmp_path, "all", 1) as number:
        assert number == 0


def test_a_slot_folder_that_cannot_be_written_lets_the_check_through(client, balangan, settings, tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    settings.VERIFY_SLOT_DIR = in_the_way / "slots"  # cannot be made: a file is in the way
    cache.clear()
    with pytest.raises(OSError):
        with slot(settings.VERIFY_SLOT_DIR, "all", 1):
            pass
    response = post(client, signed(balangan), unsigned_pdf())
    assert response.status_code == 200
    assert "Bukan dokumen asli." in response.content.decode()  # checked: it carries no signature
