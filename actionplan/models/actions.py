"""Actions and their leads: what the plan says will be done, by whom and by when."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..historical import tracked
from ..timescales import TimescaleError, parse_timescale
from .base import Removable, Versioned, required_reason, save_with_reason
from .rag import RAG_VALUES, Rag

# A rating carried over from the Word plan (no date) counts as given when the plan was
# loaded; the evidence loaded with it (within this long of the action) is not "new".
CARRIED_OVER = datetime.timedelta(hours=1)


class ActionQuerySet(models.QuerySet):
    def current(self):
        """Actions not removed."""
        return self.filter(removed_at__isnull=True)

    def in_plan(self, plan):
        """The plan's current actions."""
        return self.filter(section__plan=plan, removed_at__isnull=True)

    def overdue(self, today=None):
        """Target date passed and not complete (Blue)."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(rag=Rag.BLUE)

    def in_plan_order(self):
        return self.select_related("section").order_by("section__number", "position")

    def after(self, action):
        """These actions that come after ``action`` in the plan's order (by ref)."""
        number, position = action.section.number, action.position
        return self.filter(
            Q(section__number__gt=number) | Q(section__number=number, position__gt=position)
        ).in_plan_order()

    def led_by(self, agency):
        return self.filter(leads__agency=agency).distinct()

    def with_evidence_status(self, since):
        """Annotate ``last_evidence`` (the latest activity date of a current entry) and
        ``needs_evidence``: no current entry dated ``since`` or later."""
        from .evidence import EvidenceEntry

        recent = EvidenceEntry.objects.current().filter(
            action=OuterRef("pk"), activity_date__gte=since
        )
        return self.annotate(
            last_evidence=Max(
                "evidence_entries__activity_date", filter=Q(evidence_entries__withdrawn_at=None)
            ),
            needs_evidence=~Exists(recent),
        )

    def not_rated(self):
        return self.filter(rag="")

    def red_or_amber(self):
        return self.filter(rag__in=[Rag.RED, Rag.AMBER])

    def with_new_evidence_since_rating(self):
        """Rated actions with a current evidence entry recorded after the rating. A rating
        carried over from the Word plan has no date: it counts as given when the plan was
        loaded, with the evidence loaded with it (``CARRIED_OVER``)."""
        from .evidence import EvidenceEntry

        loaded = (
            Action.history.filter(id=OuterRef(OuterRef("pk")))
            .order_by("history_date")
            .values("history_date")[:1]
        )
        carried_over = ExpressionWrapper(
            Subquery(loaded) + Value(CARRIED_OVER), output_field=models.DateTimeField()
        )
        newer = EvidenceEntry.objects.current().filter(
            action=OuterRef("pk"),
            recorded_at__gt=Coalesce(OuterRef("rated_at"), carried_over),
        )
        return self.exclude(rag="").filter(Exists(newer))

    def rag_counts_by_section(self):
        """{section id: {rating value: number of actions}}, in one query."""
        counts = {}
        for row in self.values("section_id", "rag").annotate(n=Count("id")).order_by():
            counts.setdefault(row["section_id"], {})[row["rag"]] = row["n"]
        return counts


