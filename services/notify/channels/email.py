"""E-mail over SMTP with STARTTLS and authentication when configured.

Each sending thread keeps its SMTP connection open between messages (a new connection
costs a TCP handshake, EHLO, STARTTLS with its TLS handshake, and AUTH) and opens a new
one when the last was idle for a while or the server closed it.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import cast

from services.notify.channels.base import Channel, DeliveryError, OutgoingMessage
from shared.config import Settings

# Servers drop idle clients after a few minutes (RFC 5321 asks them to wait at least 5);
# reusing a connection only within this window spares a failed first command.
REUSE_WITHIN_SECONDS = 30.0


def _header(text: str) -> str | Header:
    """A header value as it goes on the wire: RFC 2047 words for anything not ASCII."""
    return text if text.isascii() else Header(text, "utf-8")


def message_id(notification_id: str, *, sender: str) -> str:
    """The same for every attempt at one notification (make_msgid would add the time and
    the process id, so a resend after a crash would look like another mail)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sekber.local"
    return f"<{notification_id}@{domain}>"


class EmailChannel(Channel):
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self._s = settings
        name, address = parseaddr(settings.smtp_sender)
        self._sender = formataddr((name, address), charset="utf-8")
        self._tls = ssl.create_default_context() if settings.smtp_starttls else None
        self._local = threading.local()

    def send(self, message: OutgoingMessage) -> None:
        mail = self._compose(message)
        try:
            smtp, reused = self._connection()
            try:
                smtp.send_message(mail)
            except smtplib.SMTPServerDisconnected:
                # The server closed an idle connection before taking anything: once more
                # on a fresh one. A first connection that drops is a real failure.
                self._drop()
                if not reused:
                    raise
                smtp, _ = self._connection()
                smtp.send_message(mail)
            self._local.used_at = time.monotonic()
        except (OSError, smtplib.SMTPException) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
                self._drop()  # the connection's state is unknown: never reuse it
            raise DeliveryError(f"SMTP {self._s.smtp_host}:{self._s.smtp_port}: {exc}") from exc

    def close(self) -> None:
        """Close this thread's connection (otherwise it ends with the process)."""
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _compose(self, message: OutgoingMessage) -> MIMEText:
        # The classic (compat32) message API: several times cheaper than EmailMessage,
        # whose header registry parses every header it is given.
        mail = MIMEText(message.body, "plain", "utf-8")
        mail["From"] = self._sender
        mail["To"] = message.address
        mail["Subject"] = cast(str, _header(message.subject))  # compat32 also takes a Header
        mail["Date"] = formatdate(usegmt=True)
        # A stable Message-ID lets mail clients fold a rare duplicate into one.
        mail["Message-ID"] = message_id(message.notification_id, sender=self._s.smtp_sender)
        mail["X-Sekber-Notification-Id"] = message.notification_id
        mail["Content-Language"] = message.language
        return mail

    def _connection(self) -> tuple[smtplib.SMTP, bool]:
        """This thread's open connection if it is fresh enough, else a new one; and
        whether it was reused."""
        smtp: smtplib.SMTP | None = getattr(self._local, "smtp", None)
        used_at: float = getattr(self._local, "used_at", 0.0)
        if smtp is not None and time.monotonic() - used_at < REUSE_WITHIN_SECONDS:
            return smtp, True
        self.close()
        smtp = smtplib.SMTP(
            self._s.smtp_host, self._s.smtp_port, timeout=self._s.smtp_timeout_seconds
        )
        try:
            if self._tls is not None:
                smtp.starttls(context=self._tls)
            if self._s.smtp_username:
                smtp.login(self._s.smtp_username, self._s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        self._local.smtp = smtp
        return smtp, False

    def _drop(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            smtp.close()
