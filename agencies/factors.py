"""The second factor: an authenticator app (TOTP), with ten one-time recovery codes.

Who needs one: anyone holding a role named in ``settings.MFA_REQUIRED_ROLES`` (a
membership as chair or business manager, or being a superuser). After their password
they are sent to set up the app (first time) or to enter a code from it, and until a code
has been accepted in this session ``SecondFactorMiddleware`` lets them see nothing but
those pages and sign-out.

django-otp keeps the devices: a ``TOTPDevice`` for the app (its key shown once, as a QR
code and as text) and a ``StaticDevice`` holding the recovery codes (each deleted when
used). Wrong codes are slowed down by django-otp (1, 2, 4 ... seconds between tries) and
counted by django-axes like wrong passwords, so ten in a row lock the username for the
same 15 minutes.
"""

import dataclasses
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplan.security import lockout_response

from .models import AuditEvent, Membership

RECOVERY_CODES = 10
APP = "Authenticator app"
RECOVERY = "Recovery codes"
# What a person who still owes a code may open: the factor's own pages and signing out
# (or in again, as someone else).
OPEN_BEFORE_THE_FACTOR = {
    "login",
    "logout",
    "factor_set_up",
    "factor_verify",
    "factor_recovery",
}


def required_for(user):
    """Does ``user`` need a second factor? Only when MFA_REQUIRED_ROLES names a role they
    hold: no query at all while it names none (development, the tests)."""
    roles = set(settings.MFA_REQUIRED_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if user.is_superuser and "superuser" in roles:
        return True
    return Membership.objects.filter(user=user, role__in=roles - {"superuser"}).exists()


def app_device(user):
    """The person's authenticator app, once set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_factor(user):
    """An app (set up or being set up) or recovery codes: something a reset would clear."""
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def app_being_set_up(user):
    """The app not yet confirmed: the same key each time the set-up page is shown."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP, confirmed=False)


def recovery_device(user):
    return StaticDevice.objects.filter(user=user, name=RECOVERY).first()


def key_text(device):
    """The app's key as people type it: base32 in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device):
    """The set-up QR code as inline SVG: no image request, nothing for the CSP to allow."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4
    )
    svg = image.get_image()
    svg.set("role", "img")
    svg.set("aria-label", "QR code to scan with your authenticator app")
    svg.set("class", "app-qr-code")
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 -- SVG we made


def confirm(request, device):
    """The code from the new app was right: the app is set up, this session has passed
    the second factor, and ten new recovery codes are made. Returns the codes, to be
    shown this once."""
    device.confirmed = True
    device.save()
    otp_login(request, device)
    AuditEvent.objects.record(AuditEvent.Event.FACTOR_SET_UP, request)
    return new_recovery_codes(request.user)


def new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def reset(person):
    """Forget the person's app and recovery codes: they set up a new app next time."""
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()


@dataclasses.dataclass
class Attempt:
    accepted: bool = False
    error: str = ""
    locked_out: object = None  # the lockout page, when this try locked the username


WRONG = {
    APP: "The code is not correct or has expired. Enter the latest code from your "
    "authenticator app",
    RECOVERY: "The recovery code is not correct or has already been used",
}


def try_code(request, device, code):
    """One try of ``code`` against ``device``, with the sign-in lockout's rules: a
    username locked out (by wrong passwords or wrong codes) is signed out and shown the
    lockout page; a try too soon after a wrong one is refused unread; a wrong code counts
    as a failed sign-in, and a right one clears the count."""
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return Attempt(locked_out=_sign_out_locked(request, credentials))
    may_try, why_not = device.verify_is_allowed()
    if not may_try:
        return Attempt(error=_wait(why_not.get("locked_until")))
    if device.verify_token(code):
        otp_login(request, device)
        # As a right password does (AXES_RESET_ON_SUCCESS): the count starts again.
        AxesProxyHandler.reset_attempts(username=credentials["username"])
        return Attempt(accepted=True)
    AuditEvent.objects.record(AuditEvent.Event.FACTOR_FAILED, request, detail=device.name)
    AxesProxyHandler.user_login_failed(sender=try_code, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # the page is ours: AxesMiddleware need not redo it
        return Attempt(locked_out=_sign_out_locked(request, credentials))
    return Attempt(error=WRONG[device.name if device.name in WRONG else APP])


def _wait(until):
    seconds = max(1, round((until - timezone.now()).total_seconds())) if until else 1
    if seconds >= 90:
        wait = f"{round(seconds / 60)} minutes"
    else:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"You have entered too many wrong codes. Wait {wait}, then try again"


def _sign_out_locked(request, credentials):
    logout(request)
    return lockout_response(request, credentials=credentials)


# -- where to go next ------------------------------------------------------------------


def next_url(request):
    """Where the person was going when they were asked for a code (a local path only)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("plan_overview")


def factor_page(user, wanted=""):
    """The page that asks for the factor: set-up the first time, else the code."""
    page = reverse("factor_verify" if app_device(user) else "factor_set_up")
    return f"{page}?{urlencode({'next': wanted})}" if wanted else page


class SecondFactorMiddleware:
    """Until a person who needs a second factor has entered a code in this session,
    every page but the factor's own and sign-out sends them to it; and the sign-in page
    sends them straight there, to go on afterwards where it would have sent them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 302
            and request.method == "POST"
            and getattr(request.resolver_match, "view_name", "") == "login"
            and settings.MFA_REQUIRED_ROLES
            and request.user.is_authenticated
            and DEVICE_ID_SESSION_KEY not in request.session
            and required_for(request.user)
        ):
            return redirect(factor_page(request.user, response["Location"]))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.MFA_REQUIRED_ROLES or not user.is_authenticated:
            return None
        if user.is_verified() or request.resolver_match.view_name in OPEN_BEFORE_THE_FACTOR:
            return None
        if not required_for(user):
            return None
        wanted = request.get_full_path() if request.method == "GET" else ""
        return redirect(factor_page(user, wanted))
