"""The e-mail channel keeps its SMTP connection between messages, and opens a new one
when the server closed it or it sat idle too long, without losing or repeating a mail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sekber_cli.embedded import free_port
from services.notify.channels import email
from services.notify.channels.base import DeliveryError, OutgoingMessage
from tests.integration.notify.conftest import email_channel


class Receiver:
    """Keeps each message's Message-ID with the client address it came from (a new TCP
    connection has a new source port)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, tuple[str, int]]] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.content)
        content = envelope.content.decode()
        mid = next(line for line in content.splitlines() if line.startswith("Message-ID:"))
        with self.lock:
            self.got.append((mid.split(":", 1)[1].strip(), tuple(session.peer)))
        return "250 OK"

    def connections(self) -> int:
        return len({peer for _, peer in self.got})


class Server:
    def __init__(self) -> None:
        self.receiver = Receiver()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.receiver, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    running.stop()


def mail(n: int) -> OutgoingMessage:
    return OutgoingMessage(f"note-{n}", "tksk@sekber.example", f"Tugas {n}", "Isi", "id")


def test_messages_share_one_connection(server: Server) -> None:
    channel = email_channel(server.port)
    for n in range(5):
        channel.send(mail(n))
    channel.close()
    assert [mid for mid, _ in server.receiver.got] == [f"<note-{n}@sekber.local>" for n in range(5)]
    assert server.receiver.connections() == 1


def test_a_connection_the_server_closed_is_replaced_and_the_mail_sent_once(
    server: Server,
) -> None:
    channel = email_channel(server.port)
    channel.send(mail(1))
    server.stop()  # drops the open connection
    server.start()
    channel.send(mail(2))
    channel.close()
    assert [mid for mid, _ in server.receiver.got] == [
        "<note-1@sekber.local>",
        "<note-2@sekber.local>",
    ]
    assert server.receiver.connections() == 2


def test_an_idle_connection_is_not_reused(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(email, "REUSE_WITHIN_SECONDS", 0.0)
    channel = email_channel(server.port)
    channel.send(mail(1))
    channel.send(mail(2))
    channel.close()
    assert server.receiver.connections() == 2


def test_a_server_that_is_gone_is_a_delivery_error_and_the_next_send_reconnects(
    server: Server,
) -> None:
    channel = email_channel(server.port)
    channel.send(mail(1))
    server.stop()
    with pytest.raises(DeliveryError):
        channel.send(mail(2))  # the old connection is closed, and nothing listens
    server.start()
    channel.send(mail(3))
    channel.close()
    assert [mid for mid, _ in server.receiver.got] == [
        "<note-1@sekber.local>",
        "<note-3@sekber.local>",
    ]


def test_each_thread_has_its_own_connection(server: Server) -> None:
    channel = email_channel(server.port)

    def work(first: int) -> None:
        for n in range(first, first + 3):
            channel.send(mail(n))
        channel.close()

    threads = [threading.Thread(target=work, args=(k * 10,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.receiver.got) == 9
    assert server.receiver.connections() == 3


def test_words_beyond_ascii_arrive_intact(server: Server) -> None:
    channel = email_channel(server.port)
    subject = "Tugas baru SKB-2611-ABCD: Lansia terlantar di Désa Kalisétail — segera"
    body = "Yth. Koordinator,\nMohon tindak lanjut kasus di Désa Kalisétail.\n"
    channel.send(OutgoingMessage("note-u", "tksk@sekber.example", subject, body, "id"))
    channel.close()
    [raw] = server.receiver.raw
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == subject
    assert mail.get_content() == body
    assert mail["Content-Language"] == "id"
    assert mail["Message-ID"] == "<note-u@sekber.local>"
    assert mail["Date"] is not None
