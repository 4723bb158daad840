"""Board packs in the browser. Any member sees the issued packs and downloads them; the
business manager chooses a plan and a date, previews the draft, asks for the draft PDF
and issues the pack. Each view's first line is an access helper (actionplan/access.py).

The preview is rendered in the request (HTML only: about 2 s even for 1,000 actions).
PDFs are not: WeasyPrint takes seconds to minutes, so asking for the draft PDF or issuing
records a job for the background worker (reporting/tasks.py) and sends the person to
its progress page, which refreshes itself until the pack is made."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from actionplan.access import get_pack_for, require, require_member
from actionplan.http import GET_AND_POST, posted
from actionplan.quarters import financial_quarter
from actionplan.snapshot import PlanDidNotExist
from agencies.models import AuditEvent

from .forms import BoardPackForm, WithdrawPackForm
from .issuing import already_issued
from .models import BoardPack, PackJob
from .pack import pack_context, pack_period
from .tasks import request_pack

REFRESH_SECONDS = 3


def pdf_response(pdf, filename):
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    # An attachment: a PDF sent inline opens in the browser's viewer instead.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def form_page(request, form, status=200):
    return render(request, "reporting/board_pack_form.html", {"form": form}, status=status)


def _draft_context(request, form):
    """The draft pack for a valid form; None (with the error on the form) if the plan
    did not exist at that date."""
    data = form.cleaned_data
    try:
        return pack_context(
            data["plan"], data["as_at"], data["since"], kind=data["kind"], generated_by=request.user
        )
    except PlanDidNotExist as error:
        form.add_error("as_at", str(error))
        return None


@login_required
@require_safe
def board_packs(request):
    viewer = require_member(request)
    packs = (
        BoardPack.objects.without_pdf()
        .select_related("plan", "withdrawal")
        .annotate(download_count=Count("downloads"))
        .order_by("plan__title", "-as_at")
    )
    jobs = []
    if viewer.may_issue_packs:
        jobs = PackJob.objects.without_pdf().select_related("plan", "requested_by")[:5]
    return render(
        request,
        "reporting/board_packs.html",
        {"packs": packs, "jobs": jobs, "may_issue": viewer.may_issue_packs, "viewer": viewer},
    )


@login_required
@require_safe
def board_pack_new(request):
    require(request, "may_issue_packs")
    # Coming back from a preview: start from the choice made there.
    initial = {
        name: request.GET[name]
        for name in ("plan", "kind", "as_at", "since")
        if name in request.GET
    }
    return form_page(request, BoardPackForm(initial=initial))


@login_required
@require_safe
def board_pack_preview(request):
    require(request, "may_issue_packs")
    form = BoardPackForm(request.GET or None)
    if not form.is_valid():
        return form_page(request, form)
    context = _draft_context(request, form)
    if context is None:
        return form_page(request, form)
    data = form.cleaned_data
    return render(
        request,
        "reporting/board_pack_preview.html",
        {
            **context,
            "form": form,
            "choice": form.query(),
            "query": urlencode(form.query()),
            "already_issued": already_issued(data["plan"], data["as_at"]),
            "in_preview": True,
        },
    )


@login_required
@require_POST
def board_pack_draft_pdf(request):
    require(request, "may_issue_packs")
    form = BoardPackForm(request.POST)
    if not form.is_valid():
        return form_page(request, form)
    data = form.cleaned_data
    job = request_pack(
        PackJob.Kind.DRAFT,
        data["plan"],
        data["as_at"],
        data["since"],
        pack_kind=data["kind"],
        by=request.user,
    )
    return redirect("board_pack_job", job.pk)


@login_required
@GET_AND_POST
def board_pack_issue(request):
    """Check the pack before issuing it (GET: the choice made on the preview), then issue
    it (POST from this page only): issuing cannot be undone."""
    require(request, "may_issue_packs")
    form = BoardPackForm(request.POST if request.method == "POST" else request.GET or None)
    if not form.is_valid():
        return form_page(request, form)
    data = form.cleaned_data
    message = already_issued(data["plan"], data["as_at"])
    if message:
        form.add_error("as_at", message)
        return form_page(request, form)
    if request.method == "GET":
        return render(
            request,
            "reporting/board_pack_confirm.html",
            {
                **data,
                "period": pack_period(data["plan"], data["as_at"], data["since"]),
                "period_label": financial_quarter(data["as_at"]).label,
                "choice": form.query(),
                "query": urlencode(form.query()),
            },
        )
    # Pressed twice, or by two people at once: follow the one already being made.
    # (Should two jobs still race, the second fails: a plan has one pack a date.)
    job = PackJob.objects.issuing(data["plan"], data["as_at"])
    if job is None:
        job = request_pack(
            PackJob.Kind.ISSUE,
            data["plan"],
            data["as_at"],
            data["since"],
            pack_kind=data["kind"],
            by=request.user,
        )
    return redirect("board_pack_job", job.pk)


@login_required
@GET_AND_POST
def board_pack_withdraw(request, pk):
    """Withdraw a pack issued by mistake, with a reason. The pack is kept as issued."""
    pack = get_pack_for(request, pk, to="withdraw")
    form = WithdrawPackForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                pack.withdraw(form.cleaned_data["reason"], by=request.user)
        except IntegrityError:  # withdrawn by someone else meanwhile
            messages.info(request, f"The pack as at {pack.as_at:%-d %B %Y} was already withdrawn.")
            return redirect("board_packs")
        AuditEvent.objects.record(AuditEvent.Event.PACK_WITHDRAWN, request, detail=pack.filename)
        messages.success(request, f"The pack as at {pack.as_at:%-d %B %Y} has been withdrawn.")
        return redirect("board_packs")
    return render(request, "reporting/board_pack_withdraw.html", {"pack": pack, "form": form})


@login_required
@require_safe
@never_cache
def board_pack_job(request, pk):
    """How a draft PDF or an issue is getting on. While it is being made the page
    refreshes itself (a meta refresh: no script, which the CSP would refuse inline)."""
    require(request, "may_issue_packs")
    job = get_object_or_404(
        PackJob.objects.without_pdf().select_related("plan", "pack", "requested_by"), pk=pk
    )
    choice = {"plan": job.plan.slug, "kind": job.pack_kind, "as_at": job.as_at.isoformat()}
    if job.since_date:
        choice["since"] = job.since_date.isoformat()
    return render(
        request,
        "reporting/board_pack_job.html",
        {
            "job": job,
            "refresh_seconds": REFRESH_SECONDS if job.in_progress else None,
            "query": urlencode(choice),
        },
    )


@login_required
@require_safe
def board_pack_job_pdf(request, pk):
    """A draft's PDF, made by the worker. Drafts are not recorded: only issued packs are."""
    require(request, "may_issue_packs")
    job = get_object_or_404(
        PackJob.objects.select_related("plan"),
        pk=pk,
        kind=PackJob.Kind.DRAFT,
        status=PackJob.Status.DONE,
    )
    return pdf_response(job.pdf, job.filename)


@login_required
@require_GET  # not HEAD: every download is recorded
def board_pack_download(request, pk):
    pack = get_pack_for(request, pk, to="download")
    pack.record_download(request.user)
    AuditEvent.objects.record(AuditEvent.Event.PACK_DOWNLOAD, request, detail=pack.filename)
    return pdf_response(pack.pdf, pack.filename)
