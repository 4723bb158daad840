"""Rated Red, or a rating made worse: the leads of the action's agencies are told, with
the chair's reason.

Found from the rating history (``actionplan.history.ratings.is_rating_decision``), not
from the rating page, so every way of rating is covered and the rating code knows
nothing of email. Each run looks at the decisions made since the last run (with an hour
of overlap, so that a rating saved while the last run was looking is not missed); each
alert's key is the history record, so a decision is reported once whatever the overlap.
Decisions made before the sender first ran are never reported, nor one that a later
decision replaced before the alert went (rated Red by mistake, then Amber a minute later).
"""

import datetime

from django.db.models import Q
from django.urls import reverse

from actionplan.historical import person_name
from actionplan.history.ratings import is_rating_decision
from actionplan.models import Action, Rag

from .emails import NotNeeded, short_title, site_url, write
from .models import EmailKind, RatingSweep
from .people import agency_leads, lead_agencies_of, may_email, preferences, queue

KIND = EmailKind.RATING_ALERT
OVERLAP = datetime.timedelta(hours=1)
# After a long stop, decisions older than this are not reported: the news is stale.
LOOKBACK = datetime.timedelta(days=7)


def is_alarming(old, new):
    """Rated Red (again, with a new reason, included), or worse than before."""
    return new == Rag.RED or Rag.direction(old, new) == "down"


def previous_record(record):
    """The history record of the same action just before ``record``."""
    return (
        Action.history.filter(id=record.id)
        .filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


def decisions_since(start, now):
    """(record, previous) for each alarming rating decision made from ``start`` to ``now``
    that is still the action's rating."""
    records = Action.history.filter(
        history_type="~", rated_at__gte=start, rated_at__lte=now
    ).order_by("history_id")
    for record in records:
        previous = previous_record(record)
        if not is_rating_decision(previous, record):
            continue
        if is_alarming(previous.rag if previous else "", record.rag):
            yield record, previous


def queue_due(now):
    """Queue alerts for the decisions made since the last run. Returns how many were new."""
    sweep, _ = RatingSweep.objects.get_or_create(
        pk=1, defaults={"watching_since": now, "swept_until": now}
    )
    start = max(sweep.watching_since, sweep.swept_until - OVERLAP, now - LOOKBACK)
    queued = 0
    for record, _ in decisions_since(start, now):
        action = (
            Action.objects.current()
            .select_related("section__plan")
            .prefetch_related("leads")
            .filter(pk=record.id)
            .first()
        )
        if action is None or action.rated_at != record.rated_at:
            continue  # removed, or rated again since: that decision speaks for itself
        leads = agency_leads([lead.agency_id for lead in action.leads.all()])
        wanted = preferences(list(leads))
        for person in leads:
            if person.pk == record.rated_by_id:
                continue
            if may_email(person, KIND, wanted[person.pk])[0]:
                queued += queue(
                    f"{KIND}:{record.history_id}:{person.pk}",
                    KIND,
                    person,
                    plan=action.section.plan,
                    action=action,
                    rating_record_id=record.history_id,
                )
    if now > sweep.swept_until:
        sweep.swept_until = now
        sweep.save(update_fields=["swept_until"])
    return queued


def compose(message, now):
    record = Action.history.filter(history_id=message.rating_record_id).first()
    action = (
        Action.objects.current()
        .select_related("section__plan")
        .prefetch_related("leads__agency")
        .filter(pk=getattr(record, "id", None))
        .first()
    )
    if record is None or action is None:
        raise NotNeeded("The action has been removed")
    if action.rated_at != record.rated_at:
        raise NotNeeded("The action has been rated again since")
    theirs = {agency.pk for agency in lead_agencies_of(message.user)}
    led_by = [lead.agency.name for lead in action.leads.all() if lead.agency_id in theirs]
    if not led_by:
        raise NotNeeded("They no longer lead an agency that leads this action")
    previous = previous_record(record)
    old = previous.rag if previous else ""
    new_label, old_label = Rag.label_for(record.rag), Rag.label_for(old)
    if old and old != record.rag:
        subject = f"Action {action.ref} rated {new_label} (was {old_label})"
    elif old == record.rag:
        subject = f"Action {action.ref} rated {new_label} again"
    else:
        subject = f"Action {action.ref} rated {new_label}"
    context = {
        "ref": action.ref,
        "title": short_title(action),
        "new_label": new_label,
        "old_label": old_label if old else "",
        "same": old == record.rag,
        "reason": record.rag_reason,
        "by": record.history_user_name or person_name(record.rated_by),
        "when": record.rated_at,
        "led_by": led_by,
        "action_url": site_url(reverse("action_detail", args=[action.pk])),
        "add_evidence_url": site_url(reverse("add_evidence", args=[action.pk])),
    }
    return write(KIND, subject, context, user=message.user, plan=action.section.plan)
