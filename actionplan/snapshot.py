"""The plan as a whole, now or *as at* a past date, rebuilt from history.

One code path serves the screen, the exports and the board pack: fetch each kind
of row in one query (live tables, or history tables as they stood at a moment),
then assemble sections → actions → leads and evidence in memory. The number of
queries is the same for 20 actions as for 2,000.

A page that shows some of the actions (the overview, a page at a time) asks for the
plan without details (``details=False``): each action is then a ``PlacedAction``, only
where it stands and what the filters that read nothing else test; ``in_full()`` reads
the actions the page shows, with their leads and latest evidence. A 2,000-action plan
is then read in the time of a page of it.

As at a moment, each object is the latest of its records up to then (dropped if that
record is a deletion), found with one index seek per object on (id, history_date,
history_id) (migration 0005): the cost follows the plan's objects, not the length of
their history. The objects asked about are the plan's objects of today and those
deleted since (their deletion records); nothing leaves a plan: an action moves only
between the plan's own sections, and an entry or a lead never changes action.
"""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from agencies.models import Agency, Post

from .history.moments import end_of_day, rebuild
from .models import Action, ActionLead, EvidenceEntry, Plan, Section

__all__ = [
    "EvidenceText",
    "PlacedAction",
    "PlanDidNotExist",
    "PlanPage",
    "PlanSnapshot",
    "SectionRow",
    "end_of_day",
    "page_number",
    "page_of_plan",
    "plan_snapshot",
    "split_into_pages",
]


class PlanDidNotExist(LookupError):
    """The plan had not been created (or loaded) by the date asked for."""


@dataclass
class SectionRow:
    section: Section
    actions: list = field(default_factory=list)
    continued: bool = False  # the rest of a section begun on the page before


@dataclass
class PlanSnapshot:
    plan: Plan
    as_at: datetime.date | None
    sections: list
    source: object = field(default=None, repr=False)

    @property
    def actions(self):
        return [action for row in self.sections for action in row.actions]

    @property
    def reference_date(self):
        """The day against which "overdue" is judged."""
        return self.as_at or timezone.localdate()

    def add_details(self, texts_only=False):
        """Attach to every action (read in full: ``details=True``) its ``lead_list``
        (in order, with agency and post), ``evidence_list`` (current entries in date
        order, with agency and recorder), ``evidence_count`` and ``rated_by``. With
        ``texts_only``, each entry is only its text (``EvidenceText``): what the
        downloads show, read in a tenth of the time of 35,000 whole entries."""
        self._attach(self.actions, None, texts_only)

    def in_full(self, rows, evidence_limit=None):
        """These SectionRows with their actions read in full and their details
        attached, ``evidence_list`` holding only the latest ``evidence_limit`` entries
        (on the plan today, without agency and recorder: no page showing a page of
        evidence names them). One query for the actions, the same for any page."""
        placed = [action for row in rows for action in row.actions]
        full = {action.pk: action for action in self.source.complete(placed)}
        for action in placed:
            full[action.pk].section, full[action.pk].overdue = action.section, action.overdue
        self._attach(list(full.values()), evidence_limit, False)
        return [
            SectionRow(row.section, [full[a.pk] for a in row.actions], row.continued)
            for row in rows
        ]

    def _attach(self, actions, evidence_limit, texts_only):
        by_action = {action.pk: action for action in actions}
        for action in actions:
            action.lead_list, action.evidence_list = [], []
        if not by_action:
            return
        leads, entries = self.source.details(actions, evidence_limit, texts_only)
        for lead in sorted(leads, key=lambda lead: (lead.position, lead.pk)):
            by_action[lead.action_id].lead_list.append(lead)
        for entry in entries if texts_only else sorted(entries, key=_evidence_order):
            by_action[entry.action_id].evidence_list.append(entry)
        for action in actions:
            # Counted by the source when only the latest entries were read.
            counted = getattr(action, "current_entries", None) if evidence_limit else None
            action.evidence_count = counted or len(action.evidence_list)


@dataclass(slots=True)
class PlacedAction:
    """An action read only as far as placing it in the plan, and as the filters that
    read nothing else (section, rating, overdue) need: 2,000 of these are made in a
    tenth of the time of 2,000 actions. Asking one for anything else is an error, not
    a query."""

    pk: int
    section_id: int
    position: int
    rag: str
    due_date: datetime.date
    record: int | None = None  # as at a date: the history record it was read from
    section: Section | None = None
    overdue: bool = False

    # The model's own rules, not copies of them.
    is_complete = Action.is_complete
    is_overdue = Action.is_overdue
    ref = Action.ref

    @property
    def id(self):
        return self.pk


