"""The business manager's page: is the record what was written at the time?"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actionplan.access import require

from .verify import verify


@login_required
@require_safe
def history_check(request):
    """What ``manage.py verify_history`` says, worked out afresh on every visit."""
    require(request, "may_check_history")
    return render(request, "integrity/history_check.html", {"report": verify()})
