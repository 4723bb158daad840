"""Sending soon after something is queued from a page (an invitation, a reset link), by
the background worker that makes board packs (``manage.py db_worker``), instead of
waiting for the next run of ``send_notifications``. Nothing is sent during the request:
the page answers at once, and the same whether or not an address was found."""

from django.db import transaction
from django_tasks import task

from .sending import send_due


@task()
def send_queued_emails():
    """Send what is waiting in the outbox; returns the outcomes."""
    return dict(send_due())


def send_soon():
    """Ask the worker to send the outbox once this transaction has committed."""
    transaction.on_commit(send_queued_emails.enqueue, robust=True)