@dataclass(slots=True)
class EvidenceText:
    """An evidence entry as a download shows it: its text, date, agency and who
    recorded it (``agency`` and ``recorded_by`` are attached from lookups)."""

    action_id: int
    text: str
    activity_date: datetime.date | None = None
    agency_id: int | None = None
    recorded_by_id: int | None = None
    recorded_at: datetime.datetime | None = None
    agency: Agency | None = None
    recorded_by: object = None


def plan_snapshot(plan, as_at=None, details=True, action_ids=None, texts_only=False):
    """The plan now (``as_at=None``), or as it stood at the end of the day ``as_at``.

    Each action gets ``lead_list`` (leads in order, with agency and post),
    ``evidence_list`` (entries in date order) and ``evidence_count`` attached. With
    ``details=False``, each is a ``PlacedAction`` until ``in_full()``; with
    ``action_ids``, only those actions are read (one action's page as at a date); with
    ``texts_only``, only the text of each entry (the downloads).
    """
    source = _Live() if as_at is None else _AsAt(end_of_day(as_at))
    if as_at is not None:
        plan_then = rebuild(Plan, source.moment).filter(id=plan.pk).first()
        if plan_then is None:
            raise PlanDidNotExist(f"“{plan}” had not been created by {as_at:%-d %B %Y}.")
        plan = plan_then
    sections = sorted(source.sections(plan), key=lambda s: s.number)
    section_ids = [s.pk for s in sections]
    if details:
        actions = source.actions(plan, section_ids, action_ids)
    else:
        actions = source.placed(plan, section_ids, action_ids)

    reference_date = as_at or timezone.localdate()
    by_section = {s.pk: SectionRow(section=s) for s in sections}
    for action in sorted(actions, key=lambda a: a.position):
        action.section = by_section[action.section_id].section
        action.overdue = action.is_overdue(reference_date)
        by_section[action.section_id].actions.append(action)
    snapshot = PlanSnapshot(
        plan=plan, as_at=as_at, sections=list(by_section.values()), source=source
    )
    if details:
        snapshot.add_details(texts_only=texts_only)
    return snapshot


# -- a page at a time ---------------------------------------------------------------


@dataclass
class PlanPage:
    """One page of the plan's sections and where it is among the others."""

    sections: list  # SectionRows
    number: int
    count: int
    first: int  # the number of its first action in the plan (or the filter's matches)
    last: int
    contents: list = field(default_factory=list)  # every section and its page
    links: list = field(default_factory=list)  # numbered links, with gaps ("…")

    @property
    def previous(self):
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self):
        return self.number + 1 if self.number < self.count else None


def split_into_pages(sections, per_page):
    """The sections (SectionRows) split into pages of at most ``per_page`` actions: a
    section starts a new page when it does not fit on the current one, and one longer
    than a page is split across pages (the rest ``continued``). Always one page."""
    pages, size = [[]], 0
    for row in sections:
        actions, start = row.actions, 0
        if size and len(actions) > per_page - size:
            pages.append([])
            size = 0
        while True:
            chunk = actions[start : start + per_page - size]
            pages[-1].append(SectionRow(row.section, chunk, continued=start > 0))
            size += len(chunk)
            start += len(chunk)
            if start >= len(actions):
                break
            pages.append([])
            size = 0
    return pages


def page_number(text, count):
    """The page an address asks for: the first for anything that is not a number, the
    last for a number past the end."""
    try:
        number = int(text or 1)
    except ValueError:
        return 1
    return min(max(number, 1), count)


def page_of_plan(sections, per_page, asked):
    """The page ``asked`` for (text from the address) of the sections, split into pages
    of ``per_page`` actions, with what the navigation shows: every section and its page,
    and links to the first, last and neighbouring pages."""
    pages = split_into_pages(sections, per_page)
    count = len(pages)
    number = page_number(asked, count)
    links, last = [], 0
    for n in sorted(n for n in {1, count, number - 1, number, number + 1} if 1 <= n <= count):
        if n > last + 1:
            links.append({"ellipsis": True})
        links.append({"number": n, "current": n == number})
        last = n
    contents = [
        {"section": row.section, "page": n, "count": len(row.actions)}
        for n, rows in enumerate(pages, start=1)
        for row in rows
        if not row.continued
    ]
    before = sum(len(row.actions) for rows in pages[: number - 1] for row in rows)
    shown = sum(len(row.actions) for row in pages[number - 1])
    return PlanPage(
        sections=pages[number - 1],
        number=number,
        count=count,
        first=before + 1,
        last=before + shown,
        contents=contents if count > 1 else [],
        links=links,
    )


# -- where the rows come from: the live tables, or history as at a moment --------------


FULL = [f.attname for f in Action._meta.concrete_fields]
PLACED = ["id", "section_id", "position", "rag", "due_date"]  # PlacedAction's columns


