"""Shapes every tracked object of the plan shares: saving with a reason, optimistic
locking (``Versioned``) and removal that deletes nothing (``Removable``)."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone


def required_reason(reason, message, field="reason"):
    """The reason with spaces trimmed; a ValidationError worded for the reader if blank."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason


def save_with_reason(obj, reason, *, when=None, by=None, **kwargs):
    """Save a tracked object so its history row says why (django-simple-history reads
    ``_change_reason`` at save time; setting it afterwards would UPDATE history).

    For code loading a plan, not people: ``when`` dates the history row (an imported
    plan "as at" the date its document shows) and ``by`` names who made it when there
    is no request (the command line)."""
    obj._change_reason = reason
    if when is not None:
        obj._history_date = when
    if by is not None:
        obj._history_user = by
    obj.save(**kwargs)
    return obj


class EditConflict(Exception):
    """Someone saved the object after the person opened their form: nothing was saved."""

    def __init__(self, current):
        super().__init__(f"{current} was changed by someone else")
        self.current = current


class Versioned(models.Model):
    """Optimistic locking: every save bumps ``version``; a form carries the version it
    was opened at, and ``check_version()`` refuses a save if someone saved since."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not getattr(self, "skip_history_when_saving", False):
            self.version += 1
        super().save(*args, **kwargs)

    def check_version(self, version):
        """Lock the row for this transaction; raise EditConflict if it moved on.

        ``version=None`` is for code, not people (the seed, imports): it locks without
        checking. Every form a person submits carries a version (forms.version_field)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("check_version() must run inside transaction.atomic()")
        current = type(self).objects.select_for_update().get(pk=self.pk)
        if version is not None and current.version != version:
            raise EditConflict(current)
        self.version = current.version

    def bump_version(self):
        """A new version without a history row of its own: for a change kept elsewhere
        (an action's leads have their own history) that must still stale open forms."""
        self.version += 1
        self.skip_history_when_saving = True
        try:
            models.Model.save(self, update_fields=["version"])
        finally:
            del self.skip_history_when_saving


class Removable(models.Model):
    """Taken out of the plan with a reason; nothing is deleted and history keeps it all."""

    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    # What the reason's error says: "Enter the reason for removing this action".
    removal_noun = "item"

    @property
    def is_removed(self):
        return self.removed_at is not None

    def check_can_remove(self):
        """Raise ValidationError if the object may not be removed yet (override)."""

    @transaction.atomic
    def remove(self, reason, version=None):
        """Take it out of the plan; with ``version``, refuse if someone changed it since.
        (Removable objects are Versioned too.)"""
        reason = required_reason(reason, f"Enter the reason for removing this {self.removal_noun}")
        self.check_version(version)
        self.check_can_remove()
        self.removed_at = timezone.now()
        self.removed_reason = reason
        save_with_reason(self, reason)
