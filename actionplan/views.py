from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Plan
from .snapshot import plan_snapshot


@login_required
def plan_overview(request):
    plan = Plan.objects.select_related("owner").order_by("pk").first()
    snapshot = plan_snapshot(plan) if plan else None
    return render(request, "actionplan/plan_overview.html", {"snapshot": snapshot})
