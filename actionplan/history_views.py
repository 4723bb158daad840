"""History you can trust: an action's changes and the plan's activity feed (read by
actionplan/history/), and the 403 page, which records each refusal. Each view's first
line is an access helper (actionplan/access.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.models import AuditEvent

from .access import get_action_for, get_plan_for, viewer_for
from .filters import ChangeFilterForm
from .history import change_page, cursor_from, read_changes


def _page(request, plan, **filters):
    """One page of changes, chosen by ?before= or ?after= (keyset: no count, no
    offset); an address whose cursor cannot be read gets the newest page and a message."""
    cursor, error = cursor_from(request.GET)
    page = change_page(plan, **cursor, **filters)
    page.error = error
    return page, read_changes(plan, page.rows)


@login_required
@require_safe
def action_history(request, pk):
    action = get_action_for(request, pk)
    plan = action.section.plan
    form = ChangeFilterForm(request.GET or None, plan=plan, for_action=True)
    page, changes = _page(request, plan, action=action, **form.key_filters())
    return render(
        request,
        "actionplan/action_history.html",
        {"action": action, "form": form, "page": page, "changes": changes},
    )


@login_required
@require_safe
def activity(request, slug=None):
    plan = get_plan_for(request, slug)
    form = ChangeFilterForm(request.GET or None, plan=plan)
    page, changes = _page(request, plan, **form.key_filters())
    return render(
        request,
        "actionplan/activity.html",
        {"plan": plan, "form": form, "page": page, "changes": changes},
    )


def permission_denied(request, exception=None):
    """The friendly 403 page; every refusal is written to the audit log."""
    AuditEvent.objects.record(AuditEvent.Event.REFUSED, request, detail=request.path)
    viewer_for(request)  # the template's navigation asks what the person may do
    return render(request, "403.html", status=403)
