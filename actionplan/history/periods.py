"""What changed in a plan during a period, read from django-simple-history.

The period runs from the end of one day (the last pack's as-at date, or a chosen
"since" date) to the end of another (this pack's as-at date), Europe/London. Three
queries whatever the size of the plan: the history of its sections, of its actions and
of their evidence entries up to the end of the period. The rest is worked out here.

The records written when an object is created (history_type "+") are not changes of
rating: an action loaded or added with a rating is *added*, not *re-rated*.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from ..historical import person_name
from ..models import Action, EvidenceEntry, Rag, Section
from .ratings import is_rating_decision

EVIDENCE_FIELDS = ("text", "activity_date", "agency_id", "rag")


@dataclass
class RatingChange:
    ref: str
    action_text: str
    old: str
    new: str
    reason: str
    by: str
    when: datetime.datetime
    direction: str

    @property
    def old_label(self):
        return Rag.label_for(self.old)

    @property
    def new_label(self):
        return Rag.label_for(self.new)


@dataclass
class TimescaleChange:
    """A revision of an action's timescale: a slip (later), or brought forward."""

    ref: str
    action_text: str
    old: str
    new: str
    reason: str
    by: str
    when: datetime.datetime
    later: bool  # the new target date is after the old one: the action slipped

    @property
    def detail(self):
        return "Slipped" if self.later else "Brought forward"


@dataclass
class EvidenceChange:
    ref: str
    text: str
    status: str  # New, Changed, Withdrawn or Removed
    reason: str
    agency: str
    by: str
    when: datetime.datetime


@dataclass
class ActionChange:
    ref: str
    action_text: str
    detail: str
    reason: str
    by: str
    when: datetime.datetime


@dataclass
class Changes:
    """Everything that changed in the period, in plan order."""

    ratings: list = field(default_factory=list)
    timescales: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    added: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    # The RAG value of each action that was in the plan when the period began.
    rag_at_start: dict = field(default_factory=dict)


class Timeline:
    """The history records of one object, oldest first."""

    def __init__(self):
        self.records = []

    def at(self, moment):
        """The object as it stood at ``moment``; None if it did not exist (or was deleted)."""
        found = None
        for record in self.records:
            if record.history_date > moment:
                break
            found = record
        if found is None or found.history_type == "-":
            return None
        return found

    def pairs_within(self, start, end):
        """(previous, record) for each record after ``start`` up to ``end``."""
        previous = None
        for record in self.records:
            if start < record.history_date <= end:
                yield previous, record
            previous = record


def _timelines(records):
    timelines = defaultdict(Timeline)
    for record in records:
        timelines[record.id].records.append(record)
    return timelines


def _ordered(queryset):
    # Two saves in the same microsecond are told apart by history_id: the later wins.
    return queryset.order_by("history_date", "history_id")


def changes_between(plan, start, end):
    """The changes to ``plan`` after the moment ``start`` up to the moment ``end``."""
    section_ids = Section.history.filter(plan_id=plan.pk).values("id")
    action_ids = Action.history.filter(section_id__in=section_ids).values("id")
    sections = _timelines(_ordered(Section.history.filter(plan_id=plan.pk, history_date__lte=end)))
    actions = _timelines(
        _ordered(
            Action.history.filter(section_id__in=section_ids, history_date__lte=end)
        ).select_related("rated_by")
    )
    entries = _timelines(
        _ordered(
            EvidenceEntry.history.filter(action_id__in=action_ids, history_date__lte=end)
        ).select_related("recorded_by", "agency")
    )
    return _Reader(sections, actions, start, end).read(entries)


