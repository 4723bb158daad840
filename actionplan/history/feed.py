"""Readable change history: who (and their agency at the time), when, what, why.

The plan's history lives in django-simple-history's tables. This module turns the
records of actions, their leads, evidence entries and sections into *changes*:
field-level "old → new" in the plan's words (lead names, not ids; dates written the
British way; long text as a word diff), newest first.

One code path serves the action's history page, the plan's activity feed and the
dashboard's latest changes. The rows of a page are chosen by one query (pages.py: keyset
pagination over the history tables); then the page is read here with a fixed number of
queries, however many changes it shows and however long the history. Only the records
on the page, and the one before each, are read; only their long texts are diffed.
"""

import datetime
import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from agencies.models import Agency, Membership, Post

from ..models import Action, ActionLead, Attachment, EvidenceEntry, Rag, Section
from ..seed import REASON as SEED_REASON
from .pages import change_page, previous_value

LOADED = SEED_REASON
LONG_TEXT = 80  # characters; longer text changes are shown as a word diff
# ``Model.history`` builds a new manager class on every access (~0.3 ms): read it once.
HistoricalAction = Action.history.model

ACTION_FIELDS = [
    ("text", "Action"),
    ("outcomes", "Anticipated outcomes"),
    ("section_id", "Section"),
    ("position", "Position"),
    ("timescale", "Timescale"),
    ("due_date", "Target date"),
    ("rag", "RAG rating"),
    ("rag_reason", "Reason for the rating"),
    ("removed_at", "Removed"),
]
EVIDENCE_FIELDS = [
    ("text", "Evidence"),
    ("activity_date", "Date of the activity"),
    ("agency_id", "Agency"),
    ("rag", "RAG word"),
    ("withdrawn_at", "Withdrawn"),
    ("withdrawn_reason", "Reason for withdrawing"),
]
SECTION_FIELDS = [
    ("number", "Number"),
    ("title", "Title"),
    ("purpose", "Purpose statement"),
    ("removed_at", "Removed"),
]
ATTACHMENT_FIELDS = [
    ("title", "Title"),
    ("filename", "File"),
    ("url", "Web address"),
    ("scan", "Virus check"),
    ("withdrawn_at", "Withdrawn"),
    ("withdrawn_reason", "Reason for withdrawing"),
]
LEAD_FIELDS = [("agency_id", "Agency"), ("post_id", "Post"), ("position", "Order")]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: list = field(default_factory=list)  # [(op, words)] for long text


@dataclass
class Change:
    when: datetime.datetime
    kind: str
    summary: str
    who: str
    who_agencies: list
    reason: str
    action_id: int | None
    ref: str
    fields: list
    # Made when the plan was loaded from its Word document (seed.REASON): the page says
    # so once, not as the reason of every change.
    loaded: bool = False


# -- reading a page of rows: a fixed number of queries -------------------------------


MODELS = {
    "rating": Action,
    "timescale": Action,
    "action": Action,
    "lead": ActionLead,
    "evidence": EvidenceEntry,
    "section": Section,
    "attachment": Attachment,
}


def _records_with_previous(model, history_ids):
    """The records with these ids, and the record before each (two queries)."""
    history = model.history.model
    records = list(
        history.objects.filter(history_id__in=history_ids).annotate(
            prev_history_id=previous_value(history, "history_id")
        )
    )
    previous_ids = [r.prev_history_id for r in records if r.prev_history_id]
    previous = {p.history_id: p for p in history.objects.filter(history_id__in=previous_ids)}
    for record in records:
        record.previous = previous.get(record.prev_history_id)
    return {r.history_id: r for r in records}


class Names:
    """Ids to the plan's words: agencies, posts, sections, action refs, people's agencies."""

    def __init__(self, plan, records):
        self.agencies = {a.pk: a.name for a in Agency.objects.all()}
        self.posts = {p.pk: p.title for p in Post.objects.all()}
        self.sections = {s.pk: s for s in Section.objects.filter(plan=plan)}
        entry_ids = {r.entry_id for r in records if hasattr(r, "entry_id")}
        # An attachment belongs to an action through its evidence entry.
        self.entry_actions = dict(
            EvidenceEntry.objects.filter(pk__in=entry_ids).values_list("pk", "action_id")
        )
        action_ids = {r.action_id for r in records if hasattr(r, "action_id")}
        action_ids |= set(self.entry_actions.values())
        action_ids |= {r.id for r in records if isinstance(r, HistoricalAction)}
        self.actions = {
            a.pk: a for a in Action.objects.filter(pk__in=action_ids).select_related("section")
        }
        user_ids = {r.history_user_id for r in records if r.history_user_id}
        self.memberships = defaultdict(list)
        for record in Membership.history.filter(user_id__in=user_ids).order_by(
            "history_date", "history_id"
        ):
            self.memberships[record.user_id].append(record)

    def agencies_of(self, user_id, when):
        """The agencies a person belonged to at that moment, rebuilt from history."""
        current = {}
        for record in self.memberships.get(user_id, []):
            if record.history_date > when:
                break
            if record.history_type == "-":
                current.pop(record.id, None)
            else:
                current[record.id] = record.agency_id
        return sorted({self.agencies.get(agency_id, "") for agency_id in current.values()})

    def value(self, column, value):
        if value is None or value == "":
            return "–"
        if column == "agency_id":
            return self.agencies.get(value, f"agency {value}")
        if column == "post_id":
            return self.posts.get(value, f"post {value}")
        if column == "section_id":
            section = self.sections.get(value)
            return f"{section.number}. {section.title}" if section else f"section {value}"
        if column == "rag":
            return Rag.label_for(value)
        if column == "scan":
            return Attachment.Scan(value).label
        if isinstance(value, datetime.datetime):
            return f"{value:%-d %B %Y, %H:%M}"
        if isinstance(value, datetime.date):
            return f"{value:%-d %B %Y}"
        return str(value)

    def ref(self, action_id, record=None):
        if record is not None and isinstance(record, HistoricalAction):
            section = self.sections.get(record.section_id)
            return f"{section.number}.{record.position}" if section else "?"
        action = self.actions.get(action_id)
        return action.ref if action else "?"


