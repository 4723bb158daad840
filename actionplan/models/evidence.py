"""Evidence entries: the dated bullets of an action's current position."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ..historical import tracked
from .base import Versioned, required_reason, save_with_reason
from .rag import RAG_VALUES, Rag


class EvidenceEntryQuerySet(models.QuerySet):
    def current(self):
        """Entries not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class EvidenceEntry(Versioned):
    """One dated bullet of an action's current position: what was done, by which
    agency, recorded by whom. Section 1.1 of the CSE plan even rates single bullets."""

    action = models.ForeignKey("Action", on_delete=models.PROTECT, related_name="evidence_entries")
    text = models.TextField()
    activity_date = models.DateField(
        null=True, blank=True, help_text="When the activity happened. Blank: not recorded."
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_entries",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_entries",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    rag = models.CharField("RAG word", max_length=5, choices=Rag.choices, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = EvidenceEntryQuerySet.as_manager()
    history = tracked(in_plan=["action", "section"])

    class Meta:
        ordering = ["action", models.F("activity_date").asc(nulls_first=True), "recorded_at", "id"]
        verbose_name = "evidence entry"
        verbose_name_plural = "evidence entries"
        constraints = [
            models.CheckConstraint(condition=Q(rag__in=RAG_VALUES), name="evidence_rag_valid"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @classmethod
    def record(cls, action, *, text, activity_date, agency, by):
        """A new entry on ``action``, recorded by ``by`` for ``agency``."""
        entry = cls(
            action=action, text=text, activity_date=activity_date, agency=agency, recorded_by=by
        )
        return save_with_reason(entry, "Evidence added")

    @transaction.atomic
    def edit(self, *, text, activity_date, agency, version):
        """Change the entry, refusing if someone saved it since the form was opened."""
        self.check_version(version)
        if self.is_withdrawn:
            raise ValidationError("This entry has been withdrawn and can no longer be changed")
        self.text, self.activity_date, self.agency = text, activity_date, agency
        return save_with_reason(self, "Evidence edited")

    @transaction.atomic
    def withdraw(self, reason, version=None):
        """Take the entry out of the current position. Its text stays, in history too."""
        reason = required_reason(reason, "Enter the reason for withdrawing this entry")
        self.check_version(version)
        if self.is_withdrawn:
            raise ValidationError("This entry has already been withdrawn")
        self.withdrawn_at = timezone.now()
        self.withdrawn_reason = reason
        return save_with_reason(self, reason)
