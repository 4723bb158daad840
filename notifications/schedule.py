"""When reminders and digests fall due, from a plan's reporting calendar.

A reminder "14 days before 30 September" falls due at 8 in the morning (London) on 16
September. If the sender did not run that day (the machine was off), it goes at the
next run, unless a later reminder for the same deadline has fallen due since: then only
that one goes. Nothing goes for a deadline that has passed.
"""

import datetime

from django.utils import timezone

from actionplan.history.moments import end_of_day
from actionplan.quarters import financial_quarter

# Reminders and digests are not sent in the night: from 8 in the morning, London time.
SEND_FROM = datetime.time(8, 0)


def sending_day(now):
    """The latest day whose reminders may go at ``now``: today from 8 in the morning,
    yesterday before that."""
    local = timezone.localtime(now)
    if local.time() >= SEND_FROM:
        return local.date()
    return local.date() - datetime.timedelta(days=1)


def reminder_in_force(deadline, offsets, day):
    """Of the reminders ``offsets`` (days before ``deadline``), the one that is due by
    ``day``: the latest whose date has come. None before the first or after the deadline."""
    if day > deadline:
        return None
    arrived = [days for days in offsets if deadline - datetime.timedelta(days=days) <= day]
    return min(arrived) if arrived else None


def due(calendar, day, offsets):
    """[(deadline, days before)] due on ``day`` for reminders ``offsets`` of ``calendar``."""
    if not offsets:
        return []
    horizon = day + datetime.timedelta(days=max(offsets))
    found = []
    for deadline in calendar.deadlines(day, horizon):
        days = reminder_in_force(deadline, offsets, day)
        if days is not None:
            found.append((deadline, days))
    return found


def reminder_dates(deadline, offsets):
    """The dates on which the reminders for ``deadline`` go, earliest first."""
    return [deadline - datetime.timedelta(days=days) for days in sorted(offsets, reverse=True)]


def period_start(plan, deadline):
    """The first day of the reporting round that ends at ``deadline``: (date, words).

    The day after the as-at date of the plan's last issued board pack (what the board has
    not seen yet), or, if none was issued, the first day of the deadline's quarter."""
    from reporting.models import BoardPack

    pack = BoardPack.objects.last_before(plan, deadline)
    if pack is not None:
        words = f"since the last board pack (as at {pack.as_at:%-d %B %Y})"
        return pack.as_at + datetime.timedelta(days=1), words
    start = financial_quarter(deadline).start
    return start, f"since the quarter began on {start:%-d %B %Y}"


def period_began(plan, deadline):
    """The moment the round began (the start of ``period_start``'s day, London time)."""
    start, _ = period_start(plan, deadline)
    return end_of_day(start - datetime.timedelta(days=1))
