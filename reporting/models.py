"""Board packs: the quarterly PDF of the plan as at a date, issued once and kept unchanged.

An issued pack keeps its PDF bytes in the database (a ``BinaryField``), next to its
SHA-256: the row and the document are written in one transaction, backed up together,
and there is no file on disk that could be changed, lost or served without the access
check. A pack is a few hundred kilobytes and a board issues four a year.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from actionplan.historical import person_name, tracked
from actionplan.models.base import required_reason, save_with_reason
from integrity.models import Chained


class IssuedPackIsFinal(Exception):
    """An issued pack is a record of what the board was given: it never changes."""


class PackKind(models.TextChoices):
    """What the plan part of a pack shows. Both kinds carry the same cover, summary and
    changes. Most boards read the exception report."""

    FULL = "full", "Full plan"
    EXCEPTIONS = "exceptions", "Exception report"

    @property
    def description(self):
        """What the plan part shows, to follow the kind's name and a colon."""
        if self == PackKind.FULL:
            return "every action in full"
        return (
            "actions rated Red or Amber, overdue or changed in the period in full; "
            "every other action on one line"
        )


def pack_filename(plan, as_at, kind, suffix=""):
    """board-pack-SLUG-DATE.pdf for the full plan, ...-exceptions.pdf for the other kind."""
    kind_part = "" if kind == PackKind.FULL else f"-{kind}"
    return f"board-pack-{plan.slug}-{as_at:%Y-%m-%d}{kind_part}{suffix}.pdf"


class BoardPackQuerySet(models.QuerySet):
    def of_plan(self, plan):
        return self.filter(plan=plan)

    def without_pdf(self):
        """For lists: leave the PDF bytes in the database."""
        return self.defer("pdf")

    def not_withdrawn(self):
        return self.filter(withdrawal__isnull=True)

    def last_before(self, plan, as_at):
        """The latest pack of ``plan`` issued for a date before ``as_at``, and not
        withdrawn: the baseline."""
        return (
            self.of_plan(plan)
            .not_withdrawn()
            .filter(as_at__lt=as_at)
            .without_pdf()
            .order_by("-as_at", "-issued_at")
            .first()
        )


