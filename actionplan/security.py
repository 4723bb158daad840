"""Security plumbing that Django and its add-ons leave to the project.

- ``ReverseProxyMiddleware``: behind a reverse proxy, the client's address from
  X-Forwarded-For -- only as many hops as ``TRUSTED_PROXY_COUNT`` says to trust;
- ``SecurityHeadersMiddleware``: the headers Django does not send itself, and no caching
  of pages shown to a signed-in person (the plan is OFFICIAL-SENSITIVE) or of errors;
- ``UnreadableRequestMiddleware``: a form that cannot be decoded (sent in a charset other
  than UTF-8) gets the 400 page, not gunicorn's bare 500;
- ``SessionLifetimeMiddleware``: signs a person out 12 hours after they signed in, however
  active they have been (the 30-minute idle limit is Django's own session expiry);
- ``lockout_response`` and ``client_ip`` for django-axes;
- ``NoUserDataExceptionReporterFilter``: error reports without what people typed.

The settings that go with these are in ``actionplan/settings.py`` ("Security") and the
reasons in the README's "Security" section.
"""

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.http.multipartparser import MultiPartParserError
from django.middleware.security import SecurityMiddleware
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.debug import SafeExceptionReporterFilter

from .attachments import uploads

# Browser features the service never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SIGNED_IN_AT = "signed_in_at"


# -- the client's address ------------------------------------------------------------


def forwarded_client(header, trusted_proxies):
    """The client address in an X-Forwarded-For ``header`` when ``trusted_proxies``
    proxies each appended the address they saw: the entry that many places from the
    right. Entries further left were written by the client and prove nothing."""
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if trusted_proxies < 1 or len(entries) < trusted_proxies:
        return None
    candidate = entries[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ReverseProxyMiddleware:
    """Sets REMOTE_ADDR to the real client's address when the service runs behind
    ``TRUSTED_PROXY_COUNT`` reverse proxies, so that sign-in protection and the audit
    log see people, not the proxy. With the default 0, X-Forwarded-For is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted_proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.trusted_proxies:
            header = request.META.get("HTTP_X_FORWARDED_FOR", "")
            address = forwarded_client(header, self.trusted_proxies)
            if address:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def client_ip(request):
    """The address django-axes locks on (``AXES_CLIENT_IP_CALLABLE``): REMOTE_ADDR, as
    ``ReverseProxyMiddleware`` left it."""
    return request.META.get("REMOTE_ADDR") or None


# -- headers ---------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response (static
    files included: this sits above WhiteNoise), and no caching of any page served to a
    signed-in person, so the browser's back button after signing out, or a shared
    computer's cache, shows nothing of the plan. Error pages are never cached either:
    a refusal says nothing worth keeping, and a Host refused before anyone is known to
    be signed in may still be a signed-in person's browser."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own security headers (nosniff, Referrer-Policy, COOP, HSTS), added
        # again where missing: a Host refused while SecurityMiddleware works out the
        # HTTPS redirect never reaches that middleware's process_response.
        self.django_headers = SecurityMiddleware(get_response)

    def __call__(self, request):
        # A request refused before AuthenticationMiddleware runs (a Host header not in
        # ALLOWED_HOSTS) still gets the 400 page: its context processors ask who is
        # signed in, and the answer is nobody.
        request.user = AnonymousUser()
        response = self.django_headers.process_response(request, self.get_response(request))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        private = request.user.is_authenticated or response.status_code >= 400
        if private and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


# -- request bodies --------------------------------------------------------------------


class UnreadableRequestMiddleware:
    """A form Django cannot decode gets the 400 page.

    A form declared in a charset other than UTF-8 (``Content-Type:
    application/x-www-form-urlencoded; charset=latin-1``) or in an encoding that is not
    text (``charset=rot13``) makes ``request.POST`` raise. Django's own 400 and 500 views
    check the CSRF token, which reads ``request.POST`` again and fails again: the error
    escaped Django and gunicorn sent its bare 500 page. Here the form is read once, before
    any view; if it cannot be, it is left empty, so that nothing meets the error twice,
    and the 400 page is shown.

    Reading the body before the view (as the CSRF check does for every POST anyway) means
    no view can change the upload handlers afterwards; so the limit on uploaded files is
    set here: a body declared larger than the most an attachment form may send gets the
    413 page without being read, and a file that grows past the limit while it is read
    is dropped (``request.upload_too_big``; actionplan/attachments/uploads.py)."""

    UNREADABLE = (BadRequest, LookupError, UnicodeError, MultiPartParserError)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            if request.content_type == "multipart/form-data":
                if uploads.body_too_big(request):
                    return uploads.too_big_response(request)
                request.upload_handlers.insert(0, uploads.SizeLimitedUploadHandler(request))
            try:
                request.POST  # noqa: B018 -- decoded now, to catch what cannot be
            except self.UNREADABLE as error:
                request._mark_post_parse_error()  # an empty form from now on, not the error
                raise BadRequest("The form cannot be decoded") from error
        return self.get_response(request)


# -- sessions --------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="actionplan.security.signed_in_at")
def _remember_when_they_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    """Signs a person out ``SESSION_ABSOLUTE_TIMEOUT`` seconds after they signed in.

    The sign-in time is stored in the session when they sign in; a session that predates
    this middleware gets the time of its first request. Goes after the message
    middleware, so that the sign-in page can say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
                messages.info(
                    request,
                    f"You have been signed out because you signed in more than {hours} hours "
                    "ago. Sign in again to carry on.",
                )
        return self.get_response(request)


# -- sign-in lockout (django-axes) -----------------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with a message saying the sign-in is locked and for how
    long (``AXES_LOCKOUT_CALLABLE``). The same page whether or not the username exists
    and whether or not the password was right; status 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": str(username)[:150]})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


# -- error reports ---------------------------------------------------------------------


class NoUserDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """With DEBUG off, an error report (an email to ADMINS, if ever set up) shows no POST
    values and no local variables: evidence text, reasons and passwords stay out of it.
    The traceback's code lines and the exception are kept."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        try:
            keys = list(request.POST)
        except Exception:  # an unreadable or oversized body
            return {}
        return {key: self.cleansed_substitute for key in keys}

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
