"""Everything due at a moment: queue what the calendar and the rating history call for,
then send whatever is waiting in the outbox. ``manage.py send_notifications`` runs this."""

from collections import Counter

from django.utils import timezone

from . import evidence_review, rating_alerts, update_due
from .sending import send_due


def queue_due(now):
    """Queue the reminders, digests and rating alerts due at ``now``: {kind: new}."""
    return {
        "update due": update_due.queue_due(now),
        "evidence to review": evidence_review.queue_due(now),
        "rating alerts": rating_alerts.queue_due(now),
    }


def run():
    """Queue and send everything due now. Returns (queued by kind, outcomes)."""
    queued = queue_due(timezone.now())
    # A moment later: what was just queued is due too.
    return queued, Counter(send_due(timezone.now()))
