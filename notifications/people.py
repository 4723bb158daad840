"""Who receives what: the agency leads and chairs of the partnership, with their
preferences, and the one way a message is queued (once, by its key)."""

from collections import defaultdict

from agencies.models import Membership

from .models import EmailPreference, OutboxMessage


def _memberships(role, **filters):
    return (
        Membership.objects.filter(
            role=role, agency__is_active=True, user__is_active=True, **filters
        )
        .select_related("user", "agency")
        .order_by("user__last_name", "user__first_name", "user__pk", "agency__name")
    )


def agency_leads(agency_ids=None):
    """{person: [agencies they lead]} for the active leads of active agencies (of
    ``agency_ids`` if given), in name order."""
    filters = {} if agency_ids is None else {"agency_id__in": agency_ids}
    leads = defaultdict(list)
    for membership in _memberships(Membership.Role.AGENCY_LEAD, **filters):
        leads[membership.user].append(membership.agency)
    return dict(leads)


def lead_agencies_of(user):
    """The active agencies ``user`` leads today (none if they have left)."""
    if not user.is_active:
        return []
    return [m.agency for m in _memberships(Membership.Role.AGENCY_LEAD, user=user)]


def chairs_of(plan):
    """The active chairs of the group that owns ``plan``."""
    return [m.user for m in _memberships(Membership.Role.CHAIR, agency=plan.owner_id)]


def is_chair_of(user, plan):
    return (
        user.is_active
        and _memberships(Membership.Role.CHAIR, agency=plan.owner_id, user=user).exists()
    )


def preferences(users):
    """{user id: EmailPreference} for ``users``, the defaults for those who never chose."""
    saved = {p.user_id: p for p in EmailPreference.objects.filter(user__in=users)}
    return {user.pk: saved.get(user.pk) or EmailPreference(user=user) for user in users}


def may_email(user, kind, preference=None):
    """Whether ``user`` can be sent an email of ``kind`` now: active, with an address,
    and (for the kinds that can be turned off) wanting it. The reason if not."""
    if not user.is_active:
        return False, "They can no longer sign in"
    if not user.email:
        return False, "They have no email address"
    preference = preference or EmailPreference.for_user(user)
    if not preference.wants(kind):
        return False, "They have turned these emails off"
    return True, ""


def queue(key, kind, user, **about):
    """Queue one message for ``user``, unless a message with this ``key`` was queued
    before (by this run, an earlier one or another machine). Returns whether it was new."""
    _, created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"kind": kind, "user": user, "to": user.email, **about}
    )
    return created
