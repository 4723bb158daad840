"""Email that keeps the plan alive: the reporting calendar, what each person wants to
receive, and the outbox of every message sent.

- ``ReportingCalendar`` and ``UpdateDeadline``: a plan's update deadlines (the last day of
  each financial quarter, and any other dates the business manager sets) and how many
  days before each one the reminders and the chair's digest go;
- ``EmailPreference``: the emails a person has turned off (only the non-essential ones);
- ``OutboxMessage``: one email to one person, queued once (its ``key`` is unique), sent
  once, retried with back-off when the mail server fails, and kept as the record;
- ``RatingSweep``: where the look-out for Red and worsened ratings has got to.

The calendar and preferences keep history like the rest of the product. The outbox is a
record in its own right (who was sent what, when, and how it went), like the audit log.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from actionplan.historical import tracked

DEFAULT_REMINDER_DAYS = "14, 3"
DEFAULT_REVIEW_DAYS = 1
MAX_DAYS_BEFORE = 90


def parse_days(text):
    """ "14, 3" -> [14, 3]: the days before a deadline, largest first, each once.
    Raises ValidationError with words for the person who typed them."""
    days = []
    for part in str(text).replace(";", ",").replace(" and ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()):
            raise ValidationError(
                "Enter the days before the deadline as whole numbers separated by commas, "
                "like 14, 3"
            )
        value = int(part)
        if value > MAX_DAYS_BEFORE:
            raise ValidationError(f"Reminders can be at most {MAX_DAYS_BEFORE} days before")
        days.append(value)
    if not days:
        raise ValidationError("Enter at least one number of days, like 14, 3")
    if len(set(days)) > 5:
        raise ValidationError("Enter at most 5 reminders")
    return sorted(set(days), reverse=True)


class ReportingCalendar(models.Model):
    """When a plan's updates are due, and when people are told.

    A plan without one uses the defaults (``for_plan`` gives an unsaved one): deadlines
    on the last day of each financial quarter, reminders 14 and 3 days before, the
    chair's digest the day before."""

    plan = models.OneToOneField(
        "actionplan.Plan", on_delete=models.CASCADE, related_name="reporting_calendar"
    )
    quarter_ends = models.BooleanField(
        "the last day of each quarter",
        default=True,
        help_text="30 June, 30 September, 31 December and 31 March: the as-at dates of the "
        "quarterly packs.",
    )
    reminder_days = models.CharField(
        "reminders to agency leads, days before",
        max_length=50,
        default=DEFAULT_REMINDER_DAYS,
    )
    review_days = models.PositiveSmallIntegerField(
        "digest to the chair, days before", default=DEFAULT_REVIEW_DAYS
    )

    history = tracked()

    class Meta:
        ordering = ["plan"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_days__lte=MAX_DAYS_BEFORE), name="calendar_review_days_max"
            ),
        ]

    def __str__(self):
        return f"Reporting calendar of {self.plan}"

    @classmethod
    def for_plan(cls, plan):
        """The plan's calendar, or the defaults (unsaved) if it has none."""
        return cls.objects.filter(plan=plan).first() or cls(plan=plan)

    @property
    def reminder_offsets(self):
        """[14, 3]: days before each deadline that agency leads are reminded."""
        try:
            return parse_days(self.reminder_days)
        except ValidationError:
            return parse_days(DEFAULT_REMINDER_DAYS)

    @transaction.atomic
    def change(self, *, quarter_ends, other_dates, reminder_days, review_days, reason):
        """Set the deadlines and reminders; each change is kept in the history."""
        self.quarter_ends = quarter_ends
        self.reminder_days = ", ".join(str(days) for days in parse_days(reminder_days))
        self.review_days = review_days
        self._change_reason = reason
        self.save()
        wanted = set(other_dates)
        for deadline in self.plan.update_deadlines.all():
            if deadline.date not in wanted:
                deadline._change_reason = reason
                deadline.delete()
            wanted.discard(deadline.date)
        for date in sorted(wanted):
            deadline = UpdateDeadline(plan=self.plan, date=date)
            deadline._change_reason = reason
            deadline.save()
        return self

    def other_dates(self):
        if self.pk is None:
            return []
        return list(self.plan.update_deadlines.values_list("date", flat=True))

    def deadlines(self, start, end):
        """The update deadlines from ``start`` to ``end`` (dates, both included), in order."""
        dates = {date for date in self.other_dates() if start <= date <= end}
        if self.quarter_ends:
            dates.update(quarter_ends(start, end))
        return sorted(dates)

    def next_deadlines(self, today, count=4):
        """The next ``count`` deadlines from ``today`` on (today included)."""
        found = []
        end = today
        while len(found) < count and end < today + datetime.timedelta(days=3 * 366):
            end += datetime.timedelta(days=366)
            found = self.deadlines(today, end)
        return found[:count]


