"""E-mail over SMTP with STARTTLS and authentication when configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr

from services.notify.channels.base import Channel, DeliveryError, OutgoingMessage
from shared.config import Settings


def message_id(notification_id: str, *, sender: str) -> str:
    """The same for every attempt at one notification (make_msgid would add the time and
    the process id, so a resend after a crash would look like another mail)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sekber.local"
    return f"<{notification_id}@{domain}>"


class EmailChannel(Channel):
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self._s = settings

    def send(self, message: OutgoingMessage) -> None:
        mail = EmailMessage()
        mail["From"] = self._s.smtp_sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        # A stable Message-ID lets mail clients fold a rare duplicate into one.
        mail["Message-ID"] = message_id(message.notification_id, sender=self._s.smtp_sender)
        mail["X-Sekber-Notification-Id"] = message.notification_id
        mail.set_content(message.body)
        # After set_content, which drops every Content-* header set before it.
        mail["Content-Language"] = message.language
        try:
            with smtplib.SMTP(
                self._s.smtp_host, self._s.smtp_port, timeout=self._s.smtp_timeout_seconds
            ) as smtp:
                if self._s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._s.smtp_username:
                    smtp.login(self._s.smtp_username, self._s.smtp_password)
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {self._s.smtp_host}:{self._s.smtp_port}: {exc}") from exc
