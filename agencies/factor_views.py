"""The second factor's pages: set up the authenticator app, enter a code from it, or use
a recovery code. The rules are in agencies/factors.py."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from actionplan.http import GET_AND_POST, posted

from . import factors
from .forms import CodeForm, RecoveryCodeForm
from .models import AuditEvent


def for_those_who_owe_a_code(view):
    """The factor's pages are for someone whose role needs a second factor and who has
    not yet given a code in this session; everyone else is sent on to where they were
    going. Each page shows a form (GET) and takes a code (POST)."""

    @login_required
    @GET_AND_POST
    @functools.wraps(view)
    def page(request):
        if not factors.required_for(request.user) or request.user.is_verified():
            return redirect(factors.next_url(request))
        return view(request)

    return page


def _ask_for_code(request, form_class, device, template, accepted, context=None):
    """A page asking for a code: the form, one try against ``device`` (with the lockout's
    rules), then ``accepted(request, device)`` makes the response to a right code."""
    form = form_class(posted(request), initial={"next": factors.next_url(request)})
    if request.method == "POST" and form.is_valid():
        if device is None:
            form.add_error("code", "You have no recovery codes left")
        else:
            attempt = factors.try_code(request, device, form.cleaned_data["code"])
            if attempt.locked_out:
                return attempt.locked_out
            if attempt.accepted:
                return accepted(request, device)
            form.add_error("code", attempt.error)
    return render(request, template, {**(context or {}), "form": form})


@for_those_who_owe_a_code
def set_up(request):
    """The app's key as a QR code and as text, and the code it then shows. Once set up
    the app cannot be replaced from here: only a reset by the business manager."""
    if factors.app_device(request.user):
        return redirect(factors.factor_page(request.user, factors.next_url(request)))
    device = factors.app_being_set_up(request.user)
    context = {"qr_code": factors.qr_code_svg(device), "key": factors.key_text(device)}
    return _ask_for_code(
        request, CodeForm, device, "registration/factor_set_up.html", _set_up_done, context
    )


def _set_up_done(request, device):
    """The recovery codes, shown this once: on the page that answers the right code, not
    after a redirect, so that they are never kept in the session."""
    codes = factors.confirm(request, device)
    context = {"codes": codes, "next": factors.next_url(request)}
    return render(request, "registration/recovery_codes.html", context)


@for_those_who_owe_a_code
def verify(request):
    """ "Enter the code from your authenticator app", after the password."""
    device = factors.app_device(request.user)
    if device is None:
        return redirect(factors.factor_page(request.user, factors.next_url(request)))
    return _ask_for_code(request, CodeForm, device, "registration/factor_verify.html", _go_on)


def _go_on(request, device):
    return redirect(factors.next_url(request))


@for_those_who_owe_a_code
def recovery(request):
    """A recovery code instead of the app: each works once."""
    device = factors.recovery_device(request.user)
    return _ask_for_code(
        request, RecoveryCodeForm, device, "registration/factor_recovery.html", _recovered
    )


def _recovered(request, device):
    left = device.token_set.count()
    AuditEvent.objects.record(AuditEvent.Event.RECOVERY_CODE_USED, request, detail=f"{left} left")
    messages.warning(
        request,
        f"You used a recovery code. You have {left} left. If you no longer have your "
        "authenticator app, ask the board's business manager to reset your second factor.",
    )
    return _go_on(request, device)
