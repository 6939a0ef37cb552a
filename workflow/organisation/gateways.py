"""The chat gateways behind one interface: `Gateway.send()` returns an `Answer` that says whether the
message went, should be tried again later, or failed for good, with the provider's own words.

WhatsApp goes through the gateway the agency chose in the admin (Agency.whatsapp_gateway): Fonnte,
Wablas, WAHA, Evolution API or the WhatsApp Business Cloud API; Telegram through the Bot API. Each
adapter reads its provider's documented answers (docs/notifications.md names them and the source):

- sent: the provider accepted the message;
- retry later: no answer in time, a refused connection, HTTP 5xx or 429 (with its Retry-After or
  Telegram's parameters.retry_after), a gateway whose phone is disconnected, a rate limit;
- failed for good: a wrong token, a number that is not on WhatsApp, a chat that blocked the bot,
  any other refusal of the request itself.

Credentials come from settings (sopkinerja/settings/notifications.py), never from the database.
"""

import dataclasses
import enum

import requests
from django.conf import settings

from workflow.models.mail import Channel


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Answer:
    outcome: Outcome
    detail: str = ""
    retry_after: int | None = None  # seconds, when the provider said how long to wait


# Words in a provider's refusal that mean "not now" rather than "never": the gateway's phone is
# offline, or it asks us to slow down.
TEMPORARY_WORDS = ("disconnect", "not connected", "wait", "try again", "too many", "rate limit", "timeout", "busy")


def temporary(reason: str) -> bool:
    text = reason.lower()
    return any(word in text for word in TEMPORARY_WORDS)


def seconds(value) -> int | None:
    """A Retry-After header or a retry_after field as whole seconds; None when it is not a number."""
    try:
        return max(int(float(value)), 0)
    except (TypeError, ValueError):
        return None


class Gateway:
    """One provider. A subclass says how to ask (`request`) and how to read its answers (`read`);
    what every HTTP service means by a timeout, 429 and 5xx is decided here once."""

    name = ""
    required: tuple[str, ...] = ("url", "token")

    def __init__(self, config: dict, *, timeout: float | None = None):
        self.config = config
        self.timeout = timeout if timeout is not None else settings.NOTIFY_TIMEOUT

    @property
    def configured(self) -> bool:
        return all(self.config.get(name) for name in self.required)

    def url(self, path: str) -> str:
        return self.config["url"].rstrip("/") + path

    def send(self, *, address: str, text: str, subject: str = "", link: str = "") -> Answer:
        """One attempt; never raises for anything the network or the provider does."""
        try:
            response = self.request(address=address, text=text, subject=subject, link=link)
        except requests.Timeout as problem:
            return Answer(Outcome.RETRY, f"timeout: {problem}")
        except requests.RequestException as problem:
            return Answer(Outcome.RETRY, f"{type(problem).__name__}: {problem}")
        return self.answer(response)

    def request(self, *, address: str, text: str, subject: str, link: str) -> requests.Response:
        raise NotImplementedError

    def answer(self, response: requests.Response) -> Answer:
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status == 429:
            retry_after = seconds(response.headers.get("Retry-After"))
            specific = self.read(status, body)
            if specific is not None and specific.retry_after is not None:
                retry_after = specific.retry_after
            return Answer(Outcome.RETRY, f"HTTP 429: {response.text[:500]}", retry_after)
        if status >= 500 or status == 408:
            return Answer(Outcome.RETRY, f"HTTP {status}: {response.text[:500]}")
        specific = self.read(status, body)
        if specific is not None:
            return specific
        if 200 <= status < 300:
            return Answer(Outcome.SENT, response.text[:200])
        return Answer(Outcome.FAILED, f"HTTP {status}: {response.text[:500]}")

    def read(self, status: int, body) -> Answer | None:
        """The provider's own verdict from its JSON body, or None to go by the HTTP status."""
        return None


def digits(e164: str) -> str:
    """+6281234567890 → 6281234567890: what the WhatsApp gateways take as a number."""
    return e164.lstrip("+")


class Fonnte(Gateway):
    """POST /send with Authorization: <token>; answers 200 with {"status": true, "id": [...]} or
    {"status": false, "reason": "..."} (an invalid token, an invalid target, a disconnected device)."""

    name = "fonnte"

    def request(self, *, address, text, subject, link):
        return requests.post(
            self.url("/send"),
            headers={"Authorization": self.config["token"]},
            data={"target": digits(address), "message": text, "countryCode": "62"},
            timeout=self.timeout,
        )

    def read(self, status, body):
        if not isinstance(body, dict) or "status" not in body:
            return None
        if body["status"] is True:
            return Answer(Outcome.SENT, str(body.get("id") or body.get("detail") or ""))
        reason = str(body.get("reason") or body.get("detail") or body)
        return Answer(Outcome.RETRY if temporary(reason) else Outcome.FAILED, f"Fonnte: {reason}")


