"""Synthetic plans with a long past, for the page benchmark (bench/pages.py).

``build(slug, n_actions, history_rows)`` makes a plan the shape of a real Board's: 25
actions a section, 1–3 leads and 5–10 evidence entries an action, prose from the seed
plan's own words. Then it writes history until the plan has about ``history_rows``
history records, spread over ten years with a distinct moment each: ratings (a fifth
of them the same rating given again), long-text edits of actions and outcomes, evidence
edited, a little added and withdrawn, timescale revisions, leads reordered, section
purposes reworded. One action, the *busy* one, takes a large share (up to 8,000
records): about 5,000 new evidence entries, and ratings and long-text edits by the
thousand, as the issue's worst case.

History rows are written as simple-history writes them (one row per save, with who,
when and why), but in bulk: the live rows end in the state of their last record.
Nothing here is for tests: tests build their plans with tests/conftest.py.
"""

import copy
import datetime
import json
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Section
from actionplan.seed import SEED_PLAN
from agencies.models import Agency, Membership

UTC = datetime.UTC
START = datetime.datetime(2015, 4, 1, 9, tzinfo=UTC)
END = datetime.datetime(2025, 12, 31, 17, tzinfo=UTC)
PER_SECTION = 25
BUSY_ROWS = 8000  # at most; never more than half of a plan's history
TIMESCALES = {
    "Dec 2015": datetime.date(2015, 12, 31),
    "April 2016": datetime.date(2016, 4, 30),
    "Sept 2016": datetime.date(2016, 9, 30),
    "March 2017": datetime.date(2017, 3, 31),
    "Dec 2030": datetime.date(2030, 12, 31),
}
RAGS = ["red", "amber", "green", "blue"]
# What happens to an action, by weight (a lead change is two rows: added, then removed).
# A normal action keeps its 5–10 entries (the plans); its history is mostly
# ratings and edits. (One entry in a hundred changes is a new entry.)
EVENTS = {
    "rating": 40,
    "evidence_new": 1,
    "evidence_edit": 15,
    "evidence_withdraw": 1,
    "text": 15,
    "outcomes": 10,
    "timescale": 5,
    "lead": 8,
    "section": 5,
}
BUSY_EVENTS = {"evidence_new": 60, "rating": 15, "text": 15, "evidence_edit": 10}


@dataclass
class Built:
    plan: Plan
    busy_action_id: int
    history_rows: int
    as_at: datetime.date


def words_from_seed():
    data = json.loads(SEED_PLAN.read_text())
    text = " ".join(
        " ".join([a["action"], a.get("outcomes", "")] + [e["text"] for e in a["evidence"]])
        for section in data["sections"]
        for a in section["actions"]
    )
    return text.split()


class Writer:
    """Keeps each object's latest tracked state and the changes made to it, then writes
    them through simple-history's own bulk helpers: every change but an object's last
    as a history row (``bulk_history_create``), the last one by updating the live row
    with its history row (``bulk_update_with_history``), each with its own moment,
    reason and person (``_history_date``, ``_change_reason``, ``_history_user``)."""

    FIELDS = {
        Action: ["rag", "rag_reason", "rated_at", "rated_by", "text", "outcomes"]
        + ["timescale", "due_date", "version"],
        ActionLead: ["position"],
        EvidenceEntry: ["text", "withdrawn_at", "withdrawn_reason", "version"],
        Section: ["purpose", "version"],
    }

    def __init__(self, rng, words, people):
        self.rng, self.words, self.people = rng, words, people
        self.objects = {}  # (model, id) -> the live object
        self.state = {}  # (model, id) -> dict of tracked columns, as last changed
        self.changes = defaultdict(list)  # (model, id) -> [(state, when, reason, person)]

    def prose(self, low, high):
        return " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(low, high)))

    def reword(self, text):
        """A long-text edit: a few words replaced, one inserted, one dropped."""
        words = text.split()
        for _ in range(self.rng.randint(1, 3)):
            words[self.rng.randrange(len(words))] = self.rng.choice(self.words)
        words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(self.words))
        if len(words) > 12:
            del words[self.rng.randrange(len(words))]
        return " ".join(words)

    def remember(self, model, obj):
        columns = [f.attname for f in model.history.model.tracked_fields]
        self.objects[model, obj.pk] = obj
        self.state[model, obj.pk] = {c: getattr(obj, c) for c in columns}

    def record(self, model, key, when, reason, person, **changes):
        state = self.state[model, key]
        state.update(changes)
        self.changes[model, key].append((dict(state), when, reason, person))

    def stamped(self, obj, state, when, reason, person):
        for column, value in state.items():
            setattr(obj, column, value)
        obj._history_date, obj._change_reason = when, reason
        obj._history_user = self.people[person]
        return obj

    def save(self):
        """Write it all; the number of history rows written."""
        rows, last = defaultdict(list), defaultdict(list)
        for (model, key), changes in self.changes.items():
            obj = self.objects[model, key]
            for change in changes[:-1]:
                rows[model, change[3]].append(self.stamped(copy.copy(obj), *change))
            last[model, changes[-1][3]].append(self.stamped(obj, *changes[-1]))
        for (model, person), objs in rows.items():
            model.history.bulk_history_create(
                objs, batch_size=2000, update=True, custom_historical_attrs=self.named(person)
            )
        for (model, person), objs in last.items():
            bulk_update_with_history(
                objs,
                model,
                self.FIELDS[model],
                batch_size=500,
                custom_historical_attrs=self.named(person),
            )
        return sum(len(changes) for changes in self.changes.values())

    def named(self, person):
        return {"history_user_name": self.people[person].get_full_name()}


