"""Writing an email: subject with the plan's marking, plain-text and HTML bodies from
templates, links from ``SITE_URL``, and the one-click unsubscribe link.

Every email is written from ``templates/notifications/email/<kind>.txt`` and ``.html``
with the same context. What goes in is decided by each kind's module; no email carries
evidence text, so nothing one agency recorded reaches another agency's inbox.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from .models import OPTIONAL_KINDS

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
SHORT_TITLE_LENGTH = 90


class NotNeeded(Exception):
    """The message need not be sent after all (nothing outstanding any more, the person
    turned these emails off or left): it is marked "Not needed" with this reason."""


@dataclass
class Email:
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)


def site_url(path):
    """An absolute link to ``path`` on the service, from the ``SITE_URL`` setting."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not base:
        raise ImproperlyConfigured(
            "SITE_URL is not set: links in emails need the service's address, "
            "e.g. SITE_URL=https://plans.example.org"
        )
    return f"{base}{path}"


def marked(subject, plan=None):
    """The subject on one line, with the plan's protective marking first if it has one."""
    marking = " ".join((getattr(plan, "protective_marking", "") or "").split())
    subject = " ".join(subject.split())
    return f"[{marking}] {subject}" if marking else subject


def short_title(action):
    """The first line of the action's wording, cut at a word: "3.1 Ensure that ..."."""
    first_line = " ".join((action.text or "").strip().splitlines()[:1])
    return Truncator(" ".join(first_line.split())).chars(SHORT_TITLE_LENGTH)


def unsubscribe_token(user, kind):
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or None if it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in OPTIONAL_KINDS:
        return None
    if not isinstance(data.get("u"), int):
        return None
    return data["u"], data["k"]


def unsubscribe_url(user, kind):
    return site_url(reverse("unsubscribe", args=[unsubscribe_token(user, kind)]))


def write(kind, subject, context, *, user, plan=None):
    """The email of ``kind`` for ``user``: its templates rendered with ``context`` and
    the things every email has (the marking, the person, links to their settings)."""
    context = {
        **context,
        "person": user,
        "plan": plan,
        "marking": (getattr(plan, "protective_marking", "") or "").strip(),
        "service_url": site_url("/"),
        "my_emails_url": site_url(reverse("my_emails")),
    }
    headers = {"Auto-Submitted": "auto-generated"}
    if kind in OPTIONAL_KINDS:
        url = unsubscribe_url(user, kind)
        context["unsubscribe_url"] = url
        # RFC 8058: mail programs offer "Unsubscribe" and POST to the link themselves.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Email(
        subject=marked(subject, plan),
        text=render_to_string(f"notifications/email/{kind}.txt", context),
        html=render_to_string(f"notifications/email/{kind}.html", context),
        headers=headers,
    )