def word_diff(old, new):
    """[(op, words)]: op is "equal", "delete" or "insert"."""
    old_words, new_words = old.split(), new.split()
    segments = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", " ".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(("insert", " ".join(new_words[b1:b2])))
    return segments


def _field_changes(record, columns, names):
    previous = record.previous
    changes = []
    for column, label in columns:
        new = getattr(record, column, None)
        old = getattr(previous, column, None) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, ""):
            continue
        old_text, new_text = names.value(column, old), names.value(column, new)
        diff = []
        if (
            isinstance(new, str)
            and previous is not None
            and max(len(old or ""), len(new)) > LONG_TEXT
        ):
            diff = word_diff(old or "", new)
        changes.append(FieldChange(label=label, old=old_text, new=new_text, diff=diff))
    return changes


def _summary(kind, record, names):
    created, deleted = record.history_type == "+", record.history_type == "-"
    if kind == "evidence":
        if created:
            return "Evidence added"
        if deleted:
            return "Evidence removed"
        if record.withdrawn_at and not (record.previous and record.previous.withdrawn_at):
            return "Evidence withdrawn"
        return "Evidence changed"
    if kind == "attachment":
        if created:
            return f"Attachment added: {record.title}"
        if record.withdrawn_at and not (record.previous and record.previous.withdrawn_at):
            return f"Attachment withdrawn: {record.title}"
        return f"Attachment changed: {record.title}"
    if kind == "lead":
        label = names.value("agency_id", record.agency_id)
        if record.post_id:
            label = f"{names.value('post_id', record.post_id)}, {label}"
        return (
            f"Lead added: {label}"
            if created
            else (f"Lead removed: {label}" if deleted else f"Lead changed: {label}")
        )
    if kind == "section":
        return "Section added" if created else ("Section deleted" if deleted else "Section changed")
    if kind == "rating":
        if record.previous is not None and record.previous.rag == record.rag:
            return f"Rated {Rag.label_for(record.rag)} again"
        return f"Rated {Rag.label_for(record.rag)}"
    if kind == "timescale":
        return f"Timescale revised to {record.timescale}"
    if created:
        return "Action added"
    if deleted:
        return "Action deleted"
    if record.removed_at and not (record.previous and record.previous.removed_at):
        return "Action removed"
    previous = record.previous
    if previous and (previous.section_id, previous.position) != (
        record.section_id,
        record.position,
    ):
        return f"Moved from {names.ref(None, previous)} to {names.ref(None, record)}"
    return "Action changed"


COLUMNS = {
    "rating": ACTION_FIELDS,
    "timescale": ACTION_FIELDS,
    "action": ACTION_FIELDS,
    "lead": LEAD_FIELDS,
    "evidence": EVIDENCE_FIELDS,
    "section": SECTION_FIELDS,
    "attachment": ATTACHMENT_FIELDS,
}


def reason_of(record):
    return record.history_change_reason or ""


def read_changes(plan, rows):
    """Turn a page of rows (pages.change_page) into Change objects, in the same order."""
    wanted = defaultdict(list)
    for row in rows:
        wanted[MODELS[row["kind"]]].append(row["history_id"])
    records = {model: _records_with_previous(model, ids) for model, ids in wanted.items()}
    names = Names(plan, [r for by_id in records.values() for r in by_id.values()])
    changes = []
    for row in rows:
        record = records[MODELS[row["kind"]]][row["history_id"]]
        kind = row["kind"]
        if kind in ("rating", "timescale", "action"):
            action_id, ref = record.id, names.ref(None, record)
        elif kind == "section":
            action_id, ref = None, f"Section {record.number}"
        elif kind == "attachment":
            action_id = names.entry_actions.get(record.entry_id)
            ref = names.ref(action_id)
        else:
            action_id, ref = record.action_id, names.ref(record.action_id)
        changes.append(
            Change(
                when=record.history_date,
                kind=kind,
                summary=_summary(kind, record, names),
                who=record.history_user_name or "System",
                who_agencies=names.agencies_of(record.history_user_id, record.history_date)
                if record.history_user_id
                else [],
                reason="" if record.history_change_reason == LOADED else reason_of(record),
                loaded=record.history_change_reason == LOADED,
                action_id=action_id,
                ref=ref,
                fields=_field_changes(record, COLUMNS[kind], names),
            )
        )
    return changes


def latest_changes(plan, limit=10):
    """The latest changes to the plan, newest first, as the activity feed words them."""
    return read_changes(plan, change_page(plan, size=limit).rows)
