"""The plan itself: Plan, Section, Action, its Leads, Evidence entries and the RAG rating.

Every model keeps full history (django-simple-history): who, when, what and why.
Change tracked models through ``save()`` (or the methods below, which call it),
never ``queryset.update()`` or ``bulk_*``: those write no history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .historical import person_name, tracked
from .timescales import TimescaleError, parse_timescale


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
        """Lock the row for this transaction; raise EditConflict if it moved on."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("check_version() must run inside transaction.atomic()")
        current = type(self).objects.select_for_update().get(pk=self.pk)
        if version is not None and current.version != version:
            raise EditConflict(current)
        self.version = current.version


class Rag(models.TextChoices):
    """The RAG rating of an action. Blue means complete; blank means not rated yet."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"

    @classmethod
    def label_for(cls, value):
        return cls(value).label if value else "Not rated"


RAG_VALUES = [value for value, _ in Rag.choices] + [""]


class Plan(models.Model):
    """An action plan, e.g. the CSE Operational Action Plan, owned by a group
    and sitting within a wider plan (the Board's action plan)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=100, blank=True)
    partnership = models.CharField(
        max_length=200, help_text="e.g. Blackpool Safeguarding Children Board"
    )
    owner = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="plans_owned",
        help_text="The group that owns the plan; its chair rates the actions.",
    )
    parent_plan = models.CharField(
        "sits within", max_length=200, blank=True, help_text="The wider plan this one sits within."
    )
    protective_marking = models.CharField(
        max_length=50, default="OFFICIAL-SENSITIVE", help_text="Printed on every page of a pack."
    )
    notes = models.TextField(blank=True)

    history = tracked()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class SectionQuerySet(models.QuerySet):
    def current(self):
        """Sections not removed."""
        return self.filter(removed_at__isnull=True)


class Section(models.Model):
    """A numbered section of a plan (1–7 in the CSE plan), with a purpose statement."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sections")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    title_reconstructed = models.BooleanField(
        default=False,
        help_text="The source document lost this heading; the title was reconstructed.",
    )
    purpose = models.TextField("purpose statement", blank=True)
    purpose_reconstructed = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    objects = SectionQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="section_number_unique_in_plan"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="section_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def is_removed(self):
        return self.removed_at is not None

    def remove(self, reason):
        """Take the section out of the plan. Nothing is deleted: history keeps it all."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Enter the reason for removing this section"})
        if self.actions.current().exists():
            raise ValidationError(
                {"reason": "Move or remove this section's actions before removing the section"}
            )
        self.removed_at = timezone.now()
        self.removed_reason = reason
        self._change_reason = reason
        self.save()


