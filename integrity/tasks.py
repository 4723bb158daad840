"""The check of the whole record, made in the background by the worker
(``manage.py db_worker``, as the board packs are): the page records a ``HistoryCheck``
and queues ``check_history``; the page then reads the check."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import HistoryCheck
from .verify import verify

logger = logging.getLogger(__name__)


def request_check(by):
    """Queue a check of the history unless one is under way: (the check, whether it is
    a new one)."""
    with transaction.atomic():
        waiting = HistoryCheck.objects.under_way().first()
        if waiting is not None:
            return waiting, False
        check = HistoryCheck.objects.create(requested_by=by)
        check_history.enqueue(check.pk)
    return check, True


@task()
def check_history(check_id):
    """Work the chain out again and keep what it says in the check ``check_id``."""
    check = HistoryCheck.objects.get(pk=check_id)
    if check.status != HistoryCheck.Status.QUEUED:  # the queue ran it twice
        return check.status
    check.status, check.started_at = HistoryCheck.Status.RUNNING, timezone.now()
    check.save(update_fields=["status", "started_at"])
    try:
        report = verify()
    except Exception:
        logger.exception("History check %s failed", check.pk)
        check.status, check.finished_at = HistoryCheck.Status.FAILED, timezone.now()
        check.save(update_fields=["status", "finished_at"])
        raise  # so the task queue records the failure and its traceback too
    check.status, check.finished_at = HistoryCheck.Status.DONE, timezone.now()
    check.records, check.packs, check.problems = report.links, report.packs, len(report.findings)
    check.findings = [
        {"table": found.table, "row": str(found.row), "what": found.what}
        for found in report.findings[: HistoryCheck.FINDINGS_KEPT]
    ]
    check.save()
    return check.status
