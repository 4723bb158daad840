"""Evidence to review: before each deadline (the day before, unless the plan says
otherwise) the chair gets a digest of the actions with evidence added since they last
rated each one, and within this reporting round (since the last issued pack, or since
the quarter began), with links to the action and to rate it.

The digest says how many entries each action has and which agencies recorded them; it
never quotes the evidence itself, which the chair reads in the service.
"""

from collections import defaultdict

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat

from actionplan.models import EvidenceEntry, Plan, Rag

from . import schedule
from .emails import NotNeeded, short_title, site_url, write
from .models import EmailKind, ReportingCalendar
from .people import chairs_of, is_chair_of, may_email, preferences, queue

KIND = EmailKind.EVIDENCE_TO_REVIEW


def new_evidence(plan, since):
    """The plan's current evidence entries recorded after ``since`` and after the last
    rating of their action, oldest first."""
    return (
        EvidenceEntry.objects.current()
        .filter(action__section__plan=plan, action__removed_at=None, recorded_at__gt=since)
        .filter(
            recorded_at__gt=Coalesce("action__rated_at", Value(since, output_field=DateTimeField()))
        )
        .select_related("action__section", "agency")
        .order_by("action__section__number", "action__position", "recorded_at", "pk")
    )


def actions_to_review(plan, since):
    """[{action, count, agencies}] in plan order, one for each action with new evidence."""
    by_action = defaultdict(list)
    for entry in new_evidence(plan, since):
        by_action[entry.action].append(entry)
    rows = []
    for action, entries in by_action.items():
        agencies = sorted({entry.agency.name for entry in entries if entry.agency_id})
        rows.append({"action": action, "count": len(entries), "agencies": agencies})
    return rows


def key(plan, deadline, user):
    return f"{KIND}:{plan.pk}:{deadline.isoformat()}:{user.pk}"


def queue_due(now):
    """Queue the digests due at ``now``. Returns how many were new."""
    day = schedule.sending_day(now)
    queued = 0
    for plan in Plan.objects.open().select_related("owner"):
        calendar = ReportingCalendar.for_plan(plan)
        for deadline, _ in schedule.due(calendar, day, [calendar.review_days]):
            chairs = chairs_of(plan)
            wanted = preferences(chairs)
            since = schedule.period_began(plan, deadline)
            if not chairs or not new_evidence(plan, since).exists():
                continue
            for chair in chairs:
                if may_email(chair, KIND, wanted[chair.pk])[0]:
                    queued += queue(
                        key(plan, deadline, chair), KIND, chair, plan=plan, deadline=deadline
                    )
    return queued


def compose(message, now):
    person, plan, deadline = message.user, message.plan, message.deadline
    if schedule.sending_day(now) > deadline:
        raise NotNeeded("The deadline has passed")
    if not is_chair_of(person, plan):
        raise NotNeeded("They no longer chair the group that owns the plan")
    since = schedule.period_began(plan, deadline)
    _, since_words = schedule.period_start(plan, deadline)
    rows = [
        {
            "ref": row["action"].ref,
            "title": short_title(row["action"]),
            "count": row["count"],
            "agencies": row["agencies"],
            "rating": Rag.label_for(row["action"].rag),
            "rated_at": row["action"].rated_at,
            "action_url": site_url(reverse("action_detail", args=[row["action"].pk])),
            "rate_url": site_url(reverse("rate_action", args=[row["action"].pk])),
        }
        for row in actions_to_review(plan, since)
    ]
    if not rows:
        raise NotNeeded("No new evidence to review any more")
    count = f"{len(rows)} action{'' if len(rows) == 1 else 's'}"
    subject = (
        f"Evidence to review before {dateformat.format(deadline, 'j F Y')}: {count} "
        f"in the {plan.short_title or plan.title}"
    )
    context = {"deadline": deadline, "since_words": since_words, "actions": rows, "count": count}
    return write(KIND, subject, context, user=person, plan=plan)
