"""The plan's pages. Each view's first line is an access helper (actionplan/access.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
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
    viewer_for,
)
from .filters import ActionFilter, AsAtForm
from .forms import EvidenceForm, RateForm, WithdrawForm
from .history import end_of_day, latest_changes
from .history.latest import latest_ratings, latest_timescale_revisions
from .http import GET_AND_POST, posted
from .models import Action, EditConflict, EvidenceEntry, Plan, Rag, Section
from .quarters import financial_quarter
from .snapshot import PlanDidNotExist, page_number, page_of_plan, plan_snapshot

DASHBOARD_LIST = 20  # overdue actions, and actions without evidence, listed on the dashboard


@login_required
@require_safe
def plan_overview(request, slug=None):
    plan = get_plan_for(request, slug)
    filterset = ActionFilter(request.GET or None, plan=plan)
    as_at = filterset.as_at_date
    # Filters that read leads or evidence need them for every action; otherwise only
    # the actions on the page are read in full, with their latest evidence.
    details_read = filterset.is_filtered and _filters_read_details(filterset)
    try:
        snapshot = plan_snapshot(plan, as_at=as_at, details=details_read)
    except PlanDidNotExist as error:
        filterset.form.add_error("as_at", str(error))  # the filters are not applied
        snapshot, as_at, details_read = plan_snapshot(plan, details=False), None, False
    sections = filterset.keep(snapshot.sections)
    # A plan of one page shows the seed's layout; a plan too large for one page shows
    # LARGE_PLAN_PAGE actions a page, each with its latest entries and a link to the rest.
    matched = sum(len(row.actions) for row in sections)
    per_page = OVERVIEW_PAGE if matched <= OVERVIEW_PAGE else LARGE_PLAN_PAGE
    page = page_of_plan(sections, per_page, request.GET.get("page"))
    shown = OVERVIEW_EVIDENCE if page.count == 1 else LARGE_PLAN_EVIDENCE
    if not details_read:
        page.sections = snapshot.in_full(page.sections, evidence_limit=shown)
    # Each section's link keeps the filters (the address's query): made once a page, not
    # by a template tag for each of a large plan's sections (80 took 25 ms).
    queries, query = {}, request.GET.copy()
    for item in page.contents:
        if item["page"] not in queries:
            query["page"] = item["page"]
            queries[item["page"]] = f"?{query.urlencode()}"
        item["query"] = queries[item["page"]]
    _cut_long_entries(action for row in page.sections for action in row.actions)
    return render(
        request,
        "actionplan/plan_overview.html",
        {
            "plan": snapshot.plan,
            "snapshot": snapshot,
            "as_at": as_at,
            "sections": page.sections,
            "filter": filterset,
            "match_count": matched,
            "total_count": len(snapshot.actions),
            "page": page,
            "reconstructed": [
                row.section for row in snapshot.sections if row.section.title_reconstructed
            ],
            "reporting": (
                reporting_status(plan, timezone.localdate())
                if viewer_for(request).is_business_manager and as_at is None
                else None
            ),
        },
    )


# The overview of a real Board's plan (2,000 actions, 9.8 MB of HTML) is shown a page
# at a time: whole sections while they fit in OVERVIEW_PAGE actions (a longer section is
# split, its heading repeated), each action with its latest OVERVIEW_EVIDENCE entries
# (the 3 latest shown, the others under "earlier entries", all on the action's page: 13
# keeps the seed plan's longest, 12 entries, whole), and an entry longer than
# ENTRY_PREVIEW characters cut, the rest under "Show more". A page of 100 actions with
# their evidence took ~90 ms to render alone (SQLite, bench/pages.py): 50 leaves the
# whole page within its time. A plan of more than one page shows LARGE_PLAN_PAGE actions
# a page with LARGE_PLAN_EVIDENCE entries each, the rest a link away: 50 actions with 13
# entries each kept the plan as at a date on PostgreSQL at 175 ms (every entry of the
# page's actions is looked up as it stood then, and the page is mostly evidence).
OVERVIEW_PAGE = 50
OVERVIEW_EVIDENCE = 13
LARGE_PLAN_PAGE = 25
LARGE_PLAN_EVIDENCE = 3
ENTRY_PREVIEW = 400


def _filters_read_details(filterset):
    """Whether the chosen filters read an action's leads or evidence (``ActionFilter.
    matches``: the search, the lead and "no evidence since"); the others read only the
    action, so the plan's 2,000 actions need no leads or evidence read to filter them."""
    data = filterset.form.cleaned_data
    return any(data.get(name) for name in ("q", "lead", "no_evidence_since"))


def _cut_long_entries(actions):
    """Give each long evidence entry a ``preview`` (cut at a word) and the ``rest``.
    Every entry gets ``rest`` (empty if short): a template asking for a missing
    attribute costs Django a dir() of the instance (30 ms for a page of 100 actions)."""
    for action in actions:
        for entry in action.evidence_list:
            entry.preview, entry.rest = entry.text, ""
            if len(entry.text) > ENTRY_PREVIEW * 3 // 2:
                cut = entry.text.rfind(" ", 0, ENTRY_PREVIEW)
                cut = cut if cut > 0 else ENTRY_PREVIEW
                entry.preview, entry.rest = entry.text[:cut], entry.text[cut:].lstrip()


@login_required
@require_safe
def landing(request):
    """Where a person lands after signing in: the chair on what needs their attention
    (the review meeting's first page), an agency lead on their actions, anyone else
    (the business manager, board members) on the plan."""
    viewer = require_member(request)
    chaired = (
        Plan.objects.open().filter(owner_id__in=viewer.chaired_group_ids).order_by("pk").first()
    )
    if chaired is not None:
        return redirect("review_start", slug=chaired.slug)
    if viewer.is_agency_lead and not viewer.is_business_manager:
        return redirect("my_actions")
    return redirect("plan_overview")


