"""Attaching documents and links to an evidence entry, downloading and withdrawing them.
Each view's first line is an access helper (actionplan/access.py)."""

import re
import unicodedata

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from agencies.models import AuditEvent

from ..access import get_attachment_for, get_evidence_for
from ..http import GET_AND_POST, posted
from ..models import Attachment, EditConflict
from ..views import conflict_page
from .forms import AttachmentForm, WithdrawAttachmentForm
from .tasks import check_attachment
from .uploads import describe_limit, scanning_enabled

# What a download may do in a browser that opens it anyway: nothing.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def safe_filename(name):
    """The person's file name for the download, without paths, quotes or controls."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"<>:|?*;]', "", name).strip(" .") or "attachment"
    return name[-150:]


@login_required
@GET_AND_POST
def add_attachment(request, pk):
    entry = get_evidence_for(request, pk, to="attach")
    form = AttachmentForm(posted(request), request.FILES or None, limit_text=describe_limit())
    if getattr(request, "upload_too_big", False):
        # What was sent was cut off at the limit: show the empty form with the reason.
        form = AttachmentForm(limit_text=describe_limit())
        form.cleaned_data = {}
        form.add_error(None, f"Each file must be smaller than {describe_limit()}")
        return _attachment_page(request, entry, form, status=413)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checking = scanning_enabled()
        added = []
        for upload, content_type in data["files"]:
            title = data["title"] if data["title"] and not data["url"] else upload.name
            attachment = Attachment.add_file(
                entry,
                upload,
                title=title,
                content_type=content_type,
                by=request.user,
                checking=checking,
            )
            added.append(attachment)
            if checking:
                check_attachment.enqueue(attachment.pk)
        if data["url"]:
            added.append(
                Attachment.add_link(entry, url=data["url"], title=data["title"], by=request.user)
            )
        note = " Files are checked for viruses before anyone can download them." if checking else ""
        count = f"{len(added)} attachment{'s' if len(added) != 1 else ''}"
        messages.success(request, f"{count} added.{note}")
        return redirect("action_detail", pk=entry.action_id)
    return _attachment_page(request, entry, form)


def _attachment_page(request, entry, form, status=200):
    return render(
        request,
        "actionplan/attachment_form.html",
        {"entry": entry, "action": entry.action, "form": form, "limit": describe_limit()},
        status=status,
    )


@login_required
@require_safe
def download_attachment(request, pk):
    attachment = get_attachment_for(request, pk, to="download")
    if not attachment.is_file:
        return redirect(attachment.url)
    if not attachment.is_available:
        return render(
            request,
            "actionplan/attachment_unavailable.html",
            {"attachment": attachment},
            status=410 if attachment.scan == Attachment.Scan.INFECTED else 409,
        )
    AuditEvent.objects.record(
        AuditEvent.Event.ATTACHMENT_DOWNLOAD,
        request,
        detail=f"attachment {attachment.pk} on action {attachment.entry.action.ref}",
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=safe_filename(attachment.filename),
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@GET_AND_POST
def withdraw_attachment(request, pk):
    attachment = get_attachment_for(request, pk, to="withdraw")
    form = WithdrawAttachmentForm(posted(request), instance=attachment)
    if request.method == "POST" and form.is_valid():
        try:
            attachment.withdraw(form.cleaned_data["reason"], version=form.cleaned_data["version"])
        except EditConflict as conflict:
            return conflict_page(
                request, attachment.entry.action, conflict, form, theirs=attachment_fields
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"“{attachment.title}” has been withdrawn.")
            return redirect("action_detail", pk=attachment.entry.action_id)
    return render(
        request,
        "actionplan/attachment_withdraw.html",
        {"attachment": attachment, "action": attachment.entry.action, "form": form},
    )


def attachment_fields(attachment):
    return [
        ("Title", attachment.title),
        ("Withdrawn", "Yes" if attachment.is_withdrawn else "No"),
        ("Reason", attachment.withdrawn_reason),
    ]
