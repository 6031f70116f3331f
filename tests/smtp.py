"""A real SMTP server (aiosmtpd) on a loopback port, for the mail tests: it
can be stopped and started again on the same port, refuse chosen addresses,
and hands back each message as it arrived."""

import email
import email.policy
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Handler()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def run_worker() -> None:
    """The real worker, in batch mode: runs every due task, then returns."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False)


@pytest.fixture
def smtp(settings):
    """Mail goes through a real SMTP server on loopback for this test."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://portal.example.vn"
    yield server
    server.stop()
