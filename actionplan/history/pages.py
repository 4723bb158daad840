"""Choosing one page of changes: for the activity feed, an action's history and the
dashboard's latest changes, newest first.

A page is found by where it starts, not by its number (keyset pagination):
``?before=<cursor>`` shows the changes older than that one, ``?after=<cursor>`` the
ones newer, and a cursor is the (history_date, table, history_id) of a change, e.g.
``2015-09-30T09:12:00.000000Z,evidence,5012``. Each history table gives at most a page
of rows beyond the cursor, found by walking an index on (plan_id, history_date,
history_id) for a plan's rows (migration 0009: each history row keeps its plan) — (id,
…) for one action's records, (action_id, …) for its leads and evidence (migration 0005)
— and the UNION of those few rows is ordered and cut to a page, in one query. Nothing is
counted and nothing is skipped with OFFSET, so any page costs the same however long the
history is; an exact count was nearly half of the feed's time at 100k rows (FIELD-NOTES,
"History reads at scale").

Actions' records are filed under three kinds: a rating decision (ratings.py: the rating
changed, or was given again with a new reason), a change of timescale, or anything
else. That needs the record before each one, read with one index lookup per record
(``previous_value``), for the rows walked only.
"""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import Action, ActionLead, Attachment, EvidenceEntry, Section