class Action(Removable, Versioned):
    """One action of a section. Its ref ("2.1") is the section number and the
    action's position within the section, so it follows the action when it moves."""

    section = models.ForeignKey("Section", on_delete=models.PROTECT, related_name="actions")
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

    objects = ActionQuerySet.as_manager()
    history = tracked(in_plan=["section"])

    removal_noun = "action"

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
        """Record the chair's judgement: the rating, why, who and when. Rating an action
        again with the same rating and a new reason is a judgement too. With ``version``
        (the one the chair's form was opened at), refuse if someone changed it since."""
        if rag not in RAG_VALUES:
            raise ValidationError({"rag": "Select a rating: Red, Amber, Green, Blue or Not rated"})
        reason = required_reason(reason, "Enter the reason for this rating", field="rag_reason")
        self.check_version(version)
        self.rag = rag
        self.rag_reason = reason
        self.rated_by = by
        self.rated_at = timezone.now()
        save_with_reason(self, reason)

    def last_rated_at(self):
        """When the current rating was given: ``rated_at``, or for a rating carried over
        from the Word plan (no date), when the action was loaded (and the evidence loaded
        with it: ``CARRIED_OVER``). None if not rated.
        ``ActionQuerySet.with_new_evidence_since_rating`` asks the same in SQL."""
        if not self.rag:
            return None
        if self.rated_at:
            return self.rated_at
        first = self.history.order_by("history_date").values_list("history_date", flat=True)
        loaded = first.first()
        return loaded + CARRIED_OVER if loaded else None

    def revise_timescale(self, label, reason):
        """Move the target date, keeping the original and recording why."""
        reason = required_reason(reason, "Enter the reason the timescale has changed")
        try:
            due_date = parse_timescale(label)
        except TimescaleError as error:
            raise ValidationError({"timescale": str(error)}) from None
        self.timescale = " ".join(label.split())
        self.due_date = due_date
        save_with_reason(self, reason)

    @transaction.atomic
    def edit(
        self, *, text, outcomes, timescale, timescale_reason, leads, version, wording_reason=None
    ):
        """The business manager's edit of the wording, timescale and leads, under a row
        lock, refusing if someone changed the action (or its leads) since the form opened.
        A change of wording, like one of timescale, says why (``wording_reason``; the
        timescale's reason when only one is given, as a returned spreadsheet does)."""
        self.check_version(version)
        if timescale != self.timescale:
            self.revise_timescale(timescale, timescale_reason)
        if (text, outcomes) != (self.text, self.outcomes):
            reason = required_reason(
                wording_reason if wording_reason is not None else timescale_reason,
                "Enter the reason for changing the wording",
                field="wording_reason",
            )
            self.text, self.outcomes = text, outcomes
            save_with_reason(self, reason)
        if self.set_leads(leads, reason="Leads changed"):
            self.bump_version()

    def set_leads(self, pairs, reason):
        """Make the leads exactly ``pairs`` [(agency, post or None)], in that order.
        Returns whether anything changed."""
        existing = {(lead.agency_id, lead.post_id): lead for lead in self.leads.all()}
        wanted = [(agency.pk, post.pk if post else None) for agency, post in pairs]
        changed = False
        for key, lead in existing.items():
            if key not in wanted:
                lead._change_reason = reason
                lead.delete()
                changed = True
        for position, (agency_id, post_id) in enumerate(wanted, start=1):
            lead = existing.get((agency_id, post_id))
            if lead is None:
                lead = ActionLead(action=self, agency_id=agency_id, post_id=post_id)
            elif lead.position == position:
                continue
            lead.position = position
            save_with_reason(lead, reason)
            changed = True
        if changed and hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache.pop("leads", None)
        return changed

    @transaction.atomic
    def move_to(self, section, position, reason, version=None):
        """Move this action to ``position`` in ``section`` (1-based; None: after the last).
        Refs are how minutes and packs refer to actions, so no other action's ref changes:
        the number must be free in that section (a removed action keeps its number too).
        Closing the gaps is a deliberate step of its own, ``Plan.renumber``."""
        self.check_version(version)
        reason = required_reason(reason, "Enter the reason for the move")
        # The section's row is locked, as Section.add_action locks it, so that two people
        # cannot take the same free number at once.
        type(section).objects.select_for_update().filter(pk=section.pk).exists()
        if position is None:
            last = section.next_position() - 1
            if section.pk == self.section_id and self.position == last:
                return  # already last
            position = last + 1
        if (self.section_id, self.position) == (section.pk, position):
            return
        taken = section.actions.filter(position=position).exclude(pk=self.pk).first()
        if taken is not None:
            raise ValidationError(
                {
                    "position": f"{taken.ref} is already taken: choose a free number (the "
                    f"next is {section.number}.{section.next_position()}), or renumber "
                    "the plan first"
                }
            )
        self.section, self.position = section, position
        save_with_reason(self, reason)


def _renumber(actions, reason, start=1):
    """Give ``actions`` positions start, start + 1 ... in the order given, saving only those
    that change. Moving down frees a place before it is taken, so the order of saves
    matters."""
    actions = list(actions)
    wanted = {action.pk: index for index, action in enumerate(actions, start=start)}
    pending = [action for action in actions if action.position != wanted[action.pk]]
    while pending:
        taken = {action.position for action in actions}
        ready = [action for action in pending if wanted[action.pk] not in taken]
        if not ready:  # a cycle: cannot happen when no action moves up; never loop forever
            raise RuntimeError("Cannot renumber actions without a free position")
        for action in ready:
            action.position = wanted[action.pk]
            save_with_reason(action, reason)
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

    history = tracked(in_plan=["action", "section"])

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
