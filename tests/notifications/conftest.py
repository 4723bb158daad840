"""Email tests: a real SMTP server on loopback (aiosmtpd), time moved with time-machine,
and the cast with addresses.

``mail_server`` starts an SMTP server on a free port of 127.0.0.1 and points Django's
SMTP backend at it; what it accepts is in ``mail_server.messages``, parsed as a person's
mail program would (``email.message.EmailMessage``). ``refuse(...)`` makes it answer
every message with an error, ``stop()``/``start()`` take it down and bring it back.
"""

import datetime
import email
import email.policy
import io
import socket
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

LONDON = ZoneInfo("Europe/London")
SITE = "https://plans.example.org"


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """An SMTP server on loopback, and what it received."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.refusal = None
        self.controller = None

    # aiosmtpd handler ---------------------------------------------------------------
    async def handle_DATA(self, server, session, envelope):
        if self.refusal:
            return self.refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 2.0.0 Message accepted for delivery"

    # the test's controls ------------------------------------------------------------
    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, reply="451 4.3.0 Mailbox temporarily unavailable"):
        self.refusal = reply

    def accept(self):
        self.refusal = None

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]


def text(message):
    """The plain-text body as the person reads it (line ends as in Python)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html(message):
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def mail_server(settings):
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Action plan tracker <plans@example.org>"
    settings.SITE_URL = SITE
    yield server
    server.stop()


@pytest.fixture
def addressed():
    """Give the cast their demo addresses: addressed(awaken_lead, chair, ...)."""

    def give(*people):
        for person in people:
            person.email = f"{person.username}@example.org"
            person.save()
        return people

    return give


@pytest.fixture
def send(time_machine):
    """send(at=london(...)): run `manage.py send_notifications` at that moment."""

    def run(at=None):
        if at is not None:
            time_machine.move_to(at, tick=False)
        out = io.StringIO()
        call_command("send_notifications", stdout=out)
        return out.getvalue()

    return run