class _Reader:
    def __init__(self, sections, actions, start, end):
        self.sections, self.actions = sections, actions
        self.start, self.end = start, end

    def place(self, record, moment):
        """(section number, position) of an action record, numbered as at ``moment``."""
        section = self.sections[record.section_id].at(moment)
        return (section.number if section else 0, record.position)

    def ref(self, action_id, moment):
        """The action's ref at the end of the period, or at ``moment`` if it was gone by then."""
        timeline = self.actions.get(action_id)
        if timeline is None:  # an action with no history (made by a raw save)
            return "?"
        record = timeline.at(self.end)
        if record is not None:
            moment = self.end
        else:
            record = timeline.at(moment) or timeline.records[-1]
        return "{}.{}".format(*self.place(record, moment))

    def order(self, action_id):
        """Where the action sorts: by its place in the plan at the end of the period."""
        timeline = self.actions.get(action_id)
        if timeline is None:
            return (0, 0)
        record = timeline.at(self.end) or timeline.records[-1]
        return self.place(record, self.end)

    def read(self, entries):
        changes = Changes()
        for action_id, timeline in self.actions.items():
            before, after = timeline.at(self.start), timeline.at(self.end)
            if before is not None:
                changes.rag_at_start[action_id] = before.rag
            self._ratings(action_id, timeline, changes)
            self._timescales(action_id, timeline, changes)
            self._lifecycle(action_id, timeline, before, after, changes)
        for timeline in entries.values():
            change = self._evidence(timeline)
            if change is not None:
                changes.evidence.append((self.order(timeline.records[0].action_id), change))
        for name in ("ratings", "timescales", "evidence", "added", "moved", "completed", "removed"):
            items = sorted(getattr(changes, name), key=lambda item: (item[0], item[1].when))
            setattr(changes, name, [change for _, change in items])
        return changes

    def _edits(self, timeline, changed):
        """(previous, record) for each edit of the action in the period of which
        ``changed(previous, record)`` holds."""
        for previous, record in timeline.pairs_within(self.start, self.end):
            if record.history_type == "~" and previous is not None and changed(previous, record):
                yield previous, record

    def _ratings(self, action_id, timeline, changes):
        for previous, record in self._edits(timeline, is_rating_decision):
            change = RatingChange(
                ref=self.ref(action_id, record.history_date),
                action_text=record.text,
                old=previous.rag,
                new=record.rag,
                reason=record.rag_reason or record.history_change_reason or "",
                by=record.history_user_name or person_name(record.rated_by),
                when=record.history_date,
                direction=Rag.direction(previous.rag, record.rag),
            )
            changes.ratings.append((self.order(action_id), change))

    def _timescales(self, action_id, timeline, changes):
        """Each revision of the timescale in the period, with its reason (a revision
        always has one: ``Action.revise_timescale``)."""
        revised = lambda previous, record: record.timescale != previous.timescale  # noqa: E731
        for previous, record in self._edits(timeline, revised):
            change = TimescaleChange(
                ref=self.ref(action_id, record.history_date),
                action_text=record.text,
                old=previous.timescale,
                new=record.timescale,
                reason=record.history_change_reason or "",
                by=record.history_user_name,
                when=record.history_date,
                later=record.due_date > previous.due_date,
            )
            changes.timescales.append((self.order(action_id), change))

    def _lifecycle(self, action_id, timeline, before, after, changes):
        order = self.order(action_id)
        first = timeline.records[0]
        if after is not None and first.history_type == "+" and first.history_date > self.start:
            changes.added.append((order, self._action_change(action_id, first, "Added")))
        if before is not None and after is None:
            within = [record for _, record in timeline.pairs_within(self.start, self.end)]
            gone = within[-1] if within else before
            changes.removed.append((order, self._action_change(action_id, gone, "Removed")))
        if before is None or after is None:
            if after is not None and after.rag == Rag.BLUE:
                changes.completed.append((order, self._became_blue(action_id, timeline)))
            return
        old_ref = "{}.{}".format(*self.place(before, self.start))
        new_ref = "{}.{}".format(*self.place(after, self.end))
        if old_ref != new_ref:
            moves = [
                record
                for previous, record in timeline.pairs_within(self.start, self.end)
                if previous is not None
                and (previous.section_id, previous.position) != (record.section_id, record.position)
            ]
            record = moves[-1] if moves else after
            changes.moved.append(
                (order, self._action_change(action_id, record, f"Was {old_ref}, now {new_ref}"))
            )
        if after.rag == Rag.BLUE and before.rag != Rag.BLUE:
            changes.completed.append((order, self._became_blue(action_id, timeline)))

    def _became_blue(self, action_id, timeline):
        record = timeline.at(self.end)
        for previous, candidate in timeline.pairs_within(self.start, self.end):
            if candidate.rag == Rag.BLUE and (previous is None or previous.rag != Rag.BLUE):
                record = candidate
        change = self._action_change(action_id, record, "Rated Blue (complete)")
        change.reason = record.rag_reason or change.reason
        return change

    def _action_change(self, action_id, record, detail):
        return ActionChange(
            ref=self.ref(action_id, record.history_date),
            action_text=record.text,
            detail=detail,
            reason=record.history_change_reason or "",
            by=record.history_user_name,
            when=record.history_date,
        )

    def _evidence(self, timeline):
        within = [record for _, record in timeline.pairs_within(self.start, self.end)]
        if not within:
            return None
        before, last = timeline.at(self.start), within[-1]
        reason = last.history_change_reason or ""
        if last.history_type == "-":
            if before is None:
                return None  # added and removed within the period
            status = "Removed"
        elif last.withdrawn_at and not (before and before.withdrawn_at):
            status, reason = "Withdrawn", last.withdrawn_reason or reason
        elif last.withdrawn_at:
            return None  # already withdrawn when the period began
        elif before is None:
            status = "New"
        elif before.withdrawn_at or any(
            getattr(before, name) != getattr(last, name) for name in EVIDENCE_FIELDS
        ):
            status = "Changed"
        else:
            return None  # saved without a change the board would see
        return EvidenceChange(
            ref=self.ref(last.action_id, last.history_date),
            text=last.text,
            status=status,
            reason="" if status == "New" else reason,
            agency=last.agency.name if last.agency_id and last.agency else "",
            by=last.history_user_name or person_name(last.recorded_by if status == "New" else None),
            when=last.history_date,
        )
