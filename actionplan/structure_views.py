"""The plan's structure, kept by the business manager: actions, leads, timescales,
order and sections. Each view's first line is an access helper (actionplan/access.py);
the rules themselves are model methods (Action.edit, Section.add_action, …)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from .access import get_action_for, get_plan_for, get_section_for
from .forms import ActionForm, MoveForm, RemoveForm, RenumberForm, SectionForm
from .http import GET_AND_POST, posted
from .models import EditConflict
from .views import conflict_page


def plan_page(plan):
    """Back to the plan the object belongs to (a Board may keep several)."""
    return redirect("plan_overview_for", slug=plan.slug)


@login_required
@GET_AND_POST
def edit_action(request, pk):
    action = get_action_for(request, pk, to="edit")
    form = ActionForm(posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action.edit(
                text=data["text"],
                outcomes=data["outcomes"],
                timescale=data["timescale"],
                timescale_reason=data["timescale_reason"],
                wording_reason=data["wording_reason"],
                leads=form.lead_pairs(),
                version=data["version"],
            )
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


def place_fields(action):
    return [("Section", action.section), ("Position", action.position), ("Ref", action.ref)]


def section_fields(section):
    return [("Title", section.title), ("Purpose statement", section.purpose)]


@login_required
@GET_AND_POST
def move_action(request, pk):
    action = get_action_for(request, pk, to="edit")
    old_ref = action.ref
    form = MoveForm(posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action.move_to(
                data["section"], data["position"], reason=data["reason"], version=data["version"]
            )
        except EditConflict as conflict:
            return conflict_page(request, action, conflict, form, theirs=place_fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            action.refresh_from_db()
            messages.success(request, f"{old_ref} is now {action.ref}.")
            return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/move_action.html", {"action": action, "form": form})


@login_required
@GET_AND_POST
def renumber_plan(request, slug):
    """Close the gaps in the refs, as a deliberate step: a preview of old → new refs,
    then the change with a reason."""
    plan = get_plan_for(request, slug, to="renumber")
    form = RenumberForm(posted(request))
    if request.method == "POST" and form.is_valid():
        changed = plan.renumber(form.cleaned_data["reason"])
        messages.success(
            request,
            f"The plan has been renumbered: {len(changed)} ref{pluralize(len(changed))} changed.",
        )
        return redirect("plan_overview_for", slug=plan.slug)
    return render(
        request,
        "actionplan/renumber_plan.html",
        {"plan": plan, "form": form, "changes": plan.renumbering()},
    )


@login_required
@GET_AND_POST
def add_action(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = ActionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = section.add_action(
            text=data["text"],
            outcomes=data["outcomes"],
            timescale=data["timescale"],
            due_date=data["due_date"],
            leads=form.lead_pairs(),
        )
        messages.success(request, f"Action {action.ref} has been added.")
        return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/action_form.html", {"section": section, "form": form})


@login_required
@GET_AND_POST
def edit_section(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = SectionForm(posted(request), instance=section)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        section.refresh_from_db()  # the form wrote the posted words onto the instance
        try:
            section.edit(
                title=data["title"],
                purpose=data["purpose"],
                reason=data["reason"],
                version=data["version"],
            )
        except EditConflict as conflict:
            return conflict_page(request, section, conflict, form, theirs=section_fields)
        messages.success(request, f"Section {section.number} has been updated.")
        return plan_page(section.plan)
    return render(request, "actionplan/section_form.html", {"section": section, "form": form})


def _remove(request, obj, form, template, context, done):
    # ``obj`` is the action or section; ``done`` is (message, the fields a conflict shows).
    """Remove ``obj`` with the form's reason; the form says why if it may not be removed."""
    if request.method == "POST" and form.is_valid():
        try:
            obj.remove(form.cleaned_data["reason"], version=form.cleaned_data["version"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        except EditConflict as conflict:
            return conflict_page(request, obj, conflict, form, theirs=done[1])
        else:
            messages.success(request, done[0])
            return plan_page(context["plan"])
    return render(request, template, {"form": form, **context})


@login_required
@GET_AND_POST
def remove_action(request, pk):
    action = get_action_for(request, pk, to="remove")
    form = RemoveForm(posted(request), instance=action)
    done = (f"Action {action.ref} has been removed from the plan.", action_fields)
    context = {"action": action, "plan": action.section.plan}
    return _remove(request, action, form, "actionplan/remove.html", context, done)


@login_required
@GET_AND_POST
def remove_section(request, pk):
    section = get_section_for(request, pk, to="edit")
    form = RemoveForm(posted(request), instance=section)
    done = (f"Section {section.number} has been removed from the plan.", section_fields)
    # Said before the reason is asked for: a section with actions cannot be removed.
    actions_left = section.actions.current().count()
    context = {"section": section, "plan": section.plan, "actions_left": actions_left}
    return _remove(request, section, form, "actionplan/remove.html", context, done)
