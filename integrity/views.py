"""The business manager's page: is the record what was written at the time?"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actionplan.access import require

from .models import HistoryCheck
from .tasks import request_check

REFRESH_SECONDS = 5


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def history_check(request):
    """What ``manage.py verify_history`` said when last asked here, and a button to ask
    again: the worker works the chain out (it reads every record), the page refreshes
    itself until it has."""
    require(request, "may_check_history")
    if request.method == "POST":
        _, new = request_check(by=request.user)
        if not new:
            messages.info(request, "A check is already under way: its result will show here.")
        return redirect("history_check")
    checks = HistoryCheck.objects.select_related("requested_by")
    under_way = checks.under_way().first()
    return render(
        request,
        "integrity/history_check.html",
        {
            "check": checks.finished().first(),
            "under_way": under_way,
            "refresh_seconds": REFRESH_SECONDS if under_way else None,
        },
    )
