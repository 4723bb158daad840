"""The hash chain that makes the record tamper-evident (README, "Security").

Every history row, every audit event and every issued board pack gets one ``ChainLink``
when it is written, in the same transaction: a hash over the record's own content
(``row_hash``) and, chained to it, the hash of the link before (``hash``). Changing,
deleting or slipping in a record afterwards, even with the database's own tools, breaks
the chain where it happened; ``manage.py verify_history`` (integrity/verify.py) says
where. The chain table itself is append-only on PostgreSQL (actionplan/guards.py).
"""

import datetime

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from simple_history.manager import HistoryManager


class ChainLink(models.Model):
    """One record's place in the chain: link ``seq`` follows link ``seq - 1``."""

    seq = models.BigIntegerField(unique=True)
    table = models.CharField(max_length=63, help_text="The record's database table.")
    row_id = models.BigIntegerField(help_text="The record's primary key.")
    # The columns the row hash covers, as they were when the record was written: a column
    # added later is not part of older records' hashes, so migrations do not break them.
    fields = models.TextField()
    row_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # When the record joined the chain: never earlier than the link before it.
    linked_at = models.DateTimeField()
    # The record is dated in the past on purpose (a plan imported "as at" a date): it is
    # not reported as back-dated. Part of the link's hash, so it cannot be set afterwards.
    dated_on_purpose = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["table", "row_id"], name="chain_link_once_per_row"),
        ]

    def __str__(self):
        return f"Link {self.seq}: {self.table} {self.row_id}"


class Chained(models.Model):
    """A record that joins the chain when it is first saved, in the same transaction.

    A mixin rather than a ``post_save`` receiver: the save and the link are wrapped in
    one ``atomic()`` here, so a record saved in autocommit mode can never be committed
    without its link. No savepoint: if the link cannot be written, the whole
    transaction must fail, not carry on without it."""

    class Meta:
        abstract = True

    def save(self, *args, using=None, **kwargs):
        if not self._state.adding:
            return super().save(*args, using=using, **kwargs)
        using = using or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, using=using, **kwargs)
            from .chain import append

            append([self], using=using)


class ChainedHistoryManager(HistoryManager):
    """``bulk_create_with_history`` writes history rows with ``bulk_create``, which never
    calls ``save()``: link them here, in the same transaction."""

    def bulk_history_create(self, objs, *args, **kwargs):
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using, savepoint=False):
            created = super().bulk_history_create(objs, *args, **kwargs)
            if created:
                from .chain import append

                append(created, using=using)
        return created


# A check still "under way" after this long was lost with its worker: another may start.
LOST_AFTER = datetime.timedelta(hours=1)


class HistoryCheckQuerySet(models.QuerySet):
    def under_way(self):
        """Queued or running, and not lost with its worker (asked for within LOST_AFTER)."""
        return self.filter(
            status__in=[HistoryCheck.Status.QUEUED, HistoryCheck.Status.RUNNING],
            requested_at__gt=timezone.now() - LOST_AFTER,
        )

    def finished(self):
        return self.filter(status__in=[HistoryCheck.Status.DONE, HistoryCheck.Status.FAILED])


class HistoryCheck(models.Model):
    """One check of the whole record (verify.py), asked for on the "Check the history"
    page and made by the worker: working the chain out again reads every record (36 s
    for 340,000 on this machine), too long for a page to wait. The page shows the
    latest finished check and any one under way."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Under way"
        DONE = "done", "Done"
        FAILED = "failed", "Could not finish"

    # Findings kept for the page (the count is kept whole); verify_history lists them all.
    FINDINGS_KEPT = 500

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    records = models.PositiveIntegerField(null=True, blank=True)
    packs = models.PositiveIntegerField(null=True, blank=True)
    problems = models.PositiveIntegerField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)  # [{"table", "row", "what"}]

    objects = HistoryCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"History check {self.pk} ({self.get_status_display()})"

    @property
    def intact(self):
        return self.status == self.Status.DONE and self.problems == 0