def reporting_status(plan, today):
    """For the business manager, on the plan: the next update deadline and how many
    actions have evidence dated this quarter (two queries)."""
    quarter = financial_quarter(today)
    in_plan = Action.objects.in_plan(plan)
    numbers = in_plan.aggregate(
        total=Count("pk"),
        without=Count("pk", filter=Q(pk__in=_without_evidence_since(in_plan, quarter.start))),
    )
    return {
        "quarter": quarter,
        "deadline": plan.update_deadlines.filter(date__gte=today).order_by("date").first(),
        "with_evidence": numbers["total"] - numbers["without"],
        "total": numbers["total"],
    }


def next_in_plan(action):
    """The plan's next current action after this one, for "Rate the next action"."""
    return Action.objects.in_plan(action.section.plan).after(action).first()


MY_ACTIONS_PAGE = 50


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
        .order_by("due_date", "section__number", "position", "pk")  # pk: plans share refs
    )
    # An agency can lead hundreds of actions across a Board's plans: a page at a time.
    page = Paginator(actions, MY_ACTIONS_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "action": action,
            "overdue": action.is_overdue(today),
            "due_this_quarter": quarter.start <= action.due_date <= quarter.end,
            "needs_evidence": action.needs_evidence,
        }
        for action in page
    ]
    return render(
        request,
        "actionplan/my_actions.html",
        {
            "rows": rows,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "agencies": viewer.lead_agencies,
            "quarter": quarter,
        },
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
    overdue = in_plan.overdue(today)
    no_evidence = _without_evidence_since(in_plan, quarter.start)
    # A real Board's plan has hundreds of each: the first few here, all on the overview.
    numbers = in_plan.aggregate(
        overdue=Count("pk", filter=Q(pk__in=overdue.values("pk"))),
        no_evidence=Count("pk", filter=Q(pk__in=no_evidence.values("pk"))),
    )
    return render(
        request,
        "actionplan/dashboard.html",
        {
            "plan": plan,
            "today": today,
            "quarter": quarter,
            "sections": sections,
            "totals": _totals(sections),
            "overdue": overdue.select_related("section").order_by("due_date")[:DASHBOARD_LIST],
            "overdue_count": numbers["overdue"],
            "no_evidence": no_evidence.select_related("section")[:DASHBOARD_LIST],
            "no_evidence_count": numbers["no_evidence"],
            "changes": latest_changes(plan),
        },
    )


def _without_evidence_since(actions, since):
    """The actions with no current evidence entry dated ``since`` or later: the test of
    ``ActionQuerySet.with_evidence_status`` (``needs_evidence``), without the MAX over a
    join that it also computes, which is evaluated once per evidence entry on SQLite and
    took 1.8 s for 20 actions when one has thousands of entries (issue 17)."""
    recent = EvidenceEntry.objects.current().filter(action=OuterRef("pk"), activity_date__gte=since)
    return actions.filter(~Exists(recent))


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
    entries, earlier, later = _evidence_page(action, request.GET.get("evidence"))
    ratings, more_ratings = latest_ratings(action)
    revisions, more_revisions = latest_timescale_revisions(action)
    rates = not action.is_removed and viewer_for(request).may_rate(action)
    return render(
        request,
        "actionplan/action_detail.html",
        {
            "action": action,
            "overdue": action.is_overdue(),
            "entries": entries,
            "earlier_evidence": earlier,
            "later_evidence": later,
            "ratings": ratings,
            "more_ratings": more_ratings,
            "timescale_revisions": revisions,
            "more_revisions": more_revisions,
            "next_action": next_in_plan(action) if rates else None,
        },
    )


EVIDENCE_PAGE = 20  # evidence entries on the action's page, the latest first


def _evidence_page(action, text):
    """A page of the action's evidence, the latest first: ``?evidence=2`` the 20 before
    the latest 20, and so on, so that the pages and the entries on each run the same way.
    (entries newest first, the earlier page's number, the later page's.) Bounded by the
    action's own entries: no count, one query."""
    number = page_number(text, 10**6)
    newest_first = (
        action.evidence_entries.select_related("agency", "recorded_by")
        .prefetch_related("attachments")
        .order_by(F("activity_date").desc(nulls_last=True), "-recorded_at", "-id")
    )
    start = (number - 1) * EVIDENCE_PAGE
    entries = list(newest_first[start : start + EVIDENCE_PAGE + 1])
    earlier = number + 1 if len(entries) > EVIDENCE_PAGE else None
    return entries[:EVIDENCE_PAGE], earlier, number - 1 if number > 1 else None


def _action_as_at(request, action, as_at):
    """The action page as it stood at the end of ``as_at``: read-only, from history."""
    try:
        snapshot = plan_snapshot(
            action.section.plan, as_at=as_at, details=False, action_ids=[action.pk]
        )
    except PlanDidNotExist as error:
        messages.error(request, str(error))
        return redirect("action_detail", pk=action.pk)
    rows = snapshot.in_full(snapshot.sections, evidence_limit=EVIDENCE_PAGE)
    then = next((a for row in rows for a in row.actions if a.pk == action.pk), None)
    moment = end_of_day(as_at)
    ratings, more_ratings = latest_ratings(action, until=moment)
    return render(
        request,
        "actionplan/action_as_at.html",
        {
            "action": action,
            "then": then,
            "as_at": as_at,
            "ratings": ratings,
            "more_ratings": more_ratings,
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
