"""Fake chat gateways for the tests: one real HTTP server on 127.0.0.1 that speaks, as far as the
application uses them, the documented requests and answers of

  Fonnte     POST /send                           Authorization: <token>; form target, message, countryCode
  Wablas     POST /api/send-message               Authorization: <token>[.<secret>]; form phone, message
  WAHA       GET  /api/contacts/check-exists      X-Api-Key; ?phone=&session=
             POST /api/sendText                   X-Api-Key; JSON session, chatId, text
  Evolution  POST /message/sendText/<instance>    apikey; JSON number, text
  Cloud API  POST /<version>/<phone id>/messages  Authorization: Bearer <token>; JSON template message
  Telegram   POST /bot<token>/sendMessage         JSON chat_id, text;  GET /bot<token>/getUpdates?offset=

with each provider's own error shapes: a wrong token, a number (or chat) it does not know. A test
can make it misbehave: `misbehave = "429"` (rate limited, Retry-After 30), "502_once" (one gateway
error, then well), "slow" (sleep `delay` seconds first). `delivered` lists what each provider accepted.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "token-for-tests"
REGISTERED = "6281234567890"  # the one number on WhatsApp; Telegram knows chat 4242
CHAT = "4242"


class FakeChat:
    def __init__(self):
        self.token = TOKEN
        self.misbehave: str | None = None
        self.delay = 0.0
        self.delivered: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def providers(self) -> list[str]:
        return [provider for provider, _payload in self.delivered]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def fields(self) -> dict:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    return json.loads(raw or b"{}")
                return {name: values[0] for name, values in parse_qs(raw.decode()).items()}

            def do_GET(self):
                url = urlparse(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/api/contacts/check-exists":
                    if self.headers.get("X-Api-Key") != fake.token:
                        return self.reply(401, {"message": "Unauthorized", "statusCode": 401})
                    exists = query.get("phone") == REGISTERED
                    return self.reply(200, {"numberExists": exists, "chatId": f"{query.get('phone')}@c.us"})
                if url.path == f"/bot{fake.token}/getUpdates":
                    offset = int(query.get("offset") or 0)
                    return self.reply(
                        200, {"ok": True, "result": [u for u in fake.updates if u["update_id"] >= offset]}
                    )
                self.reply(404, {"message": "Not Found"})

            def do_POST(self):
                path = urlparse(self.path).path
                provider = self.provider(path)
                fields = self.fields()
                if provider is None:
                    return self.reply(404, {"message": "Not Found"})
                if fake.misbehave == "slow":
                    time.sleep(fake.delay)
                if fake.misbehave == "429":
                    return self.reply(429, self.rate_limited(provider), {"Retry-After": "30"})
                if fake.misbehave == "502_once":
                    fake.misbehave = None
                    return self.reply(502, {"message": "Bad Gateway"})
                return getattr(self, provider)(path, fields)

            def provider(self, path: str) -> str | None:
                if path == "/send":
                    return "fonnte"
                if path == "/api/send-message":
                    return "wablas"
                if path == "/api/sendText":
                    return "waha"
                if path.startswith("/message/sendText/"):
                    return "evolution"
                if path.endswith("/messages"):
                    return "cloud_api"
                if path.startswith("/bot") and path.endswith("/sendMessage"):
                    return "telegram"
                return None

            def rate_limited(self, provider: str) -> dict:
                if provider == "telegram":
                    return {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 30",
                        "parameters": {"retry_after": 30},
                    }
                if provider == "cloud_api":
                    return {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}
                return {"status": False, "message": "Too many requests"}

            def deliver(self, provider: str, fields: dict):
                with fake._lock:
                    fake.delivered.append((provider, fields))

            def fonnte(self, path, fields):
                if self.headers.get("Authorization") != fake.token:
                    return self.reply(200, {"status": False, "reason": "invalid token"})
                if fields.get("target") != REGISTERED:
                    return self.reply(200, {"status": False, "reason": "target invalid"})
                self.deliver("fonnte", fields)
                self.reply(200, {"detail": "success! message in queue", "id": ["80367170"], "status": True})

            def wablas(self, path, fields):
                if self.headers.get("Authorization") not in (fake.token, f"{fake.token}.secret"):
                    return self.reply(401, {"status": False, "message": "token invalid"})
                if fields.get("phone") != REGISTERED:
                    return self.reply(200, {"status": False, "message": "phone number not registered on whatsapp"})
                self.deliver("wablas", fields)
                self.reply(200, {"status": True, "message": "Message is pending and waiting to be processed"})

            def waha(self, path, fields):
                if self.headers.get("X-Api-Key") != fake.token:
                    return self.reply(401, {"message": "Unauthorized", "statusCode": 401})
                self.deliver("waha", fields)
                self.reply(201, {"id": "true_6281234567890@c.us_3EB0", "body": fields.get("text")})

            def evolution(self, path, fields):
                if self.headers.get("apikey") != fake.token:
                    return self.reply(
                        401, {"status": 401, "error": "Unauthorized", "response": {"message": "Unauthorized"}}
                    )
                if fields.get("number") != REGISTERED:
                    number = fields.get("number")
                    missing = [{"jid": f"{number}@s.whatsapp.net", "exists": False, "number": number}]
                    return self.reply(400, {"status": 400, "error": "Bad Request", "response": {"message": missing}})
                self.deliver("evolution", fields)
                self.reply(
                    201, {"key": {"remoteJid": f"{REGISTERED}@s.whatsapp.net", "id": "BAE5"}, "status": "PENDING"}
                )

            def cloud_api(self, path, fields):
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
                    return self.reply(401, {"error": error})
                if fields.get("to") != REGISTERED:
                    error = {
                        "message": "(#131026) Message undeliverable",
                        "type": "OAuthException",
                        "code": 131026,
                        "error_data": {"messaging_product": "whatsapp", "details": "Receiver is incapable"},
                    }
                    return self.reply(400, {"error": error})
                self.deliver("cloud_api", fields)
                self.reply(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": REGISTERED, "wa_id": REGISTERED}],
                        "messages": [{"id": "wamid.HBgN"}],
                    },
                )

            def telegram(self, path, fields):
                if path != f"/bot{fake.token}/sendMessage":
                    return self.reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                if str(fields.get("chat_id")) != CHAT:
                    return self.reply(
                        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
                    )
                self.deliver("telegram", fields)
                self.reply(200, {"ok": True, "result": {"message_id": 7, "chat": {"id": int(CHAT)}}})

        return Handler


WHATSAPP_PROVIDERS = ["fonnte", "wablas", "waha", "evolution", "cloud_api"]


def point_at(fake: FakeChat, settings, *, token: str = TOKEN):
    """Point every gateway's settings at the fake, with this token."""
    settings.WHATSAPP_GATEWAYS = {
        "fonnte": {"url": fake.url, "token": token},
        "wablas": {"url": fake.url, "token": token, "secret": ""},
        "waha": {"url": fake.url, "token": token, "session": "default"},
        "evolution": {"url": fake.url, "token": token, "instance": "sopkinerja"},
        "cloud_api": {
            "url": fake.url,
            "token": token,
            "version": "v21.0",
            "phone_number_id": "106540352242922",
            "template": "sop_kinerja_pemberitahuan",
            "language": "id",
        },
    }
    settings.TELEGRAM_API_URL = fake.url
    settings.TELEGRAM_BOT_TOKEN = token
    settings.TELEGRAM_BOT_USERNAME = "sopkinerja_bot"
