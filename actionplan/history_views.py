"""History you can trust: an action's changes, the plan's activity feed, exports and
the audit log. Each view's first line is an access helper (actionplan/access.py)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.models import AuditEvent
from reporting.exports import write_csv, write_xlsx

from .access import get_action_for, get_plan_for, viewer_for
from .forms import AsAtForm, ChangeFilterForm
from .history import change_keys, read_changes
from .snapshot import PlanDidNotExist, plan_snapshot

PAGE_SIZE = 50


def _page(request, plan, keys):
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, read_changes(plan, list(page.object_list))


@login_required
@require_safe
def action_history(request, pk):
    action = get_action_for(request, pk)
    plan = action.section.plan
    form = ChangeFilterForm(request.GET or None, plan=plan, for_action=True)
    page, changes = _page(request, plan, change_keys(plan, action=action, **form.key_filters()))
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
    page, changes = _page(request, plan, change_keys(plan, **form.key_filters()))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actionplan/activity.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "changes": changes,
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def export_plan(request, fmt, slug=None):
    """The plan (now, or ?as_at=YYYY-MM-DD) as CSV or XLSX. Every export is audited."""
    plan = get_plan_for(request, slug)
    as_at = AsAtForm.date_from(request.GET)
    try:
        snapshot = plan_snapshot(plan, as_at=as_at)
    except PlanDidNotExist:
        snapshot, as_at = plan_snapshot(plan), None
    stamp = (as_at or timezone.localdate()).isoformat()
    filename = f"{plan.slug}-{stamp}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        write_csv(snapshot, response)
    else:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        write_xlsx(snapshot, response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    AuditEvent.objects.record(
        AuditEvent.Event.EXPORT, request, detail=f"{plan.slug} {fmt} as at {stamp}"
    )
    return response


def permission_denied(request, exception=None):
    """The friendly 403 page; every refusal is written to the audit log."""
    AuditEvent.objects.record(AuditEvent.Event.REFUSED, request, detail=request.path)
    viewer_for(request)  # the template's navigation asks what the person may do
    return render(request, "403.html", status=403)