class _Live:
    def sections(self, plan):
        return Section.objects.filter(plan=plan, removed_at=None).order_by()

    def _actions(self, section_ids, only):
        # Sorted here, not by the models' orderings: those join the plan and section.
        actions = Action.objects.filter(section_id__in=section_ids, removed_at=None).order_by()
        return actions if only is None else actions.filter(pk__in=only)

    def actions(self, plan, section_ids, only=None):
        return list(self._actions(section_ids, only).select_related("rated_by"))

    def placed(self, plan, section_ids, only=None):
        return [
            PlacedAction(*values)
            for values in self._actions(section_ids, only).values_list(*PLACED)
        ]

    def complete(self, placed):
        """The placed actions read in full, with how many current entries each has
        (counted from the index of migration 0006 alone)."""
        current = EvidenceEntry.objects.filter(action=OuterRef("pk"), withdrawn_at=None)
        counted = current.order_by().values("action").annotate(n=Count("id")).values("n")
        return list(
            Action.objects.filter(pk__in=[action.pk for action in placed])
            .select_related("rated_by")
            .annotate(current_entries=Subquery(counted))
            .order_by()
        )

    def details(self, actions, limit, texts_only=False):
        """The leads and entries of these actions, with their agencies, posts and the
        people who recorded them (today's: the plan now)."""
        action_ids = [action.pk for action in actions]
        leads = ActionLead.objects.filter(action_id__in=action_ids).order_by()
        entries = EvidenceEntry.objects.filter(action_id__in=action_ids, withdrawn_at=None)
        entries = entries.order_by()
        if texts_only:
            leads, entries = list(leads), _texts(entries)
            users = _users_named_in([], entries)
            _name(leads, entries, self.lookup(Agency), self.lookup(Post), users)
            return leads, entries
        if limit:
            # A page: leads with their agencies and posts at once; entries alone (no page
            # showing a page of evidence names their agency or recorder: reading them
            # took as long as the entries), only the latest of each action.
            leads = leads.select_related("agency", "post__agency")
            return list(leads), list(_latest_of_each(action_ids, limit))
        # The whole plan: each agency, post and person read once and shared (joined,
        # 20,000 entries made 60,000 objects: 1.6 s instead of 0.6 s).
        leads, entries = list(leads), list(entries)
        _name(leads, entries, self.lookup(Agency), self.lookup(Post), _users_named_in([], entries))
        return leads, entries

    def lookup(self, model):
        return {obj.pk: obj for obj in model.objects.all()}