PAGE_SIZE = 50
KINDS = {
    "rating": "Rating",
    "timescale": "Timescale",
    "action": "Action wording or place",
    "lead": "Leads",
    "evidence": "Evidence",
    "section": "Sections",
    "attachment": "Attachments",
}
ACTION_KINDS = {"rating", "timescale", "action"}
# Changes at the same moment with the same history_id (two tables) keep this order.
SOURCES = {"action": 0, "lead": 1, "evidence": 2, "section": 3, "attachment": 4}
MODELS = {
    "action": Action,
    "lead": ActionLead,
    "evidence": EvidenceEntry,
    "section": Section,
    "attachment": Attachment,
}
NOT_FOUND = "That page of changes could not be found, so the newest changes are shown."


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: one change, by (when, table, history_id)."""

    when: datetime.datetime
    source: str
    history_id: int

    @classmethod
    def parse(cls, text):
        """The cursor written in an address; ValueError if it is not one."""
        when, source, history_id = text.split(",")
        moment, history_id = datetime.datetime.fromisoformat(when), int(history_id)
        if moment.tzinfo is None or source not in SOURCES or not 0 < history_id < 2**63:
            raise ValueError(text)
        return cls(moment.astimezone(datetime.UTC), source, history_id)

    @classmethod
    def of(cls, row):
        return cls(row["history_date"], row["source"], row["history_id"])

    def token(self):
        when = self.when.astimezone(datetime.UTC)
        return f"{when:%Y-%m-%dT%H:%M:%S.%fZ},{self.source},{self.history_id}"


@dataclass
class ChangePage:
    """One page of change rows ({kind, source, history_id, history_date}), newest first,
    with the cursors of the pages either side (None at either end)."""

    rows: list
    newer: str | None
    older: str | None
    is_newest: bool
    error: str = ""


def cursor_from(query):
    """{"before": Cursor} or {"after": Cursor} from an address's query, and an error
    message if the one given cannot be read (the newest page is shown instead)."""
    for direction in ("before", "after"):
        text = query.get(direction)
        if text:
            try:
                return {direction: Cursor.parse(text)}, ""
            except (ValueError, OverflowError):
                return {}, NOT_FOUND
    return {}, ""


def change_page(plan, *, before=None, after=None, size=PAGE_SIZE, **filters):
    """The page of changes older than ``before`` (or newer than ``after``; the newest
    without either), narrowed by ``filters`` (those of ``change_rows``)."""
    if after is not None and before is None:
        rows = change_rows(plan, newer_than=after, limit=size + 1, **filters)
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        return ChangePage(
            rows=rows,
            newer=Cursor.of(rows[0]).token() if has_newer and rows else None,
            older=Cursor.of(rows[-1]).token() if rows else None,
            is_newest=not has_newer,
        )
    rows = change_rows(plan, older_than=before, limit=size + 1, **filters)
    has_older = len(rows) > size
    rows = rows[:size]
    return ChangePage(
        rows=rows,
        newer=Cursor.of(rows[0]).token() if before is not None and rows else None,
        older=Cursor.of(rows[-1]).token() if has_older else None,
        is_newest=before is None,
    )


# -- the query ---------------------------------------------------------------------


def previous_value(history_model, column):
    """The value of ``column`` in the record before this one, as a subquery: one
    lookup in the index on (id, history_date, history_id)."""
    return Subquery(
        history_model.objects.filter(id=OuterRef("id"), history_date__lte=OuterRef("history_date"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values(column)[:1]
    )


def with_kinds(records):
    """Action records annotated with what the kinds are judged on, and the two tests:
    (is a rating decision, is a change of timescale and not a rating decision)."""
    history = Action.history.model
    never = Value(datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())
    annotated = records.annotate(
        prev_rag=previous_value(history, "rag"),
        prev_timescale=previous_value(history, "timescale"),
        # Not-yet-rated is "never", so that a first rating compares unequal, not NULL.
        rated_key=Coalesce("rated_at", never),
        prev_rated_key=Coalesce(previous_value(history, "rated_at"), never),
    )
    # A new action is an "action" change; after that, a rating decision (ratings.py: the
    # rating changed, or was given again with a new reason) or a change of timescale is
    # filed under that kind (one record may carry both: it is filed as a rating).
    rating = Q(history_type="~") & (~Q(rag=F("prev_rag")) | ~Q(rated_key=F("prev_rated_key")))
    timescale = Q(history_type="~") & ~Q(timescale=F("prev_timescale")) & ~rating
    return annotated, rating, timescale


def _beyond(cursor, source, newer):
    """Rows of table ``source`` strictly beyond ``cursor`` in the feed's order
    (history_date, history_id, table). The plain bound on history_date lets the index
    walk start at the cursor instead of at the newest row."""
    d, h = cursor.when, cursor.history_id
    ahead = (
        SOURCES[source] > SOURCES[cursor.source]
        if newer
        else SOURCES[source] < SOURCES[cursor.source]
    )
    if newer:
        same_moment = (
            Q(history_date=d, history_id__gte=h) if ahead else Q(history_date=d, history_id__gt=h)
        )
        return Q(history_date__gte=d) & (Q(history_date__gt=d) | same_moment)
    same_moment = (
        Q(history_date=d, history_id__lte=h) if ahead else Q(history_date=d, history_id__lt=h)
    )
    return Q(history_date__lte=d) & (Q(history_date__lt=d) | same_moment)


def change_rows(
    plan,
    *,
    limit,
    older_than=None,
    newer_than=None,
    action=None,
    kinds=None,
    user_ids=None,
    section=None,
    start=None,
    end=None,
):
    """Up to ``limit`` change rows beyond the cursor: newest first, or with
    ``newer_than`` oldest first. One query."""
    kinds = set(kinds or KINDS)
    cursor = newer_than or older_than
    direction = "" if newer_than is not None else "-"
    order = [f"{direction}history_date", f"{direction}history_id"]

    def narrowed(records, source, section_path):
        if section is not None:
            records = records.filter(**{section_path: section.pk})
        if user_ids is not None:
            records = records.filter(history_user_id__in=user_ids)
        if start is not None:
            records = records.filter(history_date__gte=start)
        if end is not None:
            records = records.filter(history_date__lte=end)
        if cursor is not None:
            records = records.filter(_beyond(cursor, source, newer=newer_than is not None))
        return records

    def part(records, source, kind=None):
        """The rows of one table: the few beyond the cursor, then their kinds."""
        chosen = records.order_by(*order).values("history_id")[:limit]
        # No ORDER BY inside a UNION's parts: the union is ordered as a whole.
        rows = records.model.objects.filter(history_id__in=chosen).order_by()
        if kind is None:
            rows, rating, timescale = with_kinds(rows)
            kind = Case(
                When(rating, then=Value("rating")),
                When(timescale, then=Value("timescale")),
                default=Value("action"),
                output_field=CharField(),
            )
        else:
            kind = Value(kind, output_field=CharField())
        # "change_kind", not "kind": an attachment has a field of that name.
        return rows.annotate(
            change_kind=kind, source=Value(SOURCES[source], output_field=IntegerField())
        ).values("change_kind", "history_id", "history_date", "source")

    parts = []
    if kinds & ACTION_KINDS:
        if action is not None:
            records = Action.history.filter(id=action.pk)
        else:
            records = Action.history.filter(plan_id=plan.pk)
        records = narrowed(records, "action", "section_id")
        if not kinds >= ACTION_KINDS:
            records, rating, timescale = with_kinds(records)
            tests = {"rating": rating, "timescale": timescale, "action": ~rating & ~timescale}
            records = records.filter(reduce(operator.or_, (tests[k] for k in kinds & ACTION_KINDS)))
        parts.append(part(records, "action"))
    for source, model in (("lead", ActionLead), ("evidence", EvidenceEntry)):
        if source in kinds:
            if action is not None:
                records = model.history.filter(action_id=action.pk)
            else:
                records = model.history.filter(plan_id=plan.pk)
            parts.append(part(narrowed(records, source, "action__section_id"), source, source))
    if "attachment" in kinds:
        if action is not None:
            entries = EvidenceEntry.objects.filter(action_id=action.pk).values("pk")
            records = Attachment.history.filter(entry_id__in=entries)
        else:
            records = Attachment.history.filter(plan_id=plan.pk)
        records = narrowed(records, "attachment", "entry__action__section_id")
        parts.append(part(records, "attachment", "attachment"))
    if "section" in kinds and action is None:
        records = Section.history.filter(plan_id=plan.pk)
        parts.append(part(narrowed(records, "section", "id"), "section", "section"))
    if not parts:
        return []
    first, *rest = parts
    union = first.union(*rest, all=True) if rest else first
    rows = union.order_by(*order, f"{direction}source")[:limit]
    sources = {number: source for source, number in SOURCES.items()}
    return [
        {
            "kind": row["change_kind"],
            "history_id": row["history_id"],
            "history_date": row["history_date"],
            "source": sources[row["source"]],
        }
        for row in rows
    ]
