"""Update due: each agency lead is reminded before each deadline (14 and 3 days before,
unless the plan says otherwise) of the actions their agencies lead that have no new
evidence: no current entry dated since the last issued board pack's as-at date (or since
the quarter began). "Dated" is the entry's date of the activity, the same rule as "My
actions" and the dashboard ("no evidence this quarter"), so the email and the pages agree.
One email per person per reminder; nothing for someone with nothing outstanding.

An action complete (Blue) or removed needs no update. The list is worked out again when
the email is sent, so a lead who adds the evidence in the meantime is not asked for it.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import dateformat, timezone

from actionplan.models import Action, ActionLead, Plan, Rag

from . import schedule
from .emails import NotNeeded, short_title, site_url, write
from .models import EmailKind, ReportingCalendar
from .people import agency_leads, lead_agencies_of, may_email, preferences, queue

KIND = EmailKind.UPDATE_DUE


def outstanding(plan, agencies, since):
    """The plan's actions led by any of ``agencies`` that are not complete and have no
    current evidence entry dated ``since`` (a date) or later, in plan order."""
    agency_ids = [agency.pk for agency in agencies]
    led = ActionLead.objects.filter(action=OuterRef("pk"), agency_id__in=agency_ids)
    return (
        Action.objects.in_plan(plan)
        .exclude(rag=Rag.BLUE)
        .filter(Exists(led))
        .with_evidence_status(since=since)
        .filter(needs_evidence=True)
        .select_related("section")
        .prefetch_related("leads__agency")
        .order_by("section__number", "position")
    )


def key(plan, deadline, days, user):
    return f"{KIND}:{plan.pk}:{deadline.isoformat()}:{days}:{user.pk}"


def queue_due(now):
    """Queue the reminders due at ``now`` for every plan. Returns how many were new."""
    day = schedule.sending_day(now)
    leads = agency_leads()
    wanted = preferences(list(leads))
    queued = 0
    for plan in Plan.objects.open():  # a closed plan asks nobody for updates
        calendar = ReportingCalendar.for_plan(plan)
        for deadline, days in schedule.due(calendar, day, calendar.reminder_offsets):
            since, _ = schedule.period_start(plan, deadline)
            for person, agencies in leads.items():
                if not may_email(person, KIND, wanted[person.pk])[0]:
                    continue
                if not outstanding(plan, agencies, since).exists():
                    continue
                queued += queue(
                    key(plan, deadline, days, person),
                    KIND,
                    person,
                    plan=plan,
                    deadline=deadline,
                    days_before=days,
                )
    return queued


def compose(message, now):
    """The reminder as it stands at ``now``; NotNeeded if nothing is outstanding any more."""
    person, plan, deadline = message.user, message.plan, message.deadline
    if schedule.sending_day(now) > deadline:
        raise NotNeeded("The deadline has passed")
    agencies = lead_agencies_of(person)
    if not agencies:
        raise NotNeeded("They no longer lead an agency")
    since, since_words = schedule.period_start(plan, deadline)
    actions = list(outstanding(plan, agencies, since))
    if not actions:
        raise NotNeeded("Nothing is outstanding any more")
    theirs = {agency.pk for agency in agencies}
    rows = [
        {
            "ref": action.ref,
            "title": short_title(action),
            "led_by": [lead.agency.name for lead in action.leads.all() if lead.agency_id in theirs],
            "add_evidence_url": site_url(reverse("add_evidence", args=[action.pk])),
        }
        for action in actions
    ]
    count = f"{len(rows)} action{'' if len(rows) == 1 else 's'}"
    subject = (
        f"Update due by {dateformat.format(deadline, 'j F Y')}: {count} "
        f"in the {plan.short_title or plan.title}"
    )
    context = {
        "deadline": deadline,
        "days_left": (deadline - timezone.localtime(now).date()).days,
        "since_words": since_words,
        "actions": rows,
        "count": count,
        "agencies": [agency.name for agency in agencies],
        "my_actions_url": site_url(reverse("my_actions")),
    }
    return write(KIND, subject, context, user=person, plan=plan)