def people():
    """The bench's cast, members since before every plan began (their agencies show)."""
    users = get_user_model().objects
    agencies = list(Agency.objects.order_by("pk"))
    cast = {
        "chair": ("bench.chair", agencies[0], Membership.Role.CHAIR),
        "manager": ("bench.manager", agencies[0], Membership.Role.BUSINESS_MANAGER),
        "lead1": ("bench.lead1", agencies[1], Membership.Role.AGENCY_LEAD),
        "lead2": ("bench.lead2", agencies[2], Membership.Role.AGENCY_LEAD),
        "reader": ("bench.reader", agencies[0], Membership.Role.BOARD_MEMBER),
    }
    found = {}
    for name, (username, agency, role) in cast.items():
        user = users.filter(username=username).first()
        if user is None:
            first = username.split(".")[1].rstrip("12").title()
            user = users.create_user(username, first_name=first, last_name="Bench")
            bulk_create_with_history(
                [Membership(user=user, agency=agency, role=role)],
                Membership,
                default_date=START - datetime.timedelta(days=30),
                default_change_reason="Bench cast",
            )
        found[name] = user
    return found


def build(slug, n_actions, history_rows, seed=2015):
    """A plan of ``n_actions`` with about ``history_rows`` history records."""
    rng = random.Random(f"{seed}-{slug}")  # noqa: S311 -- repeatable made-up plans
    cast = people()
    writer = Writer(rng, words_from_seed(), cast)
    agencies = list(Agency.objects.order_by("pk"))
    reason = "Synthetic plan for the benchmark"
    creation = {"default_date": START, "default_change_reason": reason}
    [plan] = bulk_create_with_history(
        [
            Plan(
                slug=slug,
                title=f"Synthetic plan of {n_actions:,} actions",
                partnership="Benchmark Safeguarding Children Board",
                owner=agencies[0],
            )
        ],
        Plan,
        **creation,
    )
    sections = bulk_create_with_history(
        [
            Section(
                plan=plan,
                number=n + 1,
                title=writer.prose(3, 7),
                purpose=writer.prose(15, 30),
            )
            for n in range(-(-n_actions // PER_SECTION))
        ],
        Section,
        **creation,
    )
    actions = bulk_create_with_history(
        [
            Action(
                section=sections[i // PER_SECTION],
                position=i % PER_SECTION + 1,
                text=writer.prose(15, 40),
                outcomes=writer.prose(15, 50),
                timescale=(label := rng.choice(list(TIMESCALES)[:4])),
                original_timescale=label,
                due_date=TIMESCALES[label],
                rag=rng.choice(RAGS),
            )
            for i in range(n_actions)
        ],
        Action,
        **creation,
    )
    leads = bulk_create_with_history(
        [
            ActionLead(action=action, agency=agency, position=n)
            for action in actions
            for n, agency in enumerate(rng.sample(agencies[1:], rng.randint(1, 3)), 1)
        ],
        ActionLead,
        **creation,
    )
    entries = bulk_create_with_history(
        [
            EvidenceEntry(
                action=action,
                text=writer.prose(10, 40),
                agency=rng.choice(agencies),
                activity_date=datetime.date(2015, rng.randint(1, 3), rng.randint(1, 28)),
                recorded_at=START,
            )
            for action in actions
            for _ in range(rng.randint(5, 10))
        ],
        EvidenceEntry,
        **creation,
    )
    created = 1 + len(sections) + len(actions) + len(leads) + len(entries)
    for model, objs in (
        (Action, actions),
        (ActionLead, leads),
        (EvidenceEntry, entries),
        (Section, sections),
    ):
        for obj in objs:
            writer.remember(model, obj)
    leads_of = defaultdict(list)
    for lead in leads:
        leads_of[lead.action_id].append(lead)
    new_entries = defaultdict(list)  # person -> entries added
    entries_of = defaultdict(list)
    for entry in entries:
        entries_of[entry.action_id].append(entry)

    filler = max(0, history_rows - created)
    busy = actions[0]
    busy_rows = min(BUSY_ROWS, filler // 2)
    moments = sorted(
        START + (END - START) * rng.random() + datetime.timedelta(microseconds=n)
        for n in range(filler)
    )
    busy_share = busy_rows / filler if filler else 0
    written = 0
    while written < filler:  # a draw that writes nothing (nothing to edit) is drawn again
        when = moments[written]
        on_busy = rng.random() < busy_share
        action = busy if on_busy else rng.choice(actions)
        weights = BUSY_EVENTS if on_busy else EVENTS
        event = rng.choices(list(weights), weights=list(weights.values()))[0]
        state = writer.state[Action, action.pk]
        live = [e for e in entries_of[action.pk] if e.withdrawn_at is None]
        if event == "rating":
            rag = state["rag"] if rng.random() < 0.2 else rng.choice(RAGS)
            why = writer.prose(8, 20)
            writer.record(
                Action,
                action.pk,
                when,
                why,
                "chair",
                rag=rag,
                rag_reason=why,
                rated_at=when,
                rated_by_id=cast["chair"].pk,
                version=state["version"] + 1,
            )
        elif event in ("text", "outcomes"):
            writer.record(
                Action,
                action.pk,
                when,
                "Action wording edited",
                "manager",
                **{event: writer.reword(state[event] or writer.prose(15, 30))},
                version=state["version"] + 1,
            )
        elif event == "timescale":
            label = rng.choice(list(TIMESCALES))
            writer.record(
                Action,
                action.pk,
                when,
                "Timescale revised",
                "manager",
                timescale=label,
                due_date=TIMESCALES[label],
                version=state["version"] + 1,
            )
        elif event == "evidence_new":
            lead = rng.choice(["lead1", "lead2"])
            entry = EvidenceEntry(
                action=action,
                text=writer.prose(10, 40),
                agency=agencies[1 if lead == "lead1" else 2],
                activity_date=when.date(),
                recorded_by=cast[lead],
                recorded_at=when,
            )
            entry._history_date, entry._change_reason = when, "Evidence added"
            entry._history_user = cast[lead]
            entries_of[action.pk].append(entry)
            new_entries[lead].append(entry)
        elif event in ("evidence_edit", "evidence_withdraw") and live:
            entry = rng.choice(live)
            if entry.pk is None:  # added in this run, saved at the end: left as added
                continue
            estate = writer.state[EvidenceEntry, entry.pk]
            if event == "evidence_edit":
                writer.record(
                    EvidenceEntry,
                    entry.pk,
                    when,
                    "Evidence edited",
                    "lead1",
                    text=writer.reword(estate["text"]),
                    version=estate["version"] + 1,
                )
            else:
                why = writer.prose(4, 12)
                writer.record(
                    EvidenceEntry,
                    entry.pk,
                    when,
                    why,
                    "lead1",
                    withdrawn_at=when,
                    withdrawn_reason=why,
                    version=estate["version"] + 1,
                )
                entry.withdrawn_at = when
        elif event == "lead":
            lead = rng.choice(leads_of[action.pk])
            position = writer.state[ActionLead, lead.pk]["position"]
            writer.record(
                ActionLead,
                lead.pk,
                when,
                "Leads reordered",
                "manager",
                position=position % 3 + 1,
            )
        elif event == "section":
            sstate = writer.state[Section, action.section_id]
            writer.record(
                Section,
                action.section_id,
                when,
                "Purpose reworded",
                "manager",
                purpose=writer.reword(sstate["purpose"]),
                version=sstate["version"] + 1,
            )
        else:
            continue
        written += 1

    # The live rows end as their last record left them.
    for lead, added in new_entries.items():
        bulk_create_with_history(
            added, EvidenceEntry, batch_size=2000, custom_historical_attrs=writer.named(lead)
        )
    total = created + sum(len(added) for added in new_entries.values()) + writer.save()
    return Built(
        plan=plan,
        busy_action_id=busy.pk,
        history_rows=total,
        as_at=(START + (END - START) / 2).date(),
    )
