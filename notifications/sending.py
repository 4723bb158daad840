"""Sending the outbox: each queued message is claimed by one sender, written, sent once
through Django's email backend, and its result recorded.

- Claiming: a short transaction marks a batch "Being sent" with a lease. On PostgreSQL
  the rows are locked with SKIP LOCKED, so two senders (two machines) take different
  messages; on SQLite every transaction takes the write lock at BEGIN (IMMEDIATE), so
  two senders take turns. The mail server is never talked to inside a transaction.
- Failing: a message the mail server refuses, or that cannot reach it, goes back to the
  queue with its error and is tried again after 5, 15, 45 minutes, 2¼ and 6¾ hours; after
  the sixth failure it is "Not sent", shown to the business manager, who can send it
  again. When the server cannot be reached at all, this run stops there.
- Interrupted: a message still "Being sent" after its lease (the sender was killed
  mid-send) may or may not have gone. It is never sent again by itself (nobody gets a
  message twice); it is marked "Not sent" with that explanation, for a person to decide.

Logs name the message's id, kind and the error's type, never addresses or bodies.
"""

import contextlib
import datetime
import hashlib
import logging
import smtplib
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from . import accounts, evidence_review, rating_alerts, update_due
from .emails import NotNeeded
from .models import EmailKind, OutboxMessage
from .people import may_email

logger = logging.getLogger(__name__)

BATCH = 20
LEASE = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 6
FIRST_RETRY = datetime.timedelta(minutes=5)
RETRY_FACTOR = 3

COMPOSERS = {
    EmailKind.UPDATE_DUE: update_due.compose,
    EmailKind.EVIDENCE_TO_REVIEW: evidence_review.compose,
    EmailKind.RATING_ALERT: rating_alerts.compose,
    EmailKind.PASSWORD_RESET: accounts.compose_password_reset,
    EmailKind.INVITATION: accounts.compose_invitation,
}

Status = OutboxMessage.Status


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failure: 5 min, 15, 45, 135, 405."""
    return FIRST_RETRY * RETRY_FACTOR ** (attempts - 1)


def send_due(now=None):
    """Send every queued message whose time has come. Returns a Counter of outcomes:
    sent, not needed, failed (to be tried again), given up, interrupted."""
    now = now or timezone.now()
    outcomes = Counter()
    outcomes["interrupted"] = give_up_interrupted(now)
    while True:
        batch = claim(now)
        if not batch:
            break
        if not deliver(batch, now, outcomes):
            break  # the mail server cannot be reached: the rest wait for the next run
    return +outcomes


def claim(now, size=BATCH):
    """Mark up to ``size`` due messages "Being sent" by this sender, and return them."""
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")[:size]
        )
        for message in batch:
            message.status = Status.SENDING
            message.claimed_until = now + LEASE
            message.save(update_fields=["status", "claimed_until"])
    return batch


def give_up_interrupted(now):
    """Messages whose sender stopped mid-send: "Not sent", never sent again by itself."""
    with transaction.atomic():
        stuck = list(
            OutboxMessage.objects.filter(status=Status.SENDING, claimed_until__lt=now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        for message in stuck:
            message.status = Status.FAILED
            message.claimed_until = None
            message.last_error = (
                "Sending was interrupted (the sender stopped), so it may or may not have "
                "been sent. It will not be sent again unless someone chooses to."
            )
            message.save(update_fields=["status", "claimed_until", "last_error"])
            logger.warning(
                "Email %s (%s) was interrupted while being sent", message.pk, message.kind
            )
    return len(stuck)


def compose(message, now):
    """The email for ``message`` as things stand at ``now``; NotNeeded if none is."""
    if message.user is None:
        raise NotNeeded("The person has been deleted")
    wanted, reason = may_email(message.user, message.kind)
    if not wanted:
        raise NotNeeded(reason)
    message.to = message.user.email
    return COMPOSERS[message.kind](message, now)


def as_email(message, composed, connection):
    email = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={**composed.headers, "Message-ID": message_id(message)},
        connection=connection,
    )
    email.attach_alternative(composed.html, "text/html")
    return email


def message_id(message):
    """The same Message-ID whenever this message is sent, so that mail programs treat a
    copy sent again by hand as the same message."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    domain = urlsplit(getattr(settings, "SITE_URL", "") or "").hostname or "localhost"
    return f"<{digest}@{domain}>"