class ActionQuerySet(models.QuerySet):
    def current(self):
        """Actions not removed."""
        return self.filter(removed_at__isnull=True)

    def in_plan(self, plan):
        """The plan's current actions."""
        return self.filter(section__plan=plan, removed_at__isnull=True)

    def in_order(self):
        return self.order_by("section__plan", "section__number", "position")

    def overdue(self, today=None):
        """Target date passed and not complete (Blue)."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(rag=Rag.BLUE)

    def led_by(self, agency):
        return self.filter(leads__agency=agency).distinct()

    def rated(self, rag):
        return self.filter(rag=rag)

    def not_rated(self):
        return self.filter(rag="")

    def with_plan_details(self):
        """Everything a plan table shows, fetched up front."""
        return self.select_related("section", "section__plan", "rated_by").prefetch_related(
            models.Prefetch(
                "leads", queryset=ActionLead.objects.select_related("agency", "post__agency")
            ),
            models.Prefetch(
                "evidence_entries",
                queryset=EvidenceEntry.objects.select_related("agency", "recorded_by"),
            ),
        )


class Action(Versioned):
    """One action of a section. Its ref ("2.1") is the section number and the
    action's position within the section, so it follows the action when it moves."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="actions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField("action")
    outcomes = models.TextField("(anticipated) outcomes", blank=True)
    timescale = models.CharField(
        max_length=50, help_text="The target month as people wrote it, e.g. “Sept 2015”."
    )
    due_date = models.DateField(help_text="The last day of the timescale, for sorting and overdue.")
    original_timescale = models.CharField(
        max_length=50, blank=True, help_text="The timescale first set, kept when it is revised."
    )
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, blank=True)
    rag_reason = models.TextField("reason for the rating", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    objects = ActionQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["section__plan", "section__number", "position"]
        constraints = [
            # With unique section numbers in a plan, this makes every ref unique in its plan.
            models.UniqueConstraint(
                fields=["section", "position"], name="action_position_unique_in_section"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="action_position_positive"),
            models.CheckConstraint(condition=Q(rag__in=RAG_VALUES), name="action_rag_valid"),
        ]

    def __str__(self):
        return f"{self.ref} {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.timescale and not self.due_date:
            self.due_date = parse_timescale(self.timescale)
        if not self.original_timescale:
            self.original_timescale = self.timescale
        rag_changed = self.rag != getattr(self, "_loaded_rag", "")
        if rag_changed and not (getattr(self, "_change_reason", "") or "").strip():
            raise ValidationError("A change of RAG rating needs a reason: use Action.rate().")
        super().save(*args, **kwargs)
        self._loaded_rag = self.rag

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_rag = instance.__dict__.get("rag")
        return instance

    @property
    def ref(self):
        return f"{self.section.number}.{self.position}"

    @property
    def is_removed(self):
        return self.removed_at is not None

    def remove(self, reason):
        """Take the action out of the plan; its ref is not reused. History keeps it all."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Enter the reason for removing this action"})
        self.removed_at = timezone.now()
        self.removed_reason = reason
        self._change_reason = reason
        self.save()

    @property
    def rag_label(self):
        return Rag.label_for(self.rag)

    @property
    def is_complete(self):
        return self.rag == Rag.BLUE

    def is_overdue(self, today=None):
        return self.due_date < (today or timezone.localdate()) and not self.is_complete

    @property
    def timescale_revised(self):
        return bool(self.original_timescale) and self.original_timescale != self.timescale

    def clean(self):
        try:
            self.due_date = parse_timescale(self.timescale)
        except TimescaleError as error:
            raise ValidationError({"timescale": str(error)}) from None

    @transaction.atomic
    def rate(self, rag, reason, by=None, version=None):
        """Record the chair's judgement: the rating, why, who and when. With ``version``
        (the one the chair's form was opened at), refuse if someone rated since."""
        reason = (reason or "").strip()
        if rag not in RAG_VALUES:
            raise ValidationError({"rag": "Select a rating: Red, Amber, Green, Blue or Not rated"})
        if not reason:
            raise ValidationError({"rag_reason": "Enter the reason for this rating"})
        self.check_version(version)
        self.rag = rag
        self.rag_reason = reason
        self.rated_by = by
        self.rated_at = timezone.now()
        self._change_reason = reason
        self.save()

    def revise_timescale(self, label, reason):
        """Move the target date, keeping the original and recording why."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Enter the reason the timescale has changed"})
        try:
            due_date = parse_timescale(label)
        except TimescaleError as error:
            raise ValidationError({"timescale": str(error)}) from None
        self.timescale = " ".join(label.split())
        self.due_date = due_date
        self._change_reason = reason
        self.save()

    def timescale_revisions(self):
        """Each change of timescale, oldest first: (from, to, reason, who, when)."""
        revisions = []
        previous = None
        for record in self.history.order_by("history_date", "history_id"):
            if previous is not None and record.timescale != previous.timescale:
                revisions.append(
                    {
                        "from": previous.timescale,
                        "to": record.timescale,
                        "reason": record.history_change_reason,
                        "by": record.history_user_name,
                        "when": record.history_date,
                    }
                )
            previous = record
        return revisions

    def rating_history(self):
        """Each change of RAG rating, newest first, with its reason, who and when."""
        changes = []
        previous_rag = None
        records = self.history.order_by("history_date", "history_id").select_related("rated_by")
        for record in records:
            first = previous_rag is None
            if (first and record.rag) or (not first and record.rag != previous_rag):
                changes.append(
                    {
                        "from": "" if first else Rag.label_for(previous_rag),
                        "to": Rag.label_for(record.rag),
                        "rag": record.rag,
                        "reason": record.rag_reason,
                        "by": record.history_user_name or person_name(record.rated_by),
                        "when": record.rated_at or record.history_date,
                    }
                )
            previous_rag = record.rag
        return list(reversed(changes))

    def set_leads(self, pairs, reason):
        """Make the leads exactly ``pairs`` [(agency, post or None)], in that order."""
        existing = {(lead.agency_id, lead.post_id): lead for lead in self.leads.all()}
        wanted = [(agency.pk, post.pk if post else None) for agency, post in pairs]
        for key, lead in existing.items():
            if key not in wanted:
                lead._change_reason = reason
                lead.delete()
        for position, (agency_id, post_id) in enumerate(wanted, start=1):
            lead = existing.get((agency_id, post_id))
            if lead is None:
                lead = ActionLead(action=self, agency_id=agency_id, post_id=post_id)
            elif lead.position == position:
                continue
            lead.position = position
            lead._change_reason = reason
            lead.save()

    @transaction.atomic
    def move_to(self, section, position, reason):
        """Move this action to ``position`` in ``section`` (1-based), renumbering
        the actions around it so refs stay 1, 2, 3 ... in both sections."""
        old_section, old_position = self.section, self.position
        siblings = list(
            Action.objects.select_for_update()
            .filter(section=section)
            .exclude(pk=self.pk)
            .order_by("position")
        )
        position = max(1, min(position, len(siblings) + 1))
        if old_section == section and old_position == position:
            return
        # Park the action out of the way so the unique (section, position) constraint holds
        # while its neighbours shift. The parking spot is never committed: no history for it.
        self.position = 32000
        self.skip_history_when_saving = True
        try:
            self.save()
        finally:
            del self.skip_history_when_saving
        siblings.insert(position - 1, self)
        if old_section != section:
            _renumber(
                Action.objects.select_for_update().filter(section=old_section).exclude(pk=self.pk),
                reason,
            )
        self.section = section
        _renumber(siblings, reason)


def _renumber(actions, reason):
    """Give ``actions`` positions 1, 2, 3 ... in the order given, saving only those that
    change. Moving down frees a place before it is taken, so the order of saves matters."""
    actions = list(actions)
    wanted = {action.pk: index for index, action in enumerate(actions, start=1)}
    pending = [action for action in actions if action.position != wanted[action.pk]]
    while pending:
        taken = {action.position for action in actions}
        ready = [action for action in pending if wanted[action.pk] not in taken]
        if not ready:  # a cycle; cannot happen with one parked action, but never loop forever
            raise RuntimeError("Cannot renumber actions without a free position")
        for action in ready:
            action.position = wanted[action.pk]
            action._change_reason = reason
            action.save()
            pending.remove(action)


class ActionLead(models.Model):
    """One lead of an action: an agency or group, optionally a post within it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="leads")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="actions_led"
    )
    post = models.ForeignKey(
        "agencies.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=1)
    as_written = models.CharField(
        max_length=200, blank=True, help_text="The lead as the source plan wrote it."
    )

    history = tracked()

    class Meta:
        ordering = ["action", "position", "id"]
        verbose_name = "lead"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "agency"],
                condition=Q(post__isnull=True),
                name="lead_agency_once_per_action",
            ),
            models.UniqueConstraint(
                fields=["action", "agency", "post"],
                condition=Q(post__isnull=False),
                name="lead_post_once_per_action",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.post_id:
            return f"{self.post.title}, {self.agency.name}"
        return self.agency.name

    def clean(self):
        if self.post_id and self.post.agency_id != self.agency_id:
            raise ValidationError({"post": "Select a post within the lead agency"})


class EvidenceEntryQuerySet(models.QuerySet):
    def current(self):
        """Entries not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def since(self, date):
        return self.filter(activity_date__gte=date)


class EvidenceEntry(Versioned):
    """One dated bullet of an action's current position: what was done, by which
    agency, recorded by whom. Section 1.1 of the CSE plan even rates single bullets."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence_entries")
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
    history = tracked()

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

    def withdraw(self, reason):
        """Take the entry out of the current position. Its text stays, in history too."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Enter the reason for withdrawing this entry"})
        self.withdrawn_at = timezone.now()
        self.withdrawn_reason = reason
        self._change_reason = reason
        self.save()
