"""Sign-ins, failures, lockouts and sign-outs go to the audit log, and so does every
change to people and their roles."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .models import AuditEvent, Membership


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    AuditEvent.objects.record(AuditEvent.Event.SIGN_IN, request, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEvent.objects.record(AuditEvent.Event.SIGN_OUT, request, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # credentials holds the username and a masked password; only the username is kept.
    AuditEvent.objects.record(
        AuditEvent.Event.SIGN_IN_FAILED, request, username=str(credentials.get("username", ""))
    )


if apps.is_installed("axes"):
    from axes.signals import user_locked_out

    @receiver(user_locked_out)
    def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
        AuditEvent.objects.record(AuditEvent.Event.LOCKOUT, request, username=username or "")


# -- people and their roles -----------------------------------------------------------
# Every change to a person or a membership, from any page, the admin or a command, is a
# history row (simple-history); each one also goes to the audit log, with the fields that
# changed (never their values) and the reason given.

PERSON_FIELDS = {
    "username": "username",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email address",
    "is_active": "active",
    "is_staff": "staff",
    "is_superuser": "superuser",
}


@receiver(pre_save, sender=get_user_model())
def _before_a_person_changes(sender, instance, update_fields=None, **kwargs):
    """Signing in (last_login) and setting a password change nothing the history keeps:
    a save that changes nothing else makes no history row. Otherwise, what the person was
    before is kept for the audit log: people who were added before their history was kept
    have no earlier history row to compare with."""
    if update_fields and set(update_fields) <= {"last_login", "password"}:
        instance.skip_history_when_saving = True
    elif instance.pk is not None:
        before = sender.objects.filter(pk=instance.pk).values(*PERSON_FIELDS).first()
        if before and all(before[field] == getattr(instance, field) for field in before):
            instance.skip_history_when_saving = True  # a new password, saved whole
        instance._person_before = before


@receiver(post_save, sender=get_user_model())
def _history_again_next_time(sender, instance, **kwargs):
    # After simple-history's own receiver (connected when agencies.models registered it).
    instance.__dict__.pop("skip_history_when_saving", None)


@receiver(post_create_historical_record)
def _audit_people_and_roles(sender, instance, history_instance, history_user=None, **kwargs):
    if isinstance(instance, Membership):
        event, detail = _membership_change(instance, history_instance)
    elif isinstance(instance, get_user_model()):
        event, detail = _person_change(instance, history_instance)
    else:
        return
    if event:
        reason = history_instance.history_change_reason or ""
        if reason and history_instance.history_type != "+":
            detail = f"{detail} ({reason})"
        request = getattr(HistoricalRecords.context, "request", None)
        AuditEvent.objects.record(event, request, user=history_user, detail=detail)


def _membership_change(membership, record):
    event = {
        "+": AuditEvent.Event.ROLE_GIVEN,
        "~": AuditEvent.Event.ROLE_CHANGED,
        "-": AuditEvent.Event.ROLE_REMOVED,
    }[record.history_type]
    detail = f"{membership.user.username}: {membership.get_role_display()}, {membership.agency}"
    return event, detail


def _person_change(person, record):
    if record.history_type == "+":
        return AuditEvent.Event.PERSON_ADDED, person.username
    if record.history_type == "-":
        return AuditEvent.Event.PERSON_CHANGED, f"{person.username}: deleted"
    before = person.__dict__.pop("_person_before", None) or {}
    changed = {field for field in before if before[field] != getattr(person, field)}
    if "is_active" in changed:
        event = (
            AuditEvent.Event.PERSON_REACTIVATED
            if person.is_active
            else AuditEvent.Event.PERSON_DEACTIVATED
        )
        others = changed - {"is_active"}
        words = f": {', '.join(PERSON_FIELDS[f] for f in PERSON_FIELDS if f in others)}"
        return event, person.username + (words if others else "")
    if changed:
        words = ", ".join(PERSON_FIELDS[field] for field in PERSON_FIELDS if field in changed)
        return AuditEvent.Event.PERSON_CHANGED, f"{person.username}: {words}"
    return None, ""
