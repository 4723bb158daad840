"""The plan's downloads: CSV and Excel, now or as at a date. Every download is audited.

The CSV streams a line at a time as it is made; the workbook is made by openpyxl's
write-only mode (exports.py), which keeps only the finished file (2 MB for a
2,000-action plan) in memory, not every cell."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from actionplan.access import get_plan_for
from actionplan.filters import AsAtForm
from actionplan.snapshot import PlanDidNotExist, plan_snapshot
from agencies.models import AuditEvent

from .exports import csv_lines, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def export_plan(request, fmt, slug=None):
    """The plan (now, or ?as_at=YYYY-MM-DD) as CSV or XLSX. Every export is audited."""
    plan = get_plan_for(request, slug)
    as_at = AsAtForm.date_from(request.GET)
    try:
        snapshot = plan_snapshot(plan, as_at=as_at, texts_only=True)
    except PlanDidNotExist:
        snapshot, as_at = plan_snapshot(plan, texts_only=True), None
    stamp = (as_at or timezone.localdate()).isoformat()
    filename = f"{plan.slug}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(snapshot), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(content_type=XLSX)
        write_xlsx(snapshot, response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    AuditEvent.objects.record(
        AuditEvent.Event.EXPORT, request, detail=f"{plan.slug} {fmt} as at {stamp}"
    )
    return response
