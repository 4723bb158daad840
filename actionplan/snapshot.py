"""The plan as a whole, now or *as at* a past date, rebuilt from history.

One code path serves the screen, the exports and the board pack: fetch each kind
of row in one query (live tables, or history tables as they stood at a moment),
then assemble sections → actions → leads and evidence in memory. The number of
queries is the same for 20 actions as for 2,000.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Post

from .history.moments import end_of_day, rebuild
from .models import Action, ActionLead, EvidenceEntry, Plan, Section

__all__ = ["PlanDidNotExist", "PlanSnapshot", "SectionRow", "end_of_day", "plan_snapshot"]


class PlanDidNotExist(LookupError):
    """The plan had not been created (or loaded) by the date asked for."""


@dataclass
class SectionRow:
    section: Section
    actions: list = field(default_factory=list)


@dataclass
class PlanSnapshot:
    plan: Plan
    as_at: datetime.date | None
    sections: list

    @property
    def actions(self):
        return [action for row in self.sections for action in row.actions]

    @property
    def reference_date(self):
        """The day against which "overdue" is judged."""
        return self.as_at or timezone.localdate()


def plan_snapshot(plan, as_at=None):
    """The plan now (``as_at=None``), or as it stood at the end of the day ``as_at``.

    Each action gets ``lead_list`` (leads in order, with agency and post) and
    ``evidence_list`` (entries in date order) attached.
    """
    if as_at is None:
        source = _live
        sections = Section.objects.filter(plan=plan, removed_at=None)
    else:
        moment = end_of_day(as_at)

        def source(model):
            return rebuild(model, moment)

        plan_then = source(Plan).filter(id=plan.pk).first()
        if plan_then is None:
            raise PlanDidNotExist(f"“{plan}” had not been created by {as_at:%-d %B %Y}.")
        plan = plan_then
        sections = source(Section).filter(plan_id=plan.pk, removed_at=None)

    sections = sorted(sections, key=lambda s: s.number)
    section_ids = [s.pk for s in sections]
    actions = list(source(Action).filter(section_id__in=section_ids, removed_at=None))
    action_ids = [a.pk for a in actions]
    leads = list(source(ActionLead).filter(action_id__in=action_ids))
    entries = list(source(EvidenceEntry).filter(action_id__in=action_ids, withdrawn_at=None))
    agencies = _lookup(Agency, source)
    posts = _lookup(Post, source)
    users = {u.pk: u for u in _users_named_in(actions, entries)}

    reference_date = as_at or timezone.localdate()
    by_section = {s.pk: SectionRow(section=s) for s in sections}
    by_action = {}
    for action in sorted(actions, key=lambda a: a.position):
        action.section = by_section[action.section_id].section
        action.overdue = action.is_overdue(reference_date)
        action.rated_by = users.get(action.rated_by_id)
        action.lead_list = []
        action.evidence_list = []
        by_section[action.section_id].actions.append(action)
        by_action[action.pk] = action
    for lead in sorted(leads, key=lambda lead: (lead.position, lead.pk)):
        lead.agency = agencies[lead.agency_id]
        lead.post = posts.get(lead.post_id)
        if lead.post is not None:
            lead.post.agency = agencies[lead.post.agency_id]
        by_action[lead.action_id].lead_list.append(lead)
    for entry in sorted(entries, key=_evidence_order):
        entry.agency = agencies.get(entry.agency_id)
        entry.recorded_by = users.get(entry.recorded_by_id)
        by_action[entry.action_id].evidence_list.append(entry)

    return PlanSnapshot(plan=plan, as_at=as_at, sections=list(by_section.values()))


def _live(model):
    return model.objects.all()


def _lookup(model, source):
    """Agencies and posts by id, as they were named at the time. One whose history
    does not reach back that far (created later, e.g. by an import) keeps today's name."""
    found = {obj.pk: obj for obj in source(model)}
    if source is not _live:
        found = {obj.pk: obj for obj in model.objects.all()} | found
    return found


def _evidence_order(entry):
    return (entry.activity_date or datetime.date.min, entry.recorded_at, entry.pk)


def _users_named_in(actions, entries):
    ids = {a.rated_by_id for a in actions} | {e.recorded_by_id for e in entries}
    ids.discard(None)
    if not ids:
        return []
    return get_user_model().objects.filter(pk__in=ids)