class _AsAt:
    def __init__(self, moment):
        self.moment = moment

    def sections(self, plan):
        sections = self.then(
            Section,
            Section.objects.filter(plan=plan),
            Section.history.filter(plan_id=plan.pk),
        )
        return self.build(Section, sections.filter(removed_at=None))

    def _actions(self, plan, section_ids, only):
        live, deleted = Action.objects.filter(section__plan=plan), Action.history.all()
        if only is not None:
            live, deleted = live.filter(pk__in=only), deleted.filter(id__in=only)
        records = self.then(Action, live, deleted.filter(section__plan=plan))
        return records.filter(section_id__in=section_ids, removed_at=None)

    def actions(self, plan, section_ids, only=None):
        return self.build(Action, self._actions(plan, section_ids, only))

    def placed(self, plan, section_ids, only=None):
        records = self._actions(plan, section_ids, only).order_by()
        return [
            PlacedAction(*values, record=record)
            for record, *values in records.values_list("history_id", *PLACED)
        ]

    def complete(self, placed):
        records = Action.history.filter(history_id__in=[action.record for action in placed])
        return self.build(Action, records)

    def details(self, actions, limit, texts_only=False):
        """The leads and entries of these actions as they were, with the agencies and
        posts as they were named then, and the people who rated and recorded."""
        action_ids = [action.pk for action in actions]
        leads = self.build(
            ActionLead,
            self.then(
                ActionLead,
                ActionLead.objects.filter(action_id__in=action_ids),
                ActionLead.history.filter(action_id__in=action_ids),
            ),
        )
        records = self.then(
            EvidenceEntry,
            EvidenceEntry.objects.filter(action_id__in=action_ids),
            EvidenceEntry.history.filter(action_id__in=action_ids),
        )
        if texts_only:
            entries = _texts(records.filter(withdrawn_at=None))
        else:
            records = _latest_per_action(records.filter(withdrawn_at=None), limit)
            entries = self.build(EvidenceEntry, records, extra=["among"] if limit else [])
            counted = {entry.action_id: getattr(entry, "among", 0) for entry in entries}
            for action in actions:
                action.current_entries = counted.get(action.pk, 0)
        users = _users_named_in(actions, entries)
        _name(leads, entries, self.lookup(Agency), self.lookup(Post), users)
        for action in actions:
            action.rated_by = users.get(action.rated_by_id)
        return leads, entries

    def lookup(self, model):
        """Agencies and posts by id, as they were named at the time. One whose history
        does not reach back that far (created later, e.g. by an import) keeps today's
        name. (Small tables: rebuilt whole.)"""
        today = {obj.pk: obj for obj in model.objects.all()}
        return today | {obj.pk: obj for obj in rebuild(model, self.moment)}

    def then(self, model, live, records):
        """The records of ``model`` as they stood at the moment: for each object of
        ``live`` and each deleted one among ``records``, its latest record up to the
        moment, unless that records the deletion."""
        history = model.history.model
        latest = Subquery(
            history.objects.filter(id=OuterRef("id"), history_date__lte=self.moment)
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        today = live.order_by().annotate(latest=latest).values("latest")
        deleted = records.filter(history_type="-").order_by().annotate(latest=latest)
        # One IN over a UNION: two INs joined by OR made PostgreSQL read every record
        # of the section to test them, instead of looking up the few it needs.
        chosen = today.union(deleted.values("latest"), all=True)
        return history.objects.filter(history_id__in=chosen).exclude(history_type="-")

    def build(self, model, records, extra=()):
        """Model instances from history records, without simple-history's two
        instances a record (``as_instances``): a third of the time for 2,000 actions."""
        columns = [f.attname for f in model._meta.concrete_fields]
        objs = []
        for values in records.order_by().values_list(*columns, *extra):
            obj = model.from_db(None, columns, values[: len(columns)])
            for name, value in zip(extra, values[len(columns) :], strict=True):
                setattr(obj, name, value)
            objs.append(obj)
        return objs


def _latest_of_each(action_ids, limit):
    """The latest ``limit`` current entries of each of these actions (today), read off
    the index on (action_id, withdrawn_at, activity_date, recorded_at, id) (migration
    0006) newest first: a window over all of them sorted every entry of the page's
    actions (100 ms for 20 actions of 1,000 entries)."""
    if not action_ids:
        return EvidenceEntry.objects.none()
    current = EvidenceEntry.objects.filter(withdrawn_at=None).order_by()
    latest = [
        current.filter(action_id=pk).order_by(*NEWEST_FIRST).values("id")[:limit]
        for pk in action_ids
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL ran the OR below as a scan of every plan's entries, testing each
        # against them all (170 ms at 60,000 entries, growing with them); a UNION of the
        # same parts reads each action's latest off the index and nothing else (9 ms).
        first, *rest = latest
        return EvidenceEntry.objects.filter(id__in=first.union(*rest, all=True)).order_by()
    return EvidenceEntry.objects.filter(
        reduce(operator.or_, (Q(id__in=part) for part in latest))
    ).order_by()


NEWEST_FIRST = [F("activity_date").desc(nulls_last=True), F("recorded_at").desc(), F("id").desc()]


def _latest_per_action(entries, limit):
    """Only the latest ``limit`` of these entries of each action (None: all), each with
    ``among``: how many the action has. (As at a date: which entries were current then,
    and with what date, takes a look at each entry's history anyway.)"""
    if not limit:
        return entries
    return entries.annotate(
        newest=Window(RowNumber(), partition_by=[F("action_id")], order_by=NEWEST_FIRST),
        among=Window(Count("id"), partition_by=[F("action_id")]),
    ).filter(newest__lte=limit)


TEXT_COLUMNS = ["action_id", "text", "activity_date", "agency_id", "recorded_by_id", "recorded_at"]


def _texts(entries):
    """Each entry's action, text, date, agency and recorder, in the order of
    ``_evidence_order``, sorted by the database."""
    in_order = [F("action_id"), F("activity_date").asc(nulls_first=True), "recorded_at", "id"]
    return [
        EvidenceText(*values) for values in entries.order_by(*in_order).values_list(*TEXT_COLUMNS)
    ]


def _evidence_order(entry):
    return (entry.activity_date or datetime.date.min, entry.recorded_at, entry.pk)


def _name(leads, entries, agencies, posts, users):
    """Attach to each lead its agency and post, and to each entry its agency and the
    person who recorded it, from these {id: object} lookups."""
    for lead in leads:
        lead.agency = agencies[lead.agency_id]
        lead.post = posts.get(lead.post_id)
        if lead.post is not None:
            lead.post.agency = agencies[lead.post.agency_id]
    for entry in entries:
        entry.agency = agencies.get(entry.agency_id)
        entry.recorded_by = users.get(entry.recorded_by_id)


def _users_named_in(actions, entries):
    """{id: person} for the people who rated ``actions`` or recorded ``entries``."""
    ids = {a.rated_by_id for a in actions} | {e.recorded_by_id for e in entries}
    ids.discard(None)
    if not ids:
        return {}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}
