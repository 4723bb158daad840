"""The board pack's content: the plan as at a date, and what moved since the last pack.

``pack_context()`` builds everything the pack shows, for the screen preview, the PDF
download and the command line alike. It reads the plan with ``plan_snapshot()`` and
the period's changes with ``changes_between()``: a fixed number of queries, whatever
the size of the plan.

The period: a pack reports the changes made after the end of its *since* day up to
the end of its as-at day (Europe/London). The since day is, in this order, the one
asked for; the as-at date of the last pack issued for the plan before this one; or
the day the plan was created, so the first pack starts from the plan as first set up.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from actionplan.historical import person_name
from actionplan.history import changes_between, end_of_day, rebuild
from actionplan.models import Attachment, Plan, Rag
from actionplan.quarters import financial_quarter
from actionplan.snapshot import plan_snapshot

from .chart import rag_charts
from .models import BoardPack, PackKind

RAG_COLUMNS = Rag.columns()
COMMAND_LINE = "Command line (manage.py board_pack)"
MOVEMENT = [
    ("up", "Rating went up"),
    ("down", "Rating went down"),
    ("same", "Rating unchanged"),
    ("first rated", "Rated for the first time"),
    ("unrated", "Rating taken away (now not rated)"),
    ("added", "Added to the plan in the period"),
]


def long_date(date):
    return f"{date:%-d %B %Y}"


def plan_created_on(plan):
    """The day the plan was created (its first history record), Europe/London."""
    created = (
        Plan.history.filter(id=plan.pk)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(created) if created else None


@dataclass
class Period:
    """The days a pack reports changes for: after ``since`` up to ``as_at``."""

    since: datetime.date
    as_at: datetime.date
    baseline: str  # "pack", "date" or "creation"
    previous_pack: BoardPack | None = None

    @property
    def first_day(self):
        return self.since + datetime.timedelta(days=1)

    @property
    def start(self):
        return end_of_day(self.since)

    @property
    def end(self):
        return end_of_day(self.as_at)

    @property
    def is_empty(self):
        return self.since >= self.as_at

    def covers(self, day):
        return self.since < day <= self.as_at

    @property
    def days(self):
        if self.is_empty:
            return "no days"
        if self.first_day == self.as_at:
            return long_date(self.as_at)
        return f"{long_date(self.first_day)} to {long_date(self.as_at)}"

    @property
    def summary(self):
        """The period in a few words, for the cover: which days, or why there are none."""
        if self.is_empty:
            return (
                f"None yet: the plan was set up on {long_date(self.as_at)}, the as-at date, "
                "so this pack is its starting point"
            )
        return self.days[0].upper() + self.days[1:]

    @property
    def description(self):
        """One sentence: which days, and why those."""
        if self.baseline == "pack":
            why = f"the days after the last pack, issued as at {long_date(self.since)}"
        elif self.baseline == "date":
            why = f"the days after {long_date(self.since)}, the date asked for"
        else:
            why = f"the days after the plan was set up on {long_date(self.since)}"
        if self.is_empty:
            return (
                f"No changes are reported: the plan was set up on {long_date(self.as_at)}, "
                "the as-at date, so this pack starts from the plan as first set up."
            )
        return f"Changes made from {self.days}: {why}."


def pack_period(plan, as_at, since=None):
    if since is not None:
        return Period(since=since, as_at=as_at, baseline="date")
    previous = BoardPack.objects.last_before(plan, as_at)
    if previous is not None:
        return Period(since=previous.as_at, as_at=as_at, baseline="pack", previous_pack=previous)
    created = plan_created_on(plan) or as_at
    return Period(since=min(created, as_at), as_at=as_at, baseline="creation")


@dataclass
class PlanRow:
    """One action as the plan table prints it: in full, or on one line (an exception
    report's actions that are not Red, Amber, overdue or changed in the period)."""

    action: object
    overdue: bool
    changed: bool = False
    in_full: bool = True

    @property
    def rag_class(self):
        return Rag.key_for(self.action.rag)

    @property
    def is_exception(self):
        return self.action.rag in (Rag.RED, Rag.AMBER) or self.overdue or self.changed

    @property
    def latest_evidence(self):
        """The newest evidence entry, for the one-line row."""
        return self.action.evidence_list[-1] if self.action.evidence_list else None


@dataclass
class SectionPart:
    section: object
    rows: list

    @property
    def anchor(self):
        return f"section-{self.section.number}"

    @property
    def counts(self):
        found = Counter(row.action.rag for row in self.rows)
        return [(rag, label, found[rag]) for rag, label in RAG_COLUMNS]

    @property
    def total(self):
        return len(self.rows)


def pack_context(
    plan,
    as_at,
    since=None,
    *,
    kind=PackKind.FULL,
    generated_by=None,
    generated_at=None,
    issued=False,
):
    """Everything the pack shows, as the plan stood at the end of ``as_at``: every action
    in full (``PackKind.FULL``) or an exception report (``PackKind.EXCEPTIONS``).

    Raises ``actionplan.snapshot.PlanDidNotExist`` for a date before the plan existed.
    """
    if since is not None and since >= as_at:
        raise ValueError("The since date must be before the as-at date")
    kind = PackKind(kind)
    snapshot = plan_snapshot(plan, as_at=as_at)
    attach_attachments(snapshot.actions, end_of_day(as_at))
    period = pack_period(plan, as_at, since)
    changes = changes_between(plan, period.start, period.end)
    changed = changed_refs(changes)
    parts = [
        SectionPart(
            section=row.section,
            rows=[
                PlanRow(action, action.is_overdue(as_at), changed=action.ref in changed)
                for action in row.actions
            ],
        )
        for row in snapshot.sections
    ]
    rows = [row for part in parts for row in part.rows]
    if kind == PackKind.EXCEPTIONS:
        for row in rows:
            row.in_full = row.is_exception
    quarter = financial_quarter(as_at)
    generated_at = timezone.localtime(generated_at or timezone.now())
    plan = snapshot.plan
    charts = rag_charts(parts)
    return {
        "plan": plan,
        "kind": kind,
        "parts": parts,
        "in_full": sum(row.in_full for row in rows),
        "as_at": as_at,
        "quarter": quarter,
        "period_label": quarter.label,
        "period": period,
        "issued": issued,
        "generated_by": generated_by,
        "generated_by_name": person_name(generated_by) or COMMAND_LINE,
        "generated_at": generated_at,
        "document_title": document_title(plan, as_at, kind),
        "running_head": running_head(plan, as_at, kind, issued),
        "changes": changes,
        "action_changes": [
            {"label": "Added", "items": changes.added},
            {"label": "Moved", "items": changes.moved},
            {"label": "Completed", "items": changes.completed},
            {"label": "Removed", "items": changes.removed},
        ],
        "totals": _totals(parts),
        "charts": charts,
        "chart": charts[0],
        "movement": movement(rows, changes.rag_at_start),
        "overdue": [row for row in rows if row.overdue],
        "no_evidence": [row for row in rows if _lacks_evidence(row.action, period)],
    }


def attach_attachments(actions, moment):
    """Give each evidence entry an ``attachment_list``: the attachments it had at
    ``moment`` that could be downloaded then (not withdrawn, checked clean), in the
    order they were added. The pack names them; it never includes their content."""
    entries = {entry.pk: entry for action in actions for entry in action.evidence_list}
    for entry in entries.values():
        entry.attachment_list = []
    if not entries:
        return
    attached = rebuild(Attachment, moment).filter(
        entry_id__in=entries, withdrawn_at__isnull=True, scan=Attachment.Scan.CLEAN
    )
    for attachment in sorted(attached, key=lambda a: (a.added_at, a.pk)):
        entries[attachment.entry_id].attachment_list.append(attachment)


def document_title(plan, as_at, kind):
    name = "Board pack" if kind == PackKind.FULL else "Board pack (exception report)"
    return f"{name}: {plan.title}, as at {long_date(as_at)}"


def running_head(plan, as_at, kind, issued):
    """The line at the top of every page after the cover: short, so it stays on one line."""
    name = "Board pack" if kind == PackKind.FULL else "Exception report"
    draft = "" if issued else ", draft"
    return f"{plan.title} · {name} as at {long_date(as_at)}{draft}"


def changed_refs(changes):
    """The refs of the actions that appear on the pack's Changes pages."""
    return {
        change.ref
        for name in ("ratings", "timescales", "evidence", "added", "moved", "completed")
        for change in getattr(changes, name)
    }


def _totals(parts):
    found = Counter(row.action.rag for part in parts for row in part.rows)
    return {
        "counts": [(rag, label, found[rag]) for rag, label in RAG_COLUMNS],
        "total": sum(found.values()),
    }


def _lacks_evidence(action, period):
    """An open action with no current evidence entry dated in the period. An entry
    without an activity date counts from the day it was recorded."""
    if action.is_complete:
        return False
    return not any(
        period.covers(entry.activity_date or timezone.localdate(entry.recorded_at))
        for entry in action.evidence_list
    )


def movement(rows, rag_at_start):
    """How many actions' ratings went up, down, stayed ... since the start of the period."""
    refs = {key: [] for key, _ in MOVEMENT}
    for row in rows:
        action = row.action
        if action.pk not in rag_at_start:
            refs["added"].append(action.ref)
        else:
            refs[Rag.direction(rag_at_start[action.pk], action.rag)].append(action.ref)
    return [
        {"key": key, "label": label, "count": len(refs[key]), "refs": refs[key]}
        for key, label in MOVEMENT
    ]