class Wablas(Gateway):
    """POST /api/send-message with Authorization: <token> (v2: <token>.<secret key>); answers
    {"status": true, "message": "...", "data": {...}} or {"status": false, "message": "..."}."""

    name = "wablas"

    def request(self, *, address, text, subject, link):
        token = self.config["token"]
        if self.config.get("secret"):
            token = f"{token}.{self.config['secret']}"
        return requests.post(
            self.url("/api/send-message"),
            headers={"Authorization": token},
            data={"phone": digits(address), "message": text},
            timeout=self.timeout,
        )

    def read(self, status, body):
        if not isinstance(body, dict) or "status" not in body:
            return None
        if body["status"] is True:
            return Answer(Outcome.SENT, str(body.get("message") or ""))
        reason = str(body.get("message") or body)
        return Answer(Outcome.RETRY if temporary(reason) else Outcome.FAILED, f"Wablas: {reason}")


class Waha(Gateway):
    """A self-hosted WAHA: GET /api/contacts/check-exists first (a number not on WhatsApp fails for
    good), then POST /api/sendText {session, chatId: "628…@c.us", text}; X-Api-Key when the server
    has a key. Errors are {"statusCode": 401, "message": "Unauthorized"}, 422 for a session that
    is not working (tried again later)."""

    name = "waha"
    required = ("url",)

    def headers(self) -> dict:
        return {"X-Api-Key": self.config["token"]} if self.config.get("token") else {}

    def request(self, *, address, text, subject, link):
        session = self.config.get("session") or "default"
        check = requests.get(
            self.url("/api/contacts/check-exists"),
            params={"phone": digits(address), "session": session},
            headers=self.headers(),
            timeout=self.timeout,
        )
        if check.status_code == 200:
            try:
                exists = check.json().get("numberExists")
            except (ValueError, AttributeError):
                exists = None
            if exists is False:
                return check  # read() turns it into "not on WhatsApp"
        elif check.status_code != 404:  # an older WAHA without the check sends straight away
            return check
        return requests.post(
            self.url("/api/sendText"),
            headers=self.headers(),
            json={"session": session, "chatId": f"{digits(address)}@c.us", "text": text},
            timeout=self.timeout,
        )

    def read(self, status, body):
        if isinstance(body, dict) and body.get("numberExists") is False:
            return Answer(Outcome.FAILED, "WAHA: number is not on WhatsApp")
        if status == 422:  # the session is starting, stopped or failed: the operator can fix it
            return Answer(Outcome.RETRY, f"WAHA: {body.get('message') if isinstance(body, dict) else body}")
        if isinstance(body, dict) and status >= 400:
            return Answer(Outcome.FAILED, f"WAHA {status}: {body.get('message') or body}")
        return None


class Evolution(Gateway):
    """Evolution API: POST /message/sendText/{instance} {number, text} with header apikey. A number
    that is not on WhatsApp answers 400 {"response": {"message": [{"exists": false, ...}]}}."""

    name = "evolution"
    required = ("url", "token", "instance")

    def request(self, *, address, text, subject, link):
        return requests.post(
            self.url(f"/message/sendText/{self.config['instance']}"),
            headers={"apikey": self.config["token"]},
            json={"number": digits(address), "text": text},
            timeout=self.timeout,
        )

    def read(self, status, body):
        if status < 400 or not isinstance(body, dict):
            return None
        messages = (body.get("response") or {}).get("message") if isinstance(body.get("response"), dict) else None
        if isinstance(messages, list) and any(isinstance(m, dict) and m.get("exists") is False for m in messages):
            return Answer(Outcome.FAILED, "Evolution API: number is not on WhatsApp")
        reason = str(messages or body.get("error") or body)
        return Answer(Outcome.RETRY if temporary(reason) else Outcome.FAILED, f"Evolution API {status}: {reason}")


