"""The plan's pages. Each view's first line is an access helper (actionplan/access.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .access import (
    get_action_for,
    get_evidence_for,
    get_plan_for,
    require,
    require_member,
)
from .filters import ActionFilter, AsAtForm
from .forms import EvidenceForm, RateForm, WithdrawForm
from .history import end_of_day, latest_changes, rating_changes, timescale_revisions
from .http import GET_AND_POST, posted
from .models import Action, EditConflict, EvidenceEntry, Rag, Section
from .quarters import financial_quarter
from .snapshot import PlanDidNotExist, SectionRow, plan_snapshot


@login_required
@require_safe
def plan_overview(request, slug=None):
    plan = get_plan_for(request, slug)
    filterset = ActionFilter(request.GET or None, plan=plan)
    as_at = filterset.as_at_date
    try:
        snapshot = plan_snapshot(plan, as_at=as_at)
    except PlanDidNotExist as error:
        filterset.form.add_error("as_at", str(error))
        snapshot, as_at = plan_snapshot(plan), None
    sections = snapshot.sections
    if filterset.is_filtered:
        keep = filterset.matches
        sections = [
            SectionRow(row.section, [a for a in row.actions if keep(a)]) for row in sections
        ]
        sections = [row for row in sections if row.actions]
    return render(
        request,
        "actionplan/plan_overview.html",
        {
            "plan": snapshot.plan,
            "snapshot": snapshot,
            "as_at": as_at,
            "sections": sections,
            "filter": filterset,
            "match_count": sum(len(row.actions) for row in sections),
            "total_count": len(snapshot.actions),
        },
    )


@login_required
@require_safe
def my_actions(request):
    viewer = require(request, "is_agency_lead")
    today = timezone.localdate()
    quarter = financial_quarter(today)
    actions = (
        Action.objects.current()
        .filter(leads__agency__in=viewer.lead_agency_ids)
        .distinct()
        .select_related("section__plan")
        .with_evidence_status(since=quarter.start)
        .order_by("due_date", "section__number", "position")
    )
    rows = [
        {
            "action": action,
            "overdue": action.is_overdue(today),
            "due_this_quarter": quarter.start <= action.due_date <= quarter.end,
            "needs_evidence": action.needs_evidence,
        }
        for action in actions
    ]
    return render(
        request,
        "actionplan/my_actions.html",
        {"rows": rows, "agencies": viewer.lead_agencies, "quarter": quarter},
    )


@login_required
@require_safe
def dashboard(request, slug=None):
    plan = get_plan_for(request, slug)
    today = timezone.localdate()
    quarter = financial_quarter(today)
    in_plan = Action.objects.in_plan(plan)
    counts = in_plan.rag_counts_by_section()
    sections = []
    for section in Section.objects.filter(plan=plan).current():
        by_rag = counts.get(section.pk, {})
        total = sum(by_rag.values())
        segments = [
            {
                "rag": Rag.to_form(rag),
                "label": Rag.label_for(rag),
                "count": by_rag.get(rag, 0),
                "percent": round(100 * by_rag.get(rag, 0) / total) if total else 0,
            }
            for rag in Rag.in_order()
        ]
        sections.append({"section": section, "segments": segments, "total": total})
    return render(
        request,
        "actionplan/dashboard.html",
        {
            "plan": plan,
            "today": today,
            "quarter": quarter,
            "sections": sections,
            "totals": _totals(sections),
            "overdue": in_plan.overdue(today).select_related("section").order_by("due_date"),
            "no_evidence": in_plan.with_evidence_status(since=quarter.start)
            .filter(needs_evidence=True)
            .select_related("section"),
            "changes": latest_changes(plan),
        },
    )


def _totals(sections):
    totals = {}
    for row in sections:
        for segment in row["segments"]:
            totals[segment["label"]] = totals.get(segment["label"], 0) + segment["count"]
    return totals


@login_required
@require_safe
def action_detail(request, pk):
    action = get_action_for(request, pk)
    as_at = AsAtForm.date_from(request.GET)
    if as_at:
        return _action_as_at(request, action, as_at)
    entries = action.evidence_entries.select_related("agency", "recorded_by").prefetch_related(
        "attachments"
    )
    return render(
        request,
        "actionplan/action_detail.html",
        {
            "action": action,
            "overdue": action.is_overdue(),
            "entries": entries,
            "ratings": rating_changes(action),
            "timescale_revisions": timescale_revisions(action),
        },
    )


def _action_as_at(request, action, as_at):
    """The action page as it stood at the end of ``as_at``: read-only, from history."""
    try:
        snapshot = plan_snapshot(action.section.plan, as_at=as_at)
    except PlanDidNotExist as error:
        messages.error(request, str(error))
        return redirect("action_detail", pk=action.pk)
    then = next((a for a in snapshot.actions if a.pk == action.pk), None)
    moment = end_of_day(as_at)
    return render(
        request,
        "actionplan/action_as_at.html",
        {
            "action": action,
            "then": then,
            "as_at": as_at,
            "ratings": rating_changes(action, until=moment),
        },
    )


@login_required
@GET_AND_POST
def rate_action(request, pk):
    action = get_action_for(request, pk, to="rate")
    form = RateForm(posted(request), initial={"rag": Rag.to_form(action.rag)}, instance=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action.rate(data["rag"], data["reason"], by=request.user, version=data["version"])
        except EditConflict as conflict:
            return conflict_page(request, action, conflict, form, theirs=rating_fields)
        messages.success(request, f"{action.ref} is now rated {action.rag_label}.")
        return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/rate_action.html", {"action": action, "form": form})


@login_required
@GET_AND_POST
def add_evidence(request, pk):
    action = get_action_for(request, pk, to="add_evidence")
    agencies = require_member(request).leading_agencies_for(action)
    form = EvidenceForm(posted(request), agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        EvidenceEntry.record(
            action,
            text=data["text"],
            activity_date=data["activity_date"],
            agency=data["agency"],
            by=request.user,
        )
        messages.success(request, f"Evidence added to {action.ref}.")
        return redirect("action_detail", pk=action.pk)
    return render(
        request,
        "actionplan/evidence_form.html",
        {"action": action, "form": form, "editing": False},
    )


@login_required
@GET_AND_POST
def edit_evidence(request, pk):
    entry = get_evidence_for(request, pk, to="edit")
    action = entry.action
    agencies = require_member(request).leading_agencies_for(action) or [entry.agency]
    initial = {"text": entry.text, "activity_date": entry.activity_date, "agency": entry.agency_id}
    form = EvidenceForm(posted(request), initial=initial, agencies=agencies, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry.edit(**form.cleaned_data)
        except EditConflict as conflict:
            return conflict_page(request, entry.action, conflict, form, theirs=evidence_fields)
        messages.success(request, f"Your evidence entry on {action.ref} has been changed.")
        return redirect("action_detail", pk=action.pk)
    return render(
        request,
        "actionplan/evidence_form.html",
        {"action": action, "form": form, "editing": True, "entry": entry},
    )


@login_required
@GET_AND_POST
def withdraw_evidence(request, pk):
    entry = get_evidence_for(request, pk, to="withdraw")
    form = WithdrawForm(posted(request), instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry.withdraw(form.cleaned_data["reason"], version=form.cleaned_data["version"])
        except EditConflict as conflict:
            return conflict_page(request, entry.action, conflict, form, theirs=evidence_fields)
        messages.success(request, f"Your evidence entry on {entry.action.ref} has been withdrawn.")
        return redirect("action_detail", pk=entry.action_id)
    return render(request, "actionplan/withdraw_evidence.html", {"entry": entry, "form": form})


def rating_fields(action):
    return [("Rating", action.rag_label), ("Reason", action.rag_reason)]


def evidence_fields(entry):
    return [
        ("What was done", entry.text),
        ("Date of the activity", entry.activity_date),
        ("Agency", entry.agency),
    ]


def conflict_page(request, about, conflict, form, theirs):
    """Someone saved first: show their version beside the person's unsaved one (409).
    ``about`` is the action (or, for a section's forms, the section) the form was for."""
    mine = [
        (form.fields[name].label or name, form.data.get(name, ""))
        for name in form.fields
        if name != "version" and not form.fields[name].widget.is_hidden
    ]
    if isinstance(about, Section):
        caption, back = f"Section {about.number}", f"{about.number}. {about.title}"
        back_url = reverse("plan_overview_for", args=[about.plan.slug])
    else:
        caption, back = f"Action {about.ref}", f"action {about.ref}"
        back_url = reverse("action_detail", args=[about.pk])
    return render(
        request,
        "actionplan/conflict.html",
        {
            "caption": caption,
            "back": back,
            "back_url": back_url,
            "theirs": theirs(conflict.current),
            "mine": mine,
            "again": request.path,
        },
        status=409,
    )
