"""The outbox: a mail server that refuses, or is down, leaves the message queued and
visible, tried again with back-off and sent once when the server is back; two senders at
once never send a message twice; a sender stopped mid-send never sends it again by itself."""

import datetime
import logging
import threading

import pytest
from django.db import connections
from django.urls import reverse

from notifications import sending
from notifications.models import OutboxMessage

from .conftest import london, text

DUE = london(2041, 9, 16, 9, 0)


@pytest.fixture
def leads(addressed, awaken_lead, police_lead):
    addressed(awaken_lead, police_lead)
    return awaken_lead, police_lead


def test_a_refused_message_stays_queued_and_visible_then_goes_once_the_server_accepts(
    mail_server, send, leads, client, manager
):
    mail_server.refuse("451 4.3.0 Mailbox temporarily unavailable")

    output = send(at=DUE)

    assert mail_server.messages == []
    assert "2 failed" in output
    messages = list(OutboxMessage.objects.order_by("to"))
    assert [m.status for m in messages] == ["queued", "queued"]
    assert all(m.attempts == 1 for m in messages)
    assert all(m.next_attempt_at == DUE + datetime.timedelta(minutes=5) for m in messages)
    assert "451 4.3.0 Mailbox temporarily unavailable" in messages[0].last_error
    client.force_login(manager)
    page = client.get(reverse("outbox")).content.decode()
    assert "Not sent yet" in page
    assert "The mail server refused the message: 451 4.3.0 Mailbox temporarily unavailable" in page
    assert "awaken.lead@example.org" in page
    assert "2 emails could not be sent." in page
    assert "2 emails could not be sent." in client.get(reverse("manage")).content.decode()

    mail_server.accept()
    send(at=DUE + datetime.timedelta(minutes=4))  # not yet: back-off
    assert mail_server.messages == []
    send(at=DUE + datetime.timedelta(minutes=5))
    send(at=DUE + datetime.timedelta(minutes=20))

    assert sorted(m["To"] for m in mail_server.messages) == [
        "awaken.lead@example.org",
        "police.lead@example.org",
    ]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_a_server_that_is_down_leaves_the_message_queued_and_it_goes_when_it_is_back(
    mail_server, send, leads, client, manager
):
    mail_server.stop()

    send(at=DUE)

    message = OutboxMessage.objects.get(to="awaken.lead@example.org")
    assert message.status == "queued" and message.attempts == 1
    assert message.last_error.startswith("Could not connect to the mail server")
    assert message.subject.startswith("[OFFICIAL-SENSITIVE] Update due by 30 September 2041")
    client.force_login(manager)
    assert "Could not connect to the mail server" in client.get(reverse("outbox")).text

    mail_server.start()
    send(at=DUE + datetime.timedelta(minutes=6))

    assert len(mail_server.to("awaken.lead@example.org")) == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == "sent"


def test_the_waits_between_tries_grow_and_after_six_it_is_not_sent_until_sent_again(
    mail_server, send, leads, client, manager
):
    mail_server.refuse("554 5.7.1 Relay access denied")
    moment = DUE
    waits = []
    send(at=moment)
    for _ in range(5):
        message = OutboxMessage.objects.get(to="awaken.lead@example.org")
        waits.append(message.next_attempt_at - moment)
        moment = message.next_attempt_at
        send(at=moment)

    assert [int(w.total_seconds() // 60) for w in waits] == [5, 15, 45, 135, 405]
    message = OutboxMessage.objects.get(to="awaken.lead@example.org")
    assert message.status == "failed" and message.attempts == 6
    client.force_login(manager)
    page = client.get(reverse("outbox"), {"status": "failed"}).text
    assert "Gave up after 6 attempts" in page
    assert reverse("outbox_send_again", args=[message.pk]) in page

    mail_server.accept()
    response = client.post(reverse("outbox_send_again", args=[message.pk]))
    assert response.status_code == 302
    send()

    [received] = mail_server.to("awaken.lead@example.org")
    assert "Update due by 30 September 2041" in received["Subject"]


def test_only_a_message_that_was_not_sent_can_be_sent_again(
    mail_server, send, leads, client, manager
):
    send(at=DUE)
    message = OutboxMessage.objects.get(to="awaken.lead@example.org")
    client.force_login(manager)

    response = client.post(reverse("outbox_send_again", args=[message.pk]), follow=True)

    assert "Only an email that was not sent can be sent again." in response.text
    assert len(mail_server.to("awaken.lead@example.org")) == 1


def test_a_message_whose_sender_stopped_mid_send_is_never_sent_again_by_itself(
    mail_server, send, leads, time_machine
):
    time_machine.move_to(DUE, tick=False)
    from notifications import update_due

    update_due.queue_due(DUE)
    [claimed, _] = sending.claim(DUE, size=2)  # ... and then the sender was killed

    send(at=DUE + datetime.timedelta(minutes=16))

    claimed.refresh_from_db()
    assert claimed.status == "failed"
    assert "may or may not have been sent" in claimed.last_error
    assert len(mail_server.messages) == 0


def test_without_a_mail_server_in_production_messages_wait_and_say_why(
    send, leads, settings, client, manager
):
    settings.EMAIL_BACKEND = "notifications.backends.NotConfiguredBackend"
    settings.SITE_URL = "https://plans.example.org"

    send(at=DUE)

    message = OutboxMessage.objects.get(to="awaken.lead@example.org")
    assert message.status == "queued"
    assert "No mail server is set: set EMAIL_HOST" in message.last_error


def test_the_logs_name_messages_by_number_never_by_address_or_content(
    mail_server, send, leads, caplog
):
    mail_server.refuse()
    with caplog.at_level(logging.INFO, logger="notifications"):
        send(at=DUE)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("notif"))
    assert "not sent, attempt 1: SMTPDataError" in logged
    assert "example.org" not in logged
    assert "Update due" not in logged


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_exactly_once(
    mail_server, addressed, plan, awaken_lead, police_lead, chair, time_machine
):
    addressed(awaken_lead, police_lead, chair)
    time_machine.move_to(DUE, tick=False)
    from notifications import update_due

    update_due.queue_due(DUE)
    errors = []

    def sender():
        try:
            sending.send_due(DUE)
        except Exception as error:  # pragma: no cover -- reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m["To"] for m in mail_server.messages) == [
        "awaken.lead@example.org",
        "police.lead@example.org",
    ]
    assert "An update to the CSE Operational Action Plan is due" in text(mail_server.messages[0])


def test_the_sender_needs_the_services_address_for_its_links(settings, db):
    from django.core.management import CommandError, call_command

    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="SITE_URL is not set"):
        call_command("send_notifications")


def test_the_sender_says_what_it_did(mail_server, send, leads):
    assert send(at=DUE) == "Queued 2 emails (2 update due); outbox: 2 sent.\n"
    assert send(at=DUE) == "Queued 0 emails; outbox: nothing to send.\n"
