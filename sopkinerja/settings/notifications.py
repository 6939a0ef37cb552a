"""WhatsApp and Telegram: each gateway's address and credentials, and how the outbox treats people.

An agency chooses its WhatsApp gateway in the admin (Agency.whatsapp_gateway); the credentials of
every gateway come from here, so no secret is kept in the database. A gateway without credentials is
not offered: its messages are not queued. docs/notifications.md describes each variable.
"""

import os

from .env import envint

WHATSAPP_GATEWAYS = {
    # POST {url}/send, header Authorization: <token>, form target, message, countryCode=62
    "fonnte": {
        "url": os.environ.get("FONNTE_URL", "https://api.fonnte.com"),
        "token": os.environ.get("FONNTE_TOKEN", ""),
    },
    # POST {url}/api/send-message, header Authorization: <token> or, on v2, <token>.<secret key>
    "wablas": {
        "url": os.environ.get("WABLAS_URL", ""),
        "token": os.environ.get("WABLAS_TOKEN", ""),
        "secret": os.environ.get("WABLAS_SECRET_KEY", ""),
    },
    # POST {url}/api/sendText {session, chatId, text}, header X-Api-Key when the server has a key
    "waha": {
        "url": os.environ.get("WAHA_URL", ""),
        "token": os.environ.get("WAHA_API_KEY", ""),
        "session": os.environ.get("WAHA_SESSION", "default"),
    },
    # POST {url}/message/sendText/{instance} {number, text}, header apikey
    "evolution": {
        "url": os.environ.get("EVOLUTION_URL", ""),
        "token": os.environ.get("EVOLUTION_API_KEY", ""),
        "instance": os.environ.get("EVOLUTION_INSTANCE", ""),
    },
    # POST {url}/{version}/{phone number id}/messages, bearer token, an approved template with two
    # body parameters: {{1}} the message, {{2}} the link.
    "cloud_api": {
        "url": os.environ.get("WHATSAPP_CLOUD_URL", "https://graph.facebook.com"),
        "token": os.environ.get("WHATSAPP_CLOUD_TOKEN", ""),
        "version": os.environ.get("WHATSAPP_CLOUD_VERSION", "v21.0"),
        "phone_number_id": os.environ.get("WHATSAPP_CLOUD_PHONE_NUMBER_ID", ""),
        "template": os.environ.get("WHATSAPP_CLOUD_TEMPLATE", "sop_kinerja_pemberitahuan"),
        "language": os.environ.get("WHATSAPP_CLOUD_LANGUAGE", "id"),
    },
}

# Telegram's Bot API: the bot's token and user name (for the t.me deep link), and the secret that
# Telegram sends back in X-Telegram-Bot-Api-Secret-Token when the webhook is used.
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")

# Seconds to wait for a gateway before the attempt counts as failed and is tried again later.
NOTIFY_TIMEOUT = envint("NOTIFY_TIMEOUT", 10)
# /health/ names queued messages whose attempt is more than this many minutes late.
OUTBOX_BACKLOG_MINUTES = envint("OUTBOX_BACKLOG_MINUTES", 15)
# The hour (agency time) at which the day's collected messages leave as one digest per channel.
NOTIFY_DIGEST_HOUR = envint("NOTIFY_DIGEST_HOUR", 7)
# A WhatsApp verification code: valid this many minutes, this many guesses, one new code per minute.
PHONE_CODE_MINUTES = envint("PHONE_CODE_MINUTES", 10)
PHONE_CODE_ATTEMPTS = envint("PHONE_CODE_ATTEMPTS", 5)
PHONE_CODE_RESEND_SECONDS = envint("PHONE_CODE_RESEND_SECONDS", 60)
# A Telegram deep link's token is valid this many hours.
TELEGRAM_LINK_HOURS = envint("TELEGRAM_LINK_HOURS", 24)
