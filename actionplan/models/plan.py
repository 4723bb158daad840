"""The plan and its numbered sections."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..historical import tracked
from .base import Removable, Versioned, required_reason, save_with_reason
from .rag import Rag


class PlanQuerySet(models.QuerySet):
    def open(self):
        """Plans not closed: the ones people are still asked to update."""
        return self.filter(closed_at__isnull=True)


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
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # What each rating means in this plan: set by the plan's owner, shown on the rating
    # form and as a key on the plan, the dashboard and the board pack.
    red_means = models.CharField(
        "Red means", max_length=200, default="Off track: needs the board's help"
    )
    amber_means = models.CharField("Amber means", max_length=200, default="At risk")
    green_means = models.CharField("Green means", max_length=200, default="On track")
    blue_means = models.CharField("Blue means", max_length=200, default="Complete")

    objects = PlanQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def renumbering(self):
        """[(action, new position)] for the current actions whose ref a renumbering would
        change: each section's actions numbered 1, 2, 3 ... in their order (one query)."""
        from .actions import Action

        changes, numbered = [], {}
        current = Action.objects.current().filter(section__plan=self, section__removed_at=None)
        for action in current.in_plan_order():
            new = numbered[action.section_id] = numbered.get(action.section_id, 0) + 1
            if action.position != new:
                changes.append((action, new))
        return changes

    @transaction.atomic
    def renumber(self, reason):
        """Close the gaps moves and removals left: each section's current actions become
        1, 2, 3 ... in their order, each change in the history with ``reason``; removed
        actions go after them. Returns [(old ref, new ref)] of the current actions."""
        from .actions import Action, _renumber

        reason = required_reason(reason, "Enter the reason for renumbering the plan")
        changed = []
        for section in self.sections.current().select_for_update().order_by("number"):
            actions = list(
                Action.objects.select_for_update().filter(section=section).order_by("position")
            )
            current = [a for a in actions if not a.is_removed]
            removed = [a for a in actions if a.is_removed]
            changed += [
                (a.ref, f"{section.number}.{n}")
                for n, a in enumerate(current, start=1)
                if a.position != n
            ]
            if any(a.position <= len(current) for a in removed):
                # Out of the way first, above every number in use, so that no current
                # action has to move up past one.
                top = max(a.position for a in actions)
                _renumber(removed, reason, start=top + 1)
            _renumber(current, reason)
            if removed:
                _renumber(removed, reason, start=len(current) + 1)
        return changed

    @property
    def is_closed(self):
        """A closed plan is read-only: still readable, its packs still downloadable."""
        return self.closed_at is not None

    @transaction.atomic
    def close(self, reason):
        reason = required_reason(reason, "Enter the reason for closing this plan")
        if Plan.objects.select_for_update().get(pk=self.pk).is_closed:
            raise ValidationError("This plan has already been closed")
        self.closed_at = timezone.now()
        self.closed_reason = reason
        return save_with_reason(self, reason)

    def next_section_number(self):
        return (self.sections.aggregate(last=Max("number"))["last"] or 0) + 1

    @transaction.atomic
    def add_section(self, *, number, title, purpose, reason="Section added"):
        """A new section; its number must be free in the plan (removed sections keep theirs)."""
        if self.sections.select_for_update().filter(number=number).exists():
            raise ValidationError({"number": f"Section {number} already exists in this plan"})
        return save_with_reason(
            Section(plan=self, number=number, title=title, purpose=purpose), reason
        )

    @transaction.atomic
    def copy(self, *, slug, title, short_title=""):
        """Next year's plan: this plan's sections, actions, leads and timescales, without
        its evidence or ratings. Removed sections and actions are left behind."""
        from .actions import Action, ActionLead

        reason = f"Copied from {self.title}"
        fields = ["partnership", "owner_id", "parent_plan", "protective_marking", "notes"]
        fields += ["red_means", "amber_means", "green_means", "blue_means"]
        copy = Plan(slug=slug, title=title, short_title=short_title)
        for field in fields:
            setattr(copy, field, getattr(self, field))
        save_with_reason(copy, reason)
        for section in self.sections.current():
            new_section = save_with_reason(
                Section(
                    plan=copy,
                    number=section.number,
                    title=section.title,
                    title_reconstructed=section.title_reconstructed,
                    purpose=section.purpose,
                    purpose_reconstructed=section.purpose_reconstructed,
                ),
                reason,
            )
            for action in section.actions.current().prefetch_related("leads"):
                new_action = save_with_reason(
                    Action(
                        section=new_section,
                        position=action.position,
                        text=action.text,
                        outcomes=action.outcomes,
                        timescale=action.timescale,
                        due_date=action.due_date,
                    ),
                    reason,
                )
                for lead in action.leads.all():
                    save_with_reason(
                        ActionLead(
                            action=new_action,
                            agency_id=lead.agency_id,
                            post_id=lead.post_id,
                            position=lead.position,
                            as_written=lead.as_written,
                        ),
                        reason,
                    )
        return copy

    @property
    def rag_definitions(self):
        """[(key, word, meaning)] for Red, Amber, Green and Blue, in that order."""
        return [
            (rag.value, rag.label, getattr(self, f"{rag.value}_means"))
            for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
        ]

    def rag_meanings(self):
        """{rating value: what it means in this plan}, for the rating form's hints."""
        return {key: meaning for key, _, meaning in self.rag_definitions}


class SectionQuerySet(models.QuerySet):
    def current(self):
        """Sections not removed."""
        return self.filter(removed_at__isnull=True)


class Section(Removable, Versioned):
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

    objects = SectionQuerySet.as_manager()
    history = tracked()

    removal_noun = "section"

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

    def check_can_remove(self):
        if self.actions.current().exists():
            raise ValidationError(
                {"reason": "Move or remove this section's actions before removing the section"}
            )

    @transaction.atomic
    def edit(self, *, title, purpose, reason, version):
        """Change the heading or purpose statement, refusing if someone saved since."""
        self.check_version(version)
        if title != self.title:
            self.title_reconstructed = False
        self.title, self.purpose = title, purpose
        return save_with_reason(self, reason)

    def next_position(self):
        """The number after the section's last action (removed ones keep theirs)."""
        return (self.actions.aggregate(last=Max("position"))["last"] or 0) + 1

    @transaction.atomic
    def add_action(self, *, text, outcomes, timescale, due_date, leads, reason="Action added"):
        """A new action at the end of the section, with its leads, all or nothing. The
        section's row is locked while the next position is chosen, so two people adding
        at once get 3 and 4, not 3 twice (an aggregate cannot be locked itself)."""
        from .actions import Action

        Section.objects.select_for_update().filter(pk=self.pk).exists()
        action = Action(
            section=self,
            position=self.next_position(),
            text=text,
            outcomes=outcomes,
            timescale=timescale,
            due_date=due_date,
        )
        save_with_reason(action, reason)
        action.set_leads(leads, reason=reason)
        return action