class CloudApi(Gateway):
    """The WhatsApp Business Cloud API: POST /{version}/{phone number id}/messages with a bearer
    token. Outside the 24 hours after a person's last message only approved templates may be sent,
    so every message is the configured template with two body parameters (the text and the link).
    Errors are {"error": {"code", "message", "error_data": {"details"}}}."""

    name = "cloud_api"
    required = ("url", "token", "phone_number_id", "template")
    # Throughput and temporary service errors (Meta's error codes); everything else is final.
    RETRY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056}

    def request(self, *, address, text, subject, link):
        parameters = [
            {"type": "text", "text": " ".join((subject or text).split())[:1000]},
            {"type": "text", "text": link or "-"},
        ]
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": digits(address),
            "type": "template",
            "template": {
                "name": self.config["template"],
                "language": {"code": self.config.get("language") or "id"},
                "components": [{"type": "body", "parameters": parameters}],
            },
        }
        return requests.post(
            self.url(f"/{self.config.get('version') or 'v21.0'}/{self.config['phone_number_id']}/messages"),
            headers={"Authorization": f"Bearer {self.config['token']}"},
            json=payload,
            timeout=self.timeout,
        )

    def read(self, status, body):
        if not isinstance(body, dict):
            return None
        if "error" in body and isinstance(body["error"], dict):
            error = body["error"]
            details = (error.get("error_data") or {}).get("details", "")
            detail = f"Cloud API ({error.get('code')}): {error.get('message', '')} {details}".strip()
            return Answer(Outcome.RETRY if error.get("code") in self.RETRY_CODES else Outcome.FAILED, detail)
        if status < 300 and body.get("messages"):
            return Answer(Outcome.SENT, str(body["messages"][0].get("id", "")))
        return None


class Telegram(Gateway):
    """Telegram's Bot API over plain HTTP: POST /bot<token>/sendMessage {chat_id, text}. Answers
    {"ok": true, "result": {...}} or {"ok": false, "error_code", "description", "parameters":
    {"retry_after"}}: 401 a wrong token, 403 a bot blocked by the person, 400 an unknown chat."""

    name = "telegram"

    def method_url(self, method: str) -> str:
        return self.url(f"/bot{self.config['token']}/{method}")

    def request(self, *, address, text, subject, link):
        return requests.post(
            self.method_url("sendMessage"),
            json={"chat_id": address, "text": text, "link_preview_options": {"is_disabled": True}},
            timeout=self.timeout,
        )

    def read(self, status, body):
        if not isinstance(body, dict) or "ok" not in body:
            return None
        if body["ok"] is True:
            return Answer(Outcome.SENT, str((body.get("result") or {}).get("message_id", "")))
        description = f"Telegram {body.get('error_code', status)}: {body.get('description', '')}"
        retry_after = seconds((body.get("parameters") or {}).get("retry_after"))
        if status == 429 or body.get("error_code") == 429:
            return Answer(Outcome.RETRY, description, retry_after)
        return Answer(Outcome.FAILED, description)

    def updates(self, *, offset: int | None = None, wait: int = 0) -> list[dict]:
        """getUpdates from `offset` (which confirms every earlier update); raises
        requests.RequestException or ValueError when Telegram does not answer with a list."""
        params = {"timeout": wait, "allowed_updates": '["message"]'}
        if offset is not None:
            params["offset"] = offset
        response = requests.get(self.method_url("getUpdates"), params=params, timeout=self.timeout + wait)
        body = response.json()
        if not isinstance(body, dict) or body.get("ok") is not True or not isinstance(body.get("result"), list):
            raise ValueError(f"getUpdates: HTTP {response.status_code}: {response.text[:300]}")
        return body["result"]


WHATSAPP = {gateway.name: gateway for gateway in (Fonnte, Wablas, Waha, Evolution, CloudApi)}


def telegram() -> Telegram | None:
    """The installation's bot, or None when no token is set."""
    bot = Telegram({"url": settings.TELEGRAM_API_URL, "token": settings.TELEGRAM_BOT_TOKEN})
    return bot if bot.configured else None


def whatsapp(agency) -> Gateway | None:
    """The WhatsApp gateway this agency chose, or None when it chose none or its credentials are unset."""
    name = getattr(agency, "whatsapp_gateway", "") or ""
    if name not in WHATSAPP:
        return None
    gateway = WHATSAPP[name](settings.WHATSAPP_GATEWAYS.get(name, {}))
    return gateway if gateway.configured else None


def gateway_for(channel: str, agency) -> Gateway | None:
    if channel == Channel.WHATSAPP:
        return whatsapp(agency)
    if channel == Channel.TELEGRAM:
        return telegram()
    return None
