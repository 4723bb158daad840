"""The board pack's changes list every timescale changed in the period: who, when, old →
new and why (issue 13), as the board reads it in the pack."""

import datetime
import re
from html import unescape

import pytest
import time_machine

from reporting.pack import pack_context
from reporting.rendering import render_pack_html

from .conftest import action_of, london

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)
SINCE = datetime.date(2015, 6, 30)


def revise_on(plan, ref, label, reason, moment, by=None):
    action = action_of(plan, ref)
    if by is not None:
        action._history_user = by
    with time_machine.travel(moment, tick=False):
        action.revise_timescale(label, reason)


def changes_part(plan, since=SINCE):
    """The text of the pack's "Changes since the last pack", as the board reads it."""
    html = render_pack_html(pack_context(plan, SEPT_30, since))
    part = re.search(r'<section class="bp-part bp-changes".*?</section>', html, re.S).group(0)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split())


def test_a_slipped_timescale_is_listed_with_who_when_old_new_and_why(plan_of_2015, manager):
    revise_on(
        plan_of_2015,
        "3.1",
        "Dec 2015",
        "Schools return in September",
        london(2015, 8, 3, 10),
        by=manager,
    )

    text = changes_part(plan_of_2015)

    assert "Timescale changes (1)" in text
    assert re.search(
        r"3\.1 Ensure that Blackpool's Multi Agency CSE team .*? Sept 2015 → Dec 2015 Slipped "
        r"Schools return in September Manager Tester 3 Aug 2015, 10:00",
        text,
    )


def test_a_timescale_brought_forward_says_so(plan_of_2015):
    old = action_of(plan_of_2015, "3.1").timescale
    revise_on(plan_of_2015, "3.1", "Jul 2015", "Agreed sooner", london(2015, 7, 2, 9))

    text = changes_part(plan_of_2015)

    assert f"{old} → Jul 2015 Brought forward Agreed sooner" in text


def test_timescales_changed_outside_the_period_are_not_listed(plan_of_2015):
    revise_on(plan_of_2015, "3.1", "Dec 2015", "Before the period", london(2015, 6, 2, 9))
    revise_on(plan_of_2015, "2.1", "Mar 2016", "After the as-at date", london(2015, 10, 1, 0, 30))

    text = changes_part(plan_of_2015)

    assert "Timescale changes: none. No timescale changed in the period." in text
    assert "Before the period" not in text and "After the as-at date" not in text


def test_an_action_whose_timescale_slipped_is_shown_in_full_in_the_exception_report(
    plan_of_2015,
):
    revise_on(plan_of_2015, "7.6", "Mar 2016", "Trainer left", london(2015, 8, 3, 10))

    context = pack_context(plan_of_2015, SEPT_30, SINCE, kind="exceptions")

    row = next(row for part in context["parts"] for row in part.rows if row.action.ref == "7.6")
    assert row.changed and row.in_full
