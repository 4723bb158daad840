"""The spreadsheet round trip in the browser: any member of the partnership uploads a
plan's returned Excel export, sees each action's changes (and what they may not change,
and any conflict), then saves them. What is saved follows the pages' rules
(``updates.py``); nothing is saved before the confirmation."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from actionplan.access import get_plan_for
from actionplan.http import GET_AND_POST, posted

from .safety import MAX_FILE_BYTES, ImportRefused, check_workbook
from .updates import read_updates, save_updates
from .views import forget_pending, keep_pending, pending_bytes

SESSION_KEY = "plan_updates"


class UpdatesForm(forms.Form):
    file = forms.FileField(
        label="Returned spreadsheet",
        help_text="The Excel download of this plan (.xlsx), with the changes typed in",
        error_messages={"required": "Select the returned spreadsheet"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        self.data_read = upload.read()
        try:
            check_workbook(upload.name, self.data_read)
        except ImportRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload


@login_required
@GET_AND_POST
def upload_updates(request, slug):
    plan = get_plan_for(request, slug, to="import_updates")
    form = UpdatesForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["file"].name
        try:
            read_updates(name, form.data_read, request.user, plan_slug=plan.slug)
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            keep_pending(request, SESSION_KEY, name, form.data_read, plan=plan.slug)
            return redirect("plan_updates_check", slug=plan.slug)
    return render(request, "imports/updates_upload.html", {"plan": plan, "form": form})


def _preview(request, plan):
    pending = request.session.get(SESSION_KEY)
    data = pending_bytes(pending) if pending and pending["plan"] == plan.slug else None
    if data is None:
        return None
    try:
        return read_updates(pending["file_name"], data, request.user, plan_slug=plan.slug)
    except ImportRefused:
        return None


def _pending(request, plan):
    """(the check of the pending sheet, None), or (None, the way back to the upload)."""
    preview = _preview(request, plan)
    if preview is None:
        messages.error(request, "Upload the returned spreadsheet again: the upload has expired")
        return None, redirect("plan_updates", slug=plan.slug)
    return preview, None


@login_required
@require_safe
def check_updates(request, slug):
    plan = get_plan_for(request, slug, to="import_updates")
    preview, back = _pending(request, plan)
    return back or render(request, "imports/updates_check.html", {"plan": plan, "preview": preview})


@login_required
@require_POST
def save_updates_from_sheet(request, slug):
    """Read the sheet again (anything saved meanwhile is then a conflict) and save."""
    plan = get_plan_for(request, slug, to="import_updates")
    preview, back = _pending(request, plan)
    if back:
        return back
    saved, conflicts = save_updates(preview, request.user)
    forget_pending(request, SESSION_KEY)
    if saved:
        messages.success(request, f"The changes to {', '.join(saved)} have been saved.")
    for ref in [update.ref for update in preview.conflicts] + conflicts:
        messages.error(request, f"{ref} was changed in the tracker since the export: not saved.")
    return redirect("plan_overview_for", slug=plan.slug)
