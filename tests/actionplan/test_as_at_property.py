"""Property: for random sequences of edits at random times, the plan rebuilt as at the
end of a day equals the plan as it really stood at the end of that day."""

import contextlib
import datetime
import itertools
import zoneinfo

import time_machine
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Section
from actionplan.snapshot import plan_snapshot
from agencies.models import Agency

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.datetime(2015, 4, 1, 9, 0, tzinfo=LONDON)
slugs = itertools.count()

edit = st.one_of(
    st.tuples(
        st.just("rate"), st.integers(0, 2), st.sampled_from(["red", "amber", "green", "blue", ""])
    ),
    st.tuples(
        st.just("timescale"),
        st.integers(0, 2),
        st.sampled_from(["Dec 2015", "Jan 2016", "Q2 2016/17"]),
    ),
    st.tuples(st.just("text"), st.integers(0, 2), st.text("abc xyz", min_size=1, max_size=12)),
    st.tuples(st.just("evidence"), st.integers(0, 2), st.text("evid ", min_size=1, max_size=10)),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.just(None)),
    st.tuples(st.just("move"), st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("lead"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("remove"), st.integers(0, 2), st.just(None)),
)
# (days after the previous edit, minutes into that day, the edit)
steps = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 23 * 60 + 59), edit), min_size=1, max_size=12
)


def state(snapshot):
    return [
        (
            row.section.number,
            [
                (
                    a.ref,
                    a.text,
                    a.timescale,
                    a.rag,
                    a.overdue,
                    [lead.label for lead in a.lead_list],
                    [e.text for e in a.evidence_list],
                )
                for a in row.actions
            ],
        )
        for row in snapshot.sections
    ]


def saved(obj, reason="Set up"):
    obj._change_reason = reason
    obj.save()
    return obj


def apply(plan, kind, index, value, agencies):
    actions = list(Action.objects.filter(section__plan=plan).order_by("pk"))
    action = actions[index % len(actions)]
    if action.is_removed and kind != "rate":
        return
    if kind == "rate":
        action.rate(value, f"Rated {value or 'none'}")
    elif kind == "timescale":
        action.revise_timescale(value, "Slipped")
    elif kind == "text":
        action.text = value
        saved(action, "Reworded")
    elif kind == "evidence":
        saved(EvidenceEntry(action=action, text=value, activity_date=datetime.date(2015, 5, 1)))
    elif kind == "withdraw":
        entry = action.evidence_entries.current().first()
        if entry:
            entry.withdraw("Withdrawn")
    elif kind == "move":
        # A number that is taken is refused, and nothing changes.
        with contextlib.suppress(ValidationError):
            action.move_to(action.section, value, reason="Reordered")
    elif kind == "lead":
        action.set_leads([(agencies[value], None)], reason="New lead")
    elif kind == "remove":
        action.remove("No longer needed")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_the_plan_as_at_any_day_equals_what_it_was_that_day(plan, steps):
    agencies = list(Agency.objects.order_by("pk")[:4])
    moment = START
    with time_machine.travel(moment, tick=False):
        small = saved(Plan(slug=f"p{next(slugs)}", title="P", partnership="B", owner=plan.owner))
        section = saved(Section(plan=small, number=1, title="S"))
        for position in (1, 2, 3):
            action = saved(
                Action(
                    section=section, position=position, text=f"A{position}", timescale="Sept 2015"
                )
            )
            saved(ActionLead(action=action, agency=agencies[0]))
    truth = {}
    day = moment.date()
    for days_later, minutes, (kind, index, value) in steps:
        day = day + datetime.timedelta(days=days_later)
        when = datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON) + datetime.timedelta(
            minutes=minutes
        )
        moment = max(moment + datetime.timedelta(seconds=1), when)
        with time_machine.travel(moment, tick=False):
            apply(small, kind, index, value, agencies)
            # the truth at the end of the day is the live plan after its last edit
            truth[moment.date()] = state(plan_snapshot(small))
    for date, expected in truth.items():
        assert state(plan_snapshot(small, as_at=date)) == expected, date
