"""A fake BSrE esign client service for the tests: a real HTTP server on 127.0.0.1 that signs with a test CA.

It speaks both API generations as far as the application uses them:
  v1  POST /api/sign/pdf (multipart)          GET  /api/user/status/{nik}
  v2  POST /api/v2/sign/pdf (JSON, base64)    POST /api/v2/user/check/status
checks HTTP Basic client credentials (401 otherwise), knows users by NIK or e-mail with a passphrase
and a TOTP code, and signs with pyHanko using a certificate whose CN is the user's name, issued by a
CA generated for each service. Error answers follow what public integrations report of the real
service: HTTP 400 with JSON {"status_code", "error"}, 2031 for a wrong passphrase, 2011 for an
unknown signer; the status answers carry "status" (ISSUE, NOT_REGISTERED, EXPIRED, ...).

A test can make it misbehave on the signing endpoints: `misbehave = "slow"` (sleep `delay` seconds
first), "error500", "not_pdf" (200 with an HTML page), "unsigned" (200 with the PDF unchanged) or
"tampered" (a signed PDF changed after signing).
It records each request without the secret (`calls`) and counts the secrets it received.
"""

import base64
import datetime
import hmac
import io
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

WRONG_PASSPHRASE = {"status_code": 2031, "error": "Passphrase anda salah"}
UNKNOWN_SIGNER = {"status_code": 2011, "error": "User tidak terdaftar"}


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _key_usage(**allowed) -> x509.KeyUsage:
    names = "digital_signature content_commitment key_encipherment data_encipherment key_agreement"
    names += " key_cert_sign crl_sign encipher_only decipher_only"
    return x509.KeyUsage(**{**dict.fromkeys(names.split(), False), **allowed})


@dataclass
class FakeUser:
    name: str
    nik: str
    email: str
    passphrase: str
    totp: str
    status: str
    signer: signers.SimpleSigner = field(repr=False)


