"""Plans with a past, for the exports and the board pack."""

import datetime
import json
import zoneinfo

import pytest
import time_machine

from actionplan.models import Action, EvidenceEntry
from actionplan.seed import SEED_PLAN, load_plan

LONDON = zoneinfo.ZoneInfo("Europe/London")


def london(*args):
    """A moment in Europe/London: london(2015, 9, 30, 23, 30)."""
    return datetime.datetime(*args, tzinfo=LONDON)


def load_seed_copy(folder, slug="cse-2015", copies=1, when=None):
    """Load a copy of the seed plan on 1 April 2015 (or ``when``), so it has a past.
    With ``copies`` > 1 every section holds that many copies of its actions."""
    data = json.loads(SEED_PLAN.read_text())
    data["plan"]["slug"] = slug
    data["plan"]["title"] = data["plan"]["title"] + ("" if slug == "cse-2015" else f" ({slug})")
    for section in data["sections"]:
        originals = section["actions"]
        section["actions"] = [
            {**action, "number": index}
            for index, action in enumerate(
                [action for _ in range(copies) for action in originals], start=1
            )
        ]
    with time_machine.travel(when or london(2015, 4, 1, 9), tick=False):
        copy = folder / f"{slug}.json"
        copy.write_text(json.dumps(data))
        return load_plan(copy).plan


@pytest.fixture
def plan_of_2015(plan, tmp_path):
    """A copy of the seed plan loaded on 1 April 2015, so it has a past."""
    return load_seed_copy(tmp_path)


def action_of(plan, ref):
    section, position = (int(n) for n in ref.split("."))
    return Action.objects.get(section__plan=plan, section__number=section, position=position)


def rate_on(plan, ref, rag, reason, moment, by=None):
    action = action_of(plan, ref)
    with time_machine.travel(moment, tick=False):
        action.rate(rag, reason, by=by)
    return action


def add_evidence_on(plan, ref, text, moment, activity_date=None, by=None, agency=None):
    action = action_of(plan, ref)
    with time_machine.travel(moment, tick=False):
        entry = EvidenceEntry(
            action=action,
            text=text,
            activity_date=activity_date,
            recorded_by=by,
            agency=agency or action.leads.first().agency,
        )
        entry._change_reason = "Evidence added"
        entry.save()
    return entry