def deliver(batch, now, outcomes):
    """Write and send each message of ``batch`` over one connection. Returns False if
    the mail server could not be reached (the batch is recorded as failed)."""
    user_ids = {message.user_id for message in batch if message.user_id}
    users = {user.pk: user for user in _users(user_ids)}
    connection = None
    try:
        for index, message in enumerate(batch):
            message.user = users.get(message.user_id)
            try:
                composed = compose(message, now)
            except NotNeeded as reason:
                finish(message, Status.CANCELLED, now, note=str(reason))
                outcomes["not needed"] += 1
                continue
            except Exception as error:
                logger.exception("Email %s (%s) could not be written", message.pk, message.kind)
                outcomes[record_failure(message, error, now)] += 1
                continue
            message.subject = composed.subject[:300]
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                as_email(message, composed, connection).send()
            except (OSError, smtplib.SMTPException, ImproperlyConfigured) as error:
                outcomes[record_failure(message, error, now)] += 1
                if _unreachable(error):
                    for rest in batch[index + 1 :]:
                        outcomes[record_failure(rest, error, now)] += 1
                    return False
                connection = _close(connection)
            except Exception as error:  # a backend that is not set up, or a bug
                logger.exception("Email %s (%s) could not be sent", message.pk, message.kind)
                outcomes[record_failure(message, error, now)] += 1
                connection = _close(connection)
            else:
                finish(message, Status.SENT, now)
                outcomes["sent"] += 1
    finally:
        _close(connection)
    return True


def _users(pks):
    return get_user_model().objects.filter(pk__in=pks)


def _unreachable(error):
    return isinstance(
        error, ConnectionError | TimeoutError | smtplib.SMTPConnectError | ImproperlyConfigured
    )


def _close(connection):
    if connection is not None:
        with contextlib.suppress(Exception):  # a broken connection is being thrown away
            connection.close()
    return None


def finish(message, status, now, note=""):
    message.status = status
    message.claimed_until = None
    message.note = note[:200]
    if status == Status.SENT:
        message.attempts += 1
        message.sent_at = now
        message.last_error = ""
    message.save()


def describe(error):
    """The error in words for the outbox page (SMTP code and text, or what failed)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in error.recipients.values()
        )
        return f"The mail server refused the address: {codes}"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"The mail server refused the message: {error.smtp_code} {text}"
    if isinstance(error, ConnectionRefusedError | smtplib.SMTPConnectError):
        return f"Could not connect to the mail server ({error})"
    if isinstance(error, ImproperlyConfigured):
        return str(error)
    if isinstance(error, TimeoutError):
        return "The mail server did not answer in time"
    return f"{type(error).__name__}: {error}"


def record_failure(message, error, now):
    """One more failed attempt: back to the queue with a delay, or given up. Returns the
    outcome's name."""
    message.attempts += 1
    message.last_error = describe(error)[:500]
    message.claimed_until = None
    if message.attempts >= MAX_ATTEMPTS:
        message.status = Status.FAILED
        message.note = f"Gave up after {message.attempts} attempts"
        outcome = "given up"
    else:
        message.status = Status.QUEUED
        message.next_attempt_at = now + retry_delay(message.attempts)
        outcome = "failed"
    message.save()
    logger.warning(
        "Email %s (%s) not sent, attempt %s: %s",
        message.pk,
        message.kind,
        message.attempts,
        type(error).__name__,
    )
    return outcome


def send_again(message, now=None):
    """The business manager's "Send again" for a message that was not sent."""
    message.status = Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = now or timezone.now()
    message.claimed_until = None
    message.note = "Sent again by hand"
    message.save()