class FakeBsre:
    def __init__(self, *, client_id: str = "sopkinerja-test", client_secret: str = "client-secret-for-tests"):
        self.client_id, self.client_secret = client_id, client_secret
        self.users: dict[str, FakeUser] = {}
        self.misbehave: str | None = None
        self.status_endpoint = True  # False: the status endpoints answer 404, as on an older installation
        self.delay = 0.0
        self.calls: list[dict] = []
        self.secrets_received = 0
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Fake BSrE"),
                x509.NameAttribute(NameOID.COMMON_NAME, "Fake BSrE CA (tests only)"),
            ]
        )
        self.ca_certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._ca_key.public_key()), critical=False)
            .sign(self._ca_key, hashes.SHA256())
        )
        self.ca_root = _asn1_certificate(self.ca_certificate)
        self._server: ThreadingHTTPServer | None = None

    # -- set-up --------------------------------------------------------------------------------

    def add_user(self, *, name: str, nik: str = "", email: str = "", passphrase: str = "", totp: str = "",
                 status: str = "ISSUE") -> FakeUser:  # fmt: skip
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Personal"),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._ca_key.public_key()), critical=False
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        signer = signers.SimpleSigner(
            signing_cert=_asn1_certificate(certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([self.ca_root]),
        )
        user = FakeUser(name, nik, email, passphrase, totp, status, signer)
        self.users[nik or email] = user
        return user

    def find(self, *, nik: str = "", email: str = "") -> FakeUser | None:
        if nik:
            return self.users.get(nik)
        return next((user for user in self.users.values() if email and user.email == email), None)

    # -- the server ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeBsre":
        service = self

        class Handler(_Handler):
            fake = service

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a "slow" handler may still sleep when the test ends
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- signing -------------------------------------------------------------------------------

    def sign(self, pdf: bytes, user: FakeUser, *, visible: dict | None, reason: str, location: str) -> bytes:
        name = f"sig_{uuid.uuid4().hex[:12]}"
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if visible:
            x, y = float(visible["x"]), float(visible["y"])
            box = (x, y, x + float(visible["width"]), y + float(visible["height"]))
            fields.append_signature_field(
                writer, fields.SigFieldSpec(sig_field_name=name, on_page=int(visible["page"]) - 1, box=box)
            )
        metadata = signers.PdfSignatureMetadata(
            field_name=name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason or None,
            location=location or None,
            name=user.name,
        )
        return signers.sign_pdf(writer, metadata, signer=user.signer).getvalue()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBsre
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: pytest shows what matters
        pass

    # -- plumbing ------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass

    def _json(self, status: int, payload: dict) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{self.fake.client_id}:{self.fake.client_secret}".encode()).decode()
        given = self.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Basic {expected}".encode()):
            return True
        body = json.dumps({"error": "Unauthorized"}).encode()
        self._send(401, body, "application/json", {"WWW-Authenticate": 'Basic realm="esign"'})
        return False

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _record(self, secret: str, **fields_seen) -> None:
        if secret:
            self.fake.secrets_received += 1
        self.fake.calls.append({"method": self.command, "path": self.path, **fields_seen})

    def _misbehaved(self, original_pdf: bytes, *, v2: bool) -> bool:
        mode = self.fake.misbehave
        if mode == "slow":
            time.sleep(self.fake.delay)
            return False
        if mode == "error500":
            self._json(500, {"status": 500, "error": "Internal Server Error"})
            return True
        if mode in ("not_pdf", "unsigned"):
            content = b"<html><body>Gateway maintenance</body></html>" if mode == "not_pdf" else original_pdf
            if v2:
                self._json(200, {"file": [base64.b64encode(content).decode()], "time": 1})
            else:
                self._send(200, content, "text/html" if mode == "not_pdf" else "application/pdf")
            return True
        return False

    def _tamper(self, signed: bytes) -> bytes:
        return signed.replace(b"/Producer", b"/Producex", 1) if self.fake.misbehave == "tampered" else signed

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802
        body = self._body()
        del body
        if not self._authorised():
            return
        if self.path.startswith("/api/user/status/") and self.fake.status_endpoint:
            nik = unquote(self.path.removeprefix("/api/user/status/"))
            self._record("", nik=nik)
            user = self.fake.find(nik=nik)
            if user is None:
                self._json(200, {"status_code": 1110, "status": "NOT_REGISTERED", "message": "User belum terdaftar"})
            else:
                message = f"User sudah terdaftar dan memiliki sertifikat dengan status {user.status}"
                self._json(200, {"status_code": 1111, "status": user.status, "message": message})
            return
        self._json(404, {"status": 404, "error": "Not Found"})

    def do_POST(self):  # noqa: N802
        body = self._body()
        if not self._authorised():
            return
        if self.path == "/api/sign/pdf":
            return self._sign_v1(body)
        if self.path == "/api/v2/sign/pdf":
            return self._sign_v2(body)
        if self.path == "/api/v2/user/check/status" and self.fake.status_endpoint:
            request = json.loads(body or b"{}")
            self._record("", nik=request.get("nik", ""), email=request.get("email", ""))
            user = self.fake.find(nik=request.get("nik", ""), email=request.get("email", ""))
            if user is None:
                return self._json(200, {"status": "NOT_REGISTERED", "message": "User belum terdaftar"})
            return self._json(200, {"status": user.status, "message": f"Status sertifikat: {user.status}"})
        self._json(404, {"status": 404, "error": "Not Found"})

    def _sign_v1(self, body: bytes) -> None:
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode() + body
        )
        form, files = {}, {}
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if part.get_filename() is not None:
                files[name] = part.get_payload(decode=True)
            else:
                form[name] = part.get_payload(decode=True).decode()
        secret = form.get("passphrase", "")
        self._record(secret, nik=form.get("nik", ""), tampilan=form.get("tampilan", ""), reason=form.get("reason"))
        pdf = files.get("file", b"")
        if self._misbehaved(pdf, v2=False):
            return
        visible = None
        if form.get("tampilan") == "visible":
            keys = ("page", "xAxis", "yAxis", "width", "height")
            if any(key not in form for key in keys) or not (files.get("imageTTD") or form.get("linkQR")):
                return self._json(400, {"error": "Parameter tampilan visible tidak lengkap"})
            visible = {"page": form["page"], "x": form["xAxis"], "y": form["yAxis"]}
            visible |= {"width": form["width"], "height": form["height"]}
        elif form.get("tampilan") != "invisible":
            return self._json(400, {"error": "Parameter tampilan wajib diisi"})
        user = self.fake.find(nik=form.get("nik", ""))
        if user is None:
            return self._json(400, UNKNOWN_SIGNER)
        if user.status != "ISSUE":
            return self._json(400, {"error": f"Sertifikat tidak aktif ({user.status})"})
        if not secret or not hmac.compare_digest(secret.encode(), user.passphrase.encode()):
            return self._json(400, WRONG_PASSPHRASE)
        if not pdf.startswith(b"%PDF-"):
            return self._json(400, {"error": "Dokumen bukan PDF"})
        signed = self.fake.sign(pdf, user, visible=visible, reason=form.get("reason", ""),
                                location=form.get("location", ""))  # fmt: skip
        self._send(200, self._tamper(signed), "application/pdf", {"id_dokumen": uuid.uuid4().hex})

    def _sign_v2(self, body: bytes) -> None:
        try:
            request = json.loads(body)
            documents = [base64.b64decode(item, validate=True) for item in request.get("file") or []]
        except ValueError:
            return self._json(400, {"error": "Format permintaan salah"})
        secret = request.get("passphrase") or request.get("totp") or ""
        properties = request.get("signatureProperties") or []
        self._record(secret, nik=request.get("nik", ""), email=request.get("email", ""),
                     tampilan=[p.get("tampilan") for p in properties])  # fmt: skip
        if self._misbehaved(documents[0] if documents else b"", v2=True):
            return
        if not documents or len(properties) not in (1, len(documents)):
            return self._json(400, {"error": "file dan signatureProperties wajib diisi"})
        user = self.fake.find(nik=request.get("nik", ""), email=request.get("email", ""))
        if user is None:
            return self._json(400, UNKNOWN_SIGNER)
        if user.status != "ISSUE":
            return self._json(400, {"error": f"Sertifikat tidak aktif ({user.status})"})
        if "totp" in request and "passphrase" not in request:
            if not hmac.compare_digest(str(request["totp"]).encode(), user.totp.encode()):
                return self._json(400, {"status_code": 2031, "error": "TOTP salah atau sudah kedaluwarsa"})
        elif not hmac.compare_digest(str(request.get("passphrase", "")).encode(), user.passphrase.encode()):
            return self._json(400, WRONG_PASSPHRASE)
        signed = []
        for index, pdf in enumerate(documents):
            spec = properties[index if len(properties) > 1 else 0]
            visible = None
            if str(spec.get("tampilan", "")).upper() == "VISIBLE":
                visible = {"page": spec.get("page", 1), "x": spec.get("originX", 0), "y": spec.get("originY", 0)}
                visible |= {"width": spec.get("width", 100), "height": spec.get("height", 50)}
            signed.append(self.fake.sign(pdf, user, visible=visible, reason=spec.get("reason") or "",
                                         location=spec.get("location") or ""))  # fmt: skip
        files = [base64.b64encode(self._tamper(item)).decode() for item in signed]
        self._json(200, {"file": files, "time": int(time.time() * 1000)})