class BoardPack(Chained):
    """A board pack as issued: the plan as at a date, with what changed since the last
    pack (or since ``since_date``), as the PDF the board was given."""

    plan = models.ForeignKey("actionplan.Plan", on_delete=models.PROTECT, related_name="packs")
    period_label = models.CharField(max_length=40, help_text="e.g. Quarter 2, 2015/16")
    as_at = models.DateField("as at", help_text="The plan as it stood at the end of this day.")
    kind = models.CharField(max_length=10, choices=PackKind.choices, default=PackKind.FULL)
    since_date = models.DateField(
        "changes since", help_text="Changes after the end of this day are reported."
    )
    previous_pack = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The pack this one reports changes since, if any.",
    )
    # PROTECT: an issued pack is an audit record; people leave by being deactivated.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when issued from the command line without --by.",
    )
    issued_by_name = models.CharField(max_length=200, help_text="As printed on the cover.")
    issued_at = models.DateTimeField(default=timezone.now)
    # 1 for the first pack of the plan as at this date; 2 for one issued after that was
    # withdrawn, and so on. Unique with the plan and date: the database refuses a second
    # pack issued for a date at the same moment as another.
    issue_number = models.PositiveSmallIntegerField(default=1, editable=False)
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    # The head of the hash chain when the pack was made (integrity/): the link's number
    # and the start of its hash, printed in the PDF. Rewriting any record before it
    # changes that link's hash, which verify_history then finds no longer matches.
    chain_seq = models.BigIntegerField("chain position", null=True, blank=True, editable=False)
    chain_fingerprint = models.CharField(
        "record fingerprint", max_length=16, blank=True, editable=False
    )

    objects = BoardPackQuerySet.as_manager()
    # The PDF is not copied into the history table: the pack never changes.
    history = tracked(excluded_fields=["pdf"])

    class Meta:
        ordering = ["plan", "-as_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "as_at", "issue_number"], name="board_pack_once_per_plan_date"
            ),
            models.CheckConstraint(
                condition=Q(since_date__lte=F("as_at")), name="board_pack_since_not_after_as_at"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PackKind.values), name="board_pack_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.plan} as at {self.as_at:%-d %B %Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedPackIsFinal(f"“{self}” has been issued and cannot be changed.")
        self.sha256 = hashlib.sha256(bytes(self.pdf)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedPackIsFinal(f"“{self}” has been issued and cannot be deleted.")

    @property
    def filename(self):
        suffix = "-withdrawn" if self.is_withdrawn else ""
        return pack_filename(self.plan, self.as_at, self.kind, suffix=suffix)

    @property
    def is_withdrawn(self):
        return hasattr(self, "withdrawal")

    def withdraw(self, reason, *, by):
        """Take back a pack issued by mistake: the pack stays as it was issued (its PDF
        and SHA-256 never change); a ``PackWithdrawal`` says who, when and why, and the
        pack is no longer the baseline of the next one."""
        reason = required_reason(reason, "Enter the reason for withdrawing this pack")
        withdrawal = PackWithdrawal(
            pack=self, reason=reason, withdrawn_by=by, withdrawn_by_name=person_name(by)
        )
        save_with_reason(withdrawal, f"Withdrawn: {reason}")
        self.withdrawal = withdrawal
        return withdrawal

    def record_download(self, user):
        """Every download of an issued pack is recorded: who and when."""
        download = PackDownload(pack=self, user=user)
        download._change_reason = "Downloaded"
        download.save()
        return download


class PackWithdrawal(models.Model):
    """An issued pack withdrawn by the business manager (issued by mistake): who, when
    and why. A record of its own, so the pack's row (and its PDF and SHA-256) is never
    written again; once made it never changes either."""

    pack = models.OneToOneField(BoardPack, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.TextField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_by_name = models.CharField(max_length=200)
    withdrawn_at = models.DateTimeField(default=timezone.now)

    history = tracked()

    class Meta:
        ordering = ["-withdrawn_at"]

    def __str__(self):
        return f"{self.pack} withdrawn by {self.withdrawn_by_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedPackIsFinal(f"The withdrawal of “{self.pack}” cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedPackIsFinal(f"The withdrawal of “{self.pack}” cannot be undone.")


class PackDownload(models.Model):
    """One download of an issued pack."""

    pack = models.ForeignKey(BoardPack, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pack_downloads"
    )
    downloaded_at = models.DateTimeField(default=timezone.now)

    history = tracked()

    class Meta:
        ordering = ["-downloaded_at", "-id"]
        indexes = [models.Index(fields=["pack", "downloaded_at"], name="pack_download_pack_when")]

    def __str__(self):
        when = timezone.localtime(self.downloaded_at)
        return f"{self.pack} downloaded by {self.user} on {when:%-d %B %Y at %H:%M}"


class PackJobQuerySet(models.QuerySet):
    def without_pdf(self):
        return self.defer("pdf")

    def in_progress(self):
        """Queued or running, and not so long ago that it has surely stopped."""
        return self.filter(
            status__in=[PackJob.Status.QUEUED, PackJob.Status.RUNNING],
            requested_at__gt=timezone.now() - PackJob.STUCK_AFTER,
        )

    def issuing(self, plan, as_at):
        """The pack of ``plan`` as at ``as_at`` being issued right now, if any."""
        return (
            self.in_progress()
            .filter(plan=plan, as_at=as_at, kind=PackJob.Kind.ISSUE)
            .without_pdf()
            .first()
        )


class PackJob(models.Model):
    """A board pack asked for in the browser and made in the background: a draft PDF to
    check, or the pack to issue. WeasyPrint takes seconds for the real plan and minutes
    for a large one, far too long for a web request, so the page only records the request
    here; the worker (``manage.py db_worker``, reporting/tasks.py) makes the pack and
    records how it went; the progress page reads this row."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft PDF"
        ISSUE = "issue", "Issued pack"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Longer than any pack takes (1,000 actions: about a minute): a job still queued or
    # running after this has lost its worker (stopped or killed) and will not finish.
    STUCK_AFTER = datetime.timedelta(minutes=30)
    # A job waiting this long means no worker is running.
    WAITING_TOO_LONG = datetime.timedelta(minutes=1)

    plan = models.ForeignKey("actionplan.Plan", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    # What the pack shows (``kind`` above says what the job makes: a draft or an issue).
    pack_kind = models.CharField(
        "kind of pack", max_length=10, choices=PackKind.choices, default=PackKind.FULL
    )
    as_at = models.DateField("as at")
    since_date = models.DateField(
        "changes since",
        null=True,
        blank=True,
        help_text="As asked for; blank for the last issued pack (or the plan's creation).",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(
        max_length=500, blank=True, help_text="Why it failed, in plain words (details: the log)."
    )
    pack = models.ForeignKey(
        BoardPack, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A draft's PDF (an issued pack keeps its own). Not copied into the history table.
    pdf = models.BinaryField(null=True, editable=False)

    objects = PackJobQuerySet.as_manager()
    history = tracked(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["draft", "issue"])
                & Q(status__in=["queued", "running", "done", "failed"]),
                name="pack_job_kind_and_status_known",
            ),
            models.CheckConstraint(
                condition=Q(pack_kind__in=PackKind.values), name="pack_job_pack_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(since_date__isnull=True) | Q(since_date__lt=F("as_at")),
                name="pack_job_since_before_as_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="done")
                | Q(kind="draft", pdf__isnull=False)
                | Q(kind="issue", pack__isnull=False),
                name="pack_job_done_has_its_pdf",
            ),
        ]

    def __str__(self):
        of_kind = "" if self.pack_kind == PackKind.FULL else f" ({self.get_pack_kind_display()})"
        return f"{self.get_kind_display()}{of_kind} of {self.plan} as at {self.as_at:%-d %B %Y}"

    @property
    def in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def waiting_too_long(self):
        return (
            self.status == self.Status.QUEUED
            and timezone.now() - self.requested_at > self.WAITING_TOO_LONG
        )

    @property
    def looks_stuck(self):
        return self.in_progress and timezone.now() - self.requested_at > self.STUCK_AFTER

    @property
    def filename(self):
        return pack_filename(self.plan, self.as_at, self.pack_kind, suffix="-draft")

    def _record(self, status, reason, **fields):
        self.status = status
        for name, value in fields.items():
            setattr(self, name, value)
        self._change_reason = reason
        self.save()

    def start(self):
        self._record(self.Status.RUNNING, "Started by the worker", started_at=timezone.now())

    def succeed(self, *, pack=None, pdf=None):
        self._record(
            self.Status.DONE, "Made by the worker", pack=pack, pdf=pdf, finished_at=timezone.now()
        )

    def fail(self, error):
        self._record(
            self.Status.FAILED, "Failed in the worker", error=error, finished_at=timezone.now()
        )
