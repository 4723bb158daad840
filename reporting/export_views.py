"""The plan's downloads: CSV and Excel, now or as at a date. Every download is audited."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from actionplan.access import get_plan_for
from actionplan.filters import AsAtForm
from actionplan.snapshot import PlanDidNotExist, plan_snapshot
from agencies.models import AuditEvent

from .exports import write_csv, write_xlsx


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