def quarter_ends(start, end):
    """The last days of financial quarters (30 June, 30 September, 31 December, 31 March)
    from ``start`` to ``end``."""
    found = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            date = datetime.date(year, month, day)
            if start <= date <= end:
                found.append(date)
    return found


class UpdateDeadline(models.Model):
    """A date set by the business manager by which agency leads record their updates,
    e.g. two weeks before a board meeting."""

    plan = models.ForeignKey(
        "actionplan.Plan", on_delete=models.CASCADE, related_name="update_deadlines"
    )
    date = models.DateField()

    history = tracked()

    class Meta:
        ordering = ["plan", "date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="update_deadline_once_per_plan"),
        ]

    def __str__(self):
        return f"{self.date:%-d %B %Y}"


class EmailKind(models.TextChoices):
    """Every kind of email the product sends. The first three can be turned off."""

    UPDATE_DUE = "update_due", "Update due"
    EVIDENCE_TO_REVIEW = "evidence_to_review", "Evidence to review"
    RATING_ALERT = "rating_alert", "Rated Red or worse"
    PASSWORD_RESET = "password_reset", "Password reset"
    INVITATION = "invitation", "Invitation"


# Non-essential kinds, each with the preference field that turns it off.
OPTIONAL_KINDS = {
    EmailKind.UPDATE_DUE: "reminders",
    EmailKind.EVIDENCE_TO_REVIEW: "evidence_to_review",
    EmailKind.RATING_ALERT: "rating_alert",
}


class EmailPreference(models.Model):
    """The emails a person wants. Without a row they get every kind that applies to them.
    Invitations and password resets are essential and cannot be turned off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    reminders = models.BooleanField(
        "Reminders that an update is due",
        default=True,
        help_text="To agency leads, before each update deadline, listing the actions their "
        "agencies lead that have no new evidence.",
    )
    evidence_to_review = models.BooleanField(
        "New evidence to review",
        default=True,
        help_text="To the chair, before each update deadline: the actions with evidence "
        "added since they last rated them.",
    )
    rating_alert = models.BooleanField(
        "An action rated Red, or its rating made worse",
        default=True,
        help_text="To the leads of that action's agencies, with the chair's reason.",
    )

    history = tracked()

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"Emails for {self.user}"

    @classmethod
    def for_user(cls, user):
        """The person's preferences, or the defaults (unsaved) if they never chose."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def wants(self, kind):
        field = OPTIONAL_KINDS.get(kind)
        return True if field is None else getattr(self, field)


class OutboxQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)

    def not_sent(self):
        """Messages that the mail server has refused, or that nobody could send: the
        ones the business manager must see."""
        return self.filter(
            Q(status=OutboxMessage.Status.FAILED)
            | Q(status=OutboxMessage.Status.QUEUED, attempts__gt=0)
        )


class OutboxMessage(models.Model):
    """One email to one person: queued once, sent once, and kept as the record.

    ``key`` says what the message is about (kind, person, plan, deadline and reminder, or
    rating record); it is unique, so a second run of the sender, or a run on another
    machine, finds the message already queued and sends nothing more. The email itself
    is written when it is sent, from what the key points at, so that it is up to date
    and no link or token sits in the database."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"
        CANCELLED = "cancelled", "Not needed"

    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    to = models.CharField("to", max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    plan = models.ForeignKey(
        "actionplan.Plan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(null=True, blank=True)
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.ForeignKey(
        "actionplan.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The rating decision (a history record of the action) that a rating alert reports.
    rating_record_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbox message"
        constraints = [
            models.UniqueConstraint(fields=["key"], name="outbox_message_once"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in EmailKind]),
                name="outbox_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="outbox_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to or self.user}"

    @property
    def is_optional(self):
        return self.kind in OPTIONAL_KINDS

    @property
    def may_send_again(self):
        return self.status == self.Status.FAILED


class RatingSweep(models.Model):
    """How far the look-out for Red and worsened ratings has got. One row.

    Ratings made before ``watching_since`` (when the sender first ran) are never
    reported, so that switching email on does not send alerts about old decisions."""

    watching_since = models.DateTimeField()
    swept_until = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"Ratings swept until {self.swept_until:%Y-%m-%d %H:%M}"
