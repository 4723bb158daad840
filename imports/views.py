"""A Word plan brought in through the browser, by the business manager: upload the
document, read the preview of exactly what will be created (every warning, a select for
each column not recognised, the date the document shows the plan at), then confirm.

Between the upload and the confirmation the file waits in the attachments storage under
a random name, named in the person's session; nothing of the plan is written until the
confirmation, and then all of it in one transaction (``creating.create_plan``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from actionplan.access import get_plan_for, require
from actionplan.attachments.views import DOWNLOAD_CSP, safe_filename
from actionplan.http import GET_AND_POST, posted
from actionplan.models.attachments import attachment_storage
from agencies.models import AuditEvent

from .creating import create_plan, slug_in_use
from .forms import PreviewForm, UploadForm
from .models import PlanImport
from .reading import read_plan
from .safety import ImportRefused, open_checked

SESSION_KEY = "plan_import"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@GET_AND_POST
def upload(request):
    require(request, "may_create_plans")
    form = UploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        checked, data = form.checked, form.cleaned_data
        keep_pending(
            request,
            SESSION_KEY,
            checked.name,
            checked.data,
            title=data["title"],
            owner=data["owner"],
            slug=data["slug"],
            short_title=data["short_title"],
            partnership=data["partnership"],
            headers=read_plan(checked).unrecognised,
            mapping={},
        )
        return redirect("plan_import_preview")
    return render(request, "imports/upload.html", {"form": form})


@login_required
@GET_AND_POST
def preview(request):
    require(request, "may_create_plans")
    pending = request.session.get(SESSION_KEY)
    checked = _pending_file(pending)
    if checked is None:
        messages.error(request, "Upload the Word document again: the upload has expired")
        return redirect("plan_import")
    form = PreviewForm(posted(request), headers=pending["headers"], mapping=pending["mapping"])
    if request.method == "POST" and form.is_valid():
        pending["mapping"] = form.mapping()
        request.session.modified = True
    plan_preview = read_plan(checked, pending["mapping"])
    creating = request.method == "POST" and form.is_valid() and "create" in request.POST
    if creating and not plan_preview.errors and not slug_in_use(pending["slug"]):
        return _create(request, checked, plan_preview, pending, form.cleaned_data)
    if slug_in_use(pending["slug"]):
        plan_preview.errors.append(f"There is already a plan at “{pending['slug']}”")
    context = {"form": form, "preview": plan_preview, "pending": pending}
    return render(request, "imports/preview.html", context)


def _create(request, checked, plan_preview, pending, data):
    try:
        plan = create_plan(
            checked,
            plan_preview,
            slug=pending["slug"],
            title=pending["title"],
            owner=pending["owner"],
            by=request.user,
            as_of=data["as_of"],
            short_title=pending.get("short_title", ""),
            partnership=pending.get("partnership", ""),
        )
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("plan_import_preview")
    forget_pending(request, SESSION_KEY)
    counts = plan_preview.counts
    messages.success(
        request,
        f"“{plan}” has been imported: {counts['actions']} actions in {counts['sections']} "
        f"sections, with {counts['evidence']} evidence entries.",
    )
    return redirect("plan_overview_for", slug=plan.slug)


@login_required
@require_safe
def imported_document(request, slug):
    """The Word document the plan was imported from, as it was uploaded."""
    plan = get_plan_for(request, slug, to="download_document")
    record = PlanImport.objects.filter(plan=plan).first()
    if record is None:
        raise Http404("This plan was not imported from a Word document")
    AuditEvent.objects.record(
        AuditEvent.Event.ATTACHMENT_DOWNLOAD, request, detail=f"Word document of {plan.slug}"
    )
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=safe_filename(record.file_name),
        content_type=DOCX,
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def keep_pending(request, key, checked_name, data, **details):
    """Keep an uploaded file until it is confirmed: in the attachments storage under a
    random name, named in the session under ``key`` with ``details``."""
    forget_pending(request, key)
    stored = attachment_storage().save("imports/pending/upload", ContentFile(data))
    request.session[key] = {"stored": stored, "file_name": checked_name, **details}


def pending_bytes(pending):
    """The bytes of a pending upload, or None if there is none (or it has gone)."""
    if not pending:
        return None
    try:
        with attachment_storage().open(pending["stored"]) as stored:
            return stored.read()
    except OSError:
        return None


def _pending_file(pending):
    data = pending_bytes(pending)
    try:
        return None if data is None else open_checked(pending["file_name"], data)
    except ImportRefused:
        return None


def forget_pending(request, key):
    """Drop a pending upload: its stored file and its place in the session."""
    pending = request.session.pop(key, None)
    if pending:
        attachment_storage().delete(pending["stored"])
