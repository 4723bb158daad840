"""Made-up plans with the seed's words, for board packs bigger than the real plan.

Set up on 1 April 2015 like the copies of the seed; a tenth of the actions re-rated on 14
August 2015, so that the pack has changes to report. Written with simple-history's bulk
helpers: a plan of hundreds of actions in a second, with its history.
"""

import datetime
import json
import random

import time_machine
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Rag, Section
from actionplan.seed import SEED_PLAN
from agencies.models import Agency

from .conftest import london

REASON = "Synthetic plan for a test"
RATINGS = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, ""]
TIMESCALES = {
    "Dec 2014": datetime.date(2014, 12, 31),
    "April 2015": datetime.date(2015, 4, 30),
    "Dec 2015": datetime.date(2015, 12, 31),
}


def seed_words():
    data = json.loads(SEED_PLAN.read_text())
    return " ".join(
        " ".join([a["action"], a.get("outcomes", "")] + [e["text"] for e in a["evidence"]])
        for section in data["sections"]
        for a in section["actions"]
    ).split()


def build_plan(slug, *, sections, per_section, entries=5, seed=2015):
    """A plan of ``sections`` × ``per_section`` actions with ``entries`` evidence entries
    each, of the seed's words in random order (the same every time for one ``seed``)."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable made-up text, not a secret
    words = seed_words()

    def prose(low, high):
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))

    agencies = list(Agency.objects.order_by("pk"))
    with time_machine.travel(london(2015, 4, 1, 9), tick=False):
        plan = Plan(
            slug=slug,
            title=f"Synthetic plan of {sections * per_section} actions",
            partnership="Test Safeguarding Children Board",
            owner=agencies[0],
        )
        plan._change_reason = REASON
        plan.save()
        made = bulk_create_with_history(
            [
                Section(plan=plan, number=n + 1, title=prose(3, 7), purpose=prose(10, 25))
                for n in range(sections)
            ],
            Section,
            default_change_reason=REASON,
        )
        actions = []
        for section in made:
            for position in range(1, per_section + 1):
                label = rng.choice(list(TIMESCALES))
                actions.append(
                    Action(
                        section=section,
                        position=position,
                        text=prose(15, 40),
                        outcomes=prose(15, 50),
                        timescale=label,
                        original_timescale=label,
                        due_date=TIMESCALES[label],
                        rag=rng.choice(RATINGS),
                    )
                )
        actions = bulk_create_with_history(actions, Action, default_change_reason=REASON)
        bulk_create_with_history(
            [
                ActionLead(action=action, agency=agency, position=n)
                for action in actions
                for n, agency in enumerate(rng.sample(agencies, rng.randint(1, 3)), 1)
            ],
            ActionLead,
            default_change_reason=REASON,
        )
        bulk_create_with_history(
            [
                EvidenceEntry(
                    action=action,
                    text=prose(10, 40),
                    agency=rng.choice(agencies),
                    activity_date=datetime.date(2015, rng.randint(1, 9), 1),
                )
                for action in actions
                for _ in range(entries)
            ],
            EvidenceEntry,
            default_change_reason=REASON,
        )
    moved = rng.sample(actions, max(1, len(actions) // 10))
    for action in moved:
        action.rag = rng.choice(RATINGS)
        action.rag_reason = prose(8, 20)
    bulk_update_with_history(
        moved,
        Action,
        ["rag", "rag_reason"],
        default_change_reason="Re-rated at the August meeting",
        default_date=london(2015, 8, 14, 10),
    )
    return plan
