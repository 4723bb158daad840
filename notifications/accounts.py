"""The two essential emails: a password reset link, asked for from the sign-in page, and
an invitation, sent when the business manager adds a person, with a link to set their
own password.

Both use Django's password-reset tokens: a link works once (setting the password
changes what the token is made from) and for a limited time -- a reset link for
``PASSWORD_RESET_TIMEOUT`` (2 hours), an invitation for ``INVITATION_DAYS`` (7 days; it
has a token generator of its own, so one kind of link never opens the other's page).
The token is made when the email is sent, never stored: the outbox keeps who and when.
"""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from actionplan.models import Plan

from .emails import NotNeeded, site_url, write
from .models import EmailKind, OutboxMessage
from .people import queue

INVITATION_DAYS = 7
# At most one reset email per person in this many seconds, however often it is asked for.
RESET_EVERY = 10 * 60


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with a salt of its own and a week to use it."""

    key_salt = "notifications.accounts.InvitationTokenGenerator"
    timeout = INVITATION_DAYS * 24 * 60 * 60

    def check_token(self, user, token):
        # Django's check, with this generator's timeout instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                return self._num_seconds(self._now()) - timestamp <= self.timeout
        return False


invitation_token = InvitationTokenGenerator()


def queue_password_reset(user, now):
    """Queue a reset link for ``user``: one per person every 10 minutes at most."""
    bucket = int(now.timestamp()) // RESET_EVERY
    return queue(f"{EmailKind.PASSWORD_RESET}:{user.pk}:{bucket}", EmailKind.PASSWORD_RESET, user)


def queue_invitation(user):
    """Queue an invitation for ``user``. Each invitation is a message of its own; two
    clicks on the same button queue one."""
    earlier = OutboxMessage.objects.filter(kind=EmailKind.INVITATION, user=user).count()
    return queue(f"{EmailKind.INVITATION}:{user.pk}:{earlier + 1}", EmailKind.INVITATION, user)


def _link(name, user, generator):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return site_url(reverse(name, args=[uid, generator.make_token(user)]))


def _partnership():
    plan = Plan.objects.order_by("pk").first()
    return plan.partnership if plan else ""


def compose_password_reset(message, now):
    person = message.user
    context = {
        "link": _link("password_reset_confirm", person, default_token_generator),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "sign_in_url": site_url(reverse("login")),
    }
    return write(
        EmailKind.PASSWORD_RESET,
        "Reset your password for the action plan tracker",
        context,
        user=person,
    )


def compose_invitation(message, now):
    person = message.user
    if person.has_usable_password():
        raise NotNeeded("They have already set a password")
    expires = now + datetime.timedelta(days=INVITATION_DAYS)
    context = {
        "link": _link("invitation", person, invitation_token),
        "days": INVITATION_DAYS,
        "expires": expires,
        "partnership": _partnership(),
        "sign_in_url": site_url(reverse("login")),
    }
    return write(
        EmailKind.INVITATION,
        "You have been invited to the action plan tracker",
        context,
        user=person,
    )
