"""How an outcome notice reaches the commenter: a notifier, chosen by OUTCOME_NOTIFIER.

A notifier is a class built with the app's settings, `Notifier(config)`, with `channels` (what
it can reach: "email", "sms") and `send(notice)`, which returns once the message is handed on
and raises if it was not (the worker records the error and tries again later). Two come with
the service: `log` (the default; writes one line per notice, the address masked) and `smtp`
(e-mail through the SMTP_* settings). Any other is named by its dotted path
(`package.module.Class`). OUTCOME_NOTIFIER may name several, comma-separated: each notice goes
through the first that reaches its channel, and one that none reaches waits, pending.
"""

import dataclasses
import email.message
import email.utils
import importlib
import logging
import smtplib

from consultation.notices.models import CHANNELS, EMAIL

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for the SMTP conversation


@dataclasses.dataclass(frozen=True)
class Notice:
    """One message to send: the commenter's address (read from the comment just now) and text."""

    id: int
    comment_id: int
    channel: str
    address: str
    subject: str
    body: str


def masked(address: str) -> str:
    """The address with most of it hidden, for logs: z***@example.com, 138****0000."""
    if "@" in address:
        local, _, domain = address.rpartition("@")
        return f"{local[:1]}***@{domain}"
    shown = 3 if len(address) > 8 else 1
    return address[:shown] + "*" * max(len(address) - shown - 4, 2) + address[-4:]


class LogNotifier:
    """Writes a line per notice to the log, the address masked: what a deployment with no
    channel to its commenters yet (or a demo) does."""

    channels = frozenset(CHANNELS)

    def __init__(self, config):
        pass

    def send(self, notice: Notice) -> None:
        log.info(
            "Outcome notice %s for comment %s by %s to %s: %s",
            notice.id,
            notice.comment_id,
            notice.channel,
            masked(notice.address),
            notice.subject,
        )


class SmtpNotifier:
    """E-mail through an SMTP server: SMTP_HOST, SMTP_PORT, SMTP_FROM, and SMTP_USER with
    SMTP_PASSWORD when it wants a login, SMTP_STARTTLS to upgrade the connection first."""

    channels = frozenset({EMAIL})

    def __init__(self, config):
        if not config.get("SMTP_HOST") or not config.get("SMTP_FROM"):
            raise ValueError("OUTCOME_NOTIFIER=smtp needs SMTP_HOST and SMTP_FROM.")
        self.host, self.port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
        self.sender = config["SMTP_FROM"]
        self.user, self.password = config.get("SMTP_USER") or None, config.get("SMTP_PASSWORD") or ""
        self.starttls = bool(config.get("SMTP_STARTTLS"))

    def message(self, notice: Notice) -> email.message.EmailMessage:
        message = email.message.EmailMessage()
        message["From"] = self.sender
        message["To"] = notice.address
        message["Subject"] = notice.subject
        message["Date"] = email.utils.formatdate(localtime=False)
        message["Message-ID"] = email.utils.make_msgid(f"outcome.{notice.id}")
        message.set_content(notice.body)  # UTF-8, as Chinese text needs
        return message

    def send(self, notice: Notice) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(self.message(notice))


BUILT_IN = {"log": LogNotifier, "smtp": SmtpNotifier}


def _class(name: str):
    if name in BUILT_IN:
        return BUILT_IN[name]
    module, _, attribute = name.rpartition(".")
    if not module:
        raise ValueError(f"OUTCOME_NOTIFIER names no notifier {name!r}: log, smtp, or a dotted path.")
    return getattr(importlib.import_module(module), attribute)


def configured(config) -> list:
    """The notifiers OUTCOME_NOTIFIER names, in order, built with the settings."""
    names = [name.strip() for name in (config.get("OUTCOME_NOTIFIER") or "log").split(",") if name.strip()]
    return [_class(name)(config) for name in names]
