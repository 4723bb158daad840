"""The chair's review meeting: the plan's actions one screen at a time, each with the
evidence since it was last rated and the rating form, saved and on to the next in one
press. Its first page is the chair's landing page: what needs their attention first.

The actions reviewed are a set: every action, those not rated, those with new evidence
since their last rating, or the Red and Amber ones, in the plan's order. "Next" is the
first action of the set after this one, asked again after each save, so an action that
leaves the set when it is rated (a "not rated" one) is never skipped over or repeated.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .access import get_action_for, get_plan_for, require
from .forms import RagDefinitionsForm, RateForm
from .http import GET_AND_POST, posted
from .models import Action, EditConflict, EvidenceEntry, Plan, Rag
from .views import conflict_page, rating_fields

ATTENTION_LIST = 10  # actions listed in each group on the landing page


@dataclass(frozen=True)
class ReviewSet:
    key: str
    label: str
    select: object  # (actions, today) -> actions

    def actions(self, plan, today=None):
        chosen = self.select(Action.objects.in_plan(plan), today or timezone.localdate())
        return chosen.in_plan_order()


SETS = {
    s.key: s
    for s in (
        ReviewSet("all", "Every action", lambda actions, today: actions),
        ReviewSet(
            "new-evidence",
            "New evidence since the last rating",
            lambda actions, today: actions.with_new_evidence_since_rating(),
        ),
        ReviewSet("not-rated", "Not rated", lambda actions, today: actions.not_rated()),
        ReviewSet("red-amber", "Red or Amber", lambda actions, today: actions.red_or_amber()),
    )
}
ATTENTION = [
    ("new-evidence", "New evidence since the last rating"),
    ("not-rated", "Never rated"),
    ("overdue", "Overdue and Red or Amber"),
]


def _review_set(request):
    return SETS.get(request.GET.get("set", ""), SETS["all"])


def review_url(plan, review_set, action=None):
    if action is None:
        return reverse("review_start", args=[plan.slug])
    return reverse("review_action", args=[plan.slug, action.pk]) + f"?set={review_set.key}"


@login_required
@require_safe
def review_home(request):
    """The review meeting of the first plan the person chairs."""
    viewer = require(request, "may_rate_any")
    plans = Plan.objects.open().order_by("pk")
    if not viewer.is_superuser:
        plans = plans.filter(owner_id__in=viewer.chaired_group_ids)
    plan = plans.first()
    if plan is None:
        raise Http404("No plan to review")
    return redirect("review_start", slug=plan.slug)


@login_required
@require_safe
def review_start(request, slug):
    plan = get_plan_for(request, slug, to="review")
    today = timezone.localdate()
    # Each set's actions once, as ids in the plan's order (the landing page's groups are
    # sets too): what each holds, how many, its first; then the actions listed, at once.
    # (Finding the actions with new evidence since their rating is the dear one: asked
    # four times, it took 240 ms of a 2,000-action plan's page.)
    ids = {key: _ids(review_set.actions(plan, today)) for key, review_set in SETS.items()}
    ids["overdue"] = _ids(Action.objects.in_plan(plan).red_or_amber().overdue(today))
    shown = {pk for key, _ in ATTENTION for pk in ids[key][:ATTENTION_LIST]}
    shown |= {ids[key][0] for key in SETS if ids[key]}
    found = Action.objects.select_related("section").in_bulk(shown)
    attention = [
        {
            "key": key,
            "label": label,
            "count": len(ids[key]),
            "actions": [found[pk] for pk in ids[key][:ATTENTION_LIST]],
        }
        for key, label in ATTENTION
    ]
    sets = [
        {"set": s, "first": found[ids[key][0]] if ids[key] else None, "count": len(ids[key])}
        for key, s in SETS.items()
    ]
    return render(
        request,
        "actionplan/review_start.html",
        {"plan": plan, "attention": attention, "sets": sets, "today": today},
    )


def _ids(actions):
    return list(actions.values_list("pk", flat=True))


@login_required
@GET_AND_POST
def review_action(request, slug, pk):
    action = get_action_for(request, pk, to="rate")
    plan = action.section.plan
    if plan.slug != slug:
        return redirect(review_url(plan, _review_set(request), action))
    review_set = _review_set(request)
    actions = review_set.actions(plan)
    form = RateForm(
        posted(request),
        initial={"rag": Rag.to_form(action.rag)},
        instance=action,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action.rate(data["rag"], data["reason"], by=request.user, version=data["version"])
        except EditConflict as conflict:
            return conflict_page(request, action, conflict, form, theirs=rating_fields)
        messages.success(request, f"{action.ref} is now rated {action.rag_label}.")
        return _go_on(request, plan, review_set, actions, action)
    ids = list(actions.values_list("pk", flat=True))
    following = actions.after(action).first()
    return render(
        request,
        "actionplan/review_action.html",
        {
            "plan": plan,
            "action": action,
            "form": form,
            "review_set": review_set,
            "number": ids.index(action.pk) + 1 if action.pk in ids else None,
            "total": len(ids),
            "skip_url": review_url(plan, review_set, following) + ("" if following else "?done=1"),
            "new_evidence": _since_rating(action),
            "latest": EvidenceEntry.objects.current().filter(action=action).last(),
            "overdue": action.is_overdue(),
            "form_action": review_url(plan, review_set, action),
        },
    )


def _go_on(request, plan, review_set, actions, action):
    following = actions.after(action).first()
    if following is None:
        messages.info(request, f"That was the last action of “{review_set.label}”.")
        return redirect(review_url(plan, review_set))
    return redirect(review_url(plan, review_set, following))


def _since_rating(action):
    """The current evidence entries recorded since the action was last rated, newest
    first (all of them for an action never rated)."""
    entries = EvidenceEntry.objects.current().filter(action=action).select_related("agency")
    since = action.last_rated_at()
    if since is not None:
        entries = entries.filter(recorded_at__gt=since)
    return list(entries.order_by("-recorded_at", "-pk"))


@login_required
@GET_AND_POST
def rag_definitions(request, slug):
    plan = get_plan_for(request, slug, to="define_ratings")
    form = RagDefinitionsForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save(reason=form.cleaned_data["reason"])
        messages.success(request, "The meaning of each rating has been saved.")
        return redirect("plan_overview_for", slug=plan.slug)
    return render(request, "actionplan/rag_definitions.html", {"plan": plan, "form": form})
