"""The plan's structure, kept by the business manager: actions, leads, timescales,
order and sections. Each view's first line is an access helper (actionplan/access.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect, render

from .access import get_action_for, get_section_for
from .forms import ActionForm, MoveForm, RemoveForm, SectionForm
from .http import GET_AND_POST, posted
from .models import Action, EditConflict
from .views import conflict_page


@login_required
@GET_AND_POST
def edit_action(request, pk):
    action = get_action_for(request, pk, to="edit")
    form = ActionForm(posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        try:
            _save_action(action, form)
        except EditConflict as conflict:
            return conflict_page(request, action, conflict, form, theirs=action_fields)
        messages.success(request, f"{action.ref} has been updated.")
        return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/action_form.html", {"action": action, "form": form})


def action_fields(action):
    return [
        ("Action", action.text),
        ("Anticipated outcomes", action.outcomes),
        ("Leads", "; ".join(lead.label for lead in action.leads.all())),
        ("Timescale", action.timescale),
    ]


@transaction.atomic
def _save_action(action, form):
    """Apply the form under a row lock, refusing if someone saved since it was opened."""
    data = form.cleaned_data
    action.check_version(data["version"])
    if data["timescale"] != action.timescale:
        action.revise_timescale(data["timescale"], data["timescale_reason"])
    if (data["text"], data["outcomes"]) != (action.text, action.outcomes):
        action.text, action.outcomes = data["text"], data["outcomes"]
        action._change_reason = "Action wording edited"
        action.save()
    action.set_leads(form.lead_pairs(), reason="Leads changed")


@login_required
@GET_AND_POST
def move_action(request, pk):
    action = get_action_for(request, pk, to="edit")
    old_ref = action.ref
    form = MoveForm(posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action.move_to(data["section"], data["position"], reason=data["reason"])
        action.refresh_from_db()
        messages.success(request, f"{old_ref} is now {action.ref}.")
        return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/move_action.html", {"action": action, "form": form})


@login_required
@GET_AND_POST
def add_action(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = ActionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            last = section.actions.select_for_update().aggregate(last=Max("position"))["last"]
            action = Action(
                section=section,
                position=(last or 0) + 1,
                text=data["text"],
                outcomes=data["outcomes"],
                timescale=data["timescale"],
                due_date=data["due_date"],
            )
            action._change_reason = "Action added"
            action.save()
            action.set_leads(form.lead_pairs(), reason="Action added")
        messages.success(request, f"Action {action.ref} has been added.")
        return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/action_form.html", {"section": section, "form": form})


@login_required
@GET_AND_POST
def edit_section(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = SectionForm(posted(request), instance=section)
    if request.method == "POST" and form.is_valid():
        section = form.save(commit=False)
        if "title" in form.changed_data:
            section.title_reconstructed = False
        section._change_reason = form.cleaned_data["reason"]
        section.save()
        messages.success(request, f"Section {section.number} has been updated.")
        return redirect("plan_overview")
    return render(request, "actionplan/section_form.html", {"section": section, "form": form})


@login_required
@GET_AND_POST
def remove_action(request, pk):
    action = get_action_for(request, pk, to="remove")
    form = RemoveForm(posted(request), what="action")
    if request.method == "POST" and form.is_valid():
        action.remove(form.cleaned_data["reason"])
        messages.success(request, f"Action {action.ref} has been removed from the plan.")
        return redirect("plan_overview")
    return render(request, "actionplan/remove.html", {"form": form, "action": action})


@login_required
@GET_AND_POST
def remove_section(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = RemoveForm(posted(request), what="section", section=section)
    if request.method == "POST" and form.is_valid():
        section.remove(form.cleaned_data["reason"])
        messages.success(request, f"Section {section.number} has been removed from the plan.")
        return redirect("plan_overview")
    return render(request, "actionplan/remove.html", {"form": form, "section": section})
