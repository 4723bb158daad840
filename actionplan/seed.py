"""Loading a plan from the JSON files in ``fixtures/``.

Not ``loaddata``: fixtures load with raw saves and leave no history, and the
"as at" view needs an initial history record for every object. Everything is
created through ``save()`` with a change reason, inside one transaction.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from agencies.models import Agency, Post

from .models import Action, ActionLead, EvidenceEntry, Plan, Section, save_with_reason

SEED_PLAN = Path(settings.BASE_DIR) / "fixtures" / "cse_operational_action_plan.json"
REASON = "Loaded from the seed plan"


@dataclass
class LoadResult:
    plan: Plan
    created: bool
    agencies_created: int = 0


def _save(obj):
    # No full_clean(): the file is ours, and the database's constraints still hold.
    return save_with_reason(obj, REASON)


@transaction.atomic
def load_plan(path=SEED_PLAN):
    """Load the plan in ``path``. Loading a plan that is already there changes nothing."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    agencies_created = 0
    agencies = {}
    for item in data["agencies"]:
        agency = Agency.objects.filter(slug=item["slug"]).first()
        if agency is None:
            agency = _save(
                Agency(
                    slug=item["slug"],
                    name=item["name"],
                    kind=item["kind"],
                    also_known_as=", ".join(item.get("aliases", [])),
                )
            )
            agencies_created += 1
        agencies[item["slug"]] = agency

    plan_data = data["plan"]
    plan = Plan.objects.filter(slug=plan_data["slug"]).first()
    if plan is not None:
        return LoadResult(plan=plan, created=False, agencies_created=agencies_created)

    plan = _save(
        Plan(
            slug=plan_data["slug"],
            title=plan_data["title"],
            short_title=plan_data.get("short_title", ""),
            partnership=plan_data["partnership"],
            owner=agencies[plan_data["owner"]],
            parent_plan=plan_data.get("parent_plan", ""),
            protective_marking=plan_data.get("protective_marking", "OFFICIAL-SENSITIVE"),
            notes=plan_data.get("notes", ""),
        )
    )
    for section_data in data["sections"]:
        section = _save(
            Section(
                plan=plan,
                number=section_data["number"],
                title=section_data["title"],
                title_reconstructed=section_data.get("title_reconstructed", False),
                purpose=section_data.get("purpose", ""),
                purpose_reconstructed=section_data.get("purpose_reconstructed", False),
            )
        )
        for action_data in section_data["actions"]:
            _load_action(section, action_data, agencies)
    return LoadResult(plan=plan, created=True, agencies_created=agencies_created)


def _load_action(section, data, agencies):
    action = Action(
        section=section,
        position=data["number"],
        text=data["action"],
        outcomes=data.get("outcomes", ""),
        timescale=data["timescale"],
        rag=data.get("rag") or "",
    )
    action.clean()
    _save(action)
    for position, lead_data in enumerate(data["leads"], start=1):
        agency = agencies[lead_data["agency"]]
        post = None
        if lead_data.get("post"):
            post = Post.objects.filter(agency=agency, title=lead_data["post"]).first()
            post = post or _save(Post(agency=agency, title=lead_data["post"]))
        _save(
            ActionLead(
                action=action,
                agency=agency,
                post=post,
                position=position,
                as_written=lead_data.get("as_written", ""),
            )
        )
    for entry_data in data.get("evidence", []):
        _save(
            EvidenceEntry(action=action, text=entry_data["text"], rag=entry_data.get("rag") or "")
        )
    return action
