"""Sign-ins, failures, lockouts and sign-outs go to the audit log."""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


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
