"""The plan's downloads: CSV and Excel, now or as at a date, with the filters chosen on
the plan overview (the links there carry its address's query). Every download is
audited.

The CSV streams a line at a time as it is made; the workbook is written by XlsxWriter's
constant-memory mode (exports.py), which keeps only the finished file (3.5 MB for a
2,000-action plan) in memory, not every cell."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from actionplan.access import get_plan_for
from actionplan.filters import ActionFilter
from actionplan.snapshot import PlanDidNotExist, plan_snapshot
from agencies.models import AuditEvent

from .exports import csv_lines, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def export_plan(request, fmt, slug=None):
    """The plan (now, or ?as_at=YYYY-MM-DD) as CSV or XLSX, with the overview's filters
    (?rag=red&lead=3 ...). Filters that cannot be read are a page saying why, not a file."""
    plan = get_plan_for(request, slug)
    filterset = ActionFilter(request.GET or None, plan=plan)
    if filterset.is_bound and not filterset.form.is_valid():
        overview = reverse("plan_overview_for", args=[plan.slug])
        return render(
            request,
            "reporting/export_filters_invalid.html",
            {
                "plan": plan,
                "form": filterset.form,
                "overview": f"{overview}?{request.GET.urlencode()}",
            },
            status=400,
        )
    as_at = filterset.as_at_date
    try:
        snapshot = plan_snapshot(plan, as_at=as_at, texts_only=True)
    except PlanDidNotExist:
        snapshot, as_at = plan_snapshot(plan, texts_only=True), None
    snapshot.sections = filterset.keep(snapshot.sections)
    stamp = (as_at or timezone.localdate()).isoformat()
    filtered = filterset.description()
    name_part = filterset.name_part()
    filename = f"{plan.slug}-{name_part + '-' if name_part else ''}{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(snapshot, filtered), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(content_type=XLSX)
        write_xlsx(snapshot, response, filtered)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    detail = f"{plan.slug} {fmt} as at {stamp}{' filtered' if filtered else ''}"
    AuditEvent.objects.record(AuditEvent.Event.EXPORT, request, detail=detail)
    return response
