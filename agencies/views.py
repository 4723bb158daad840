"""Managing the partnership: agencies, groups, posts, people and memberships.

The business manager's pages; each view's first line is an access helper."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from actionplan.access import require
from actionplan.http import GET_AND_POST, posted

from .forms import (
    AgencyForm,
    AuditFilterForm,
    MembershipForm,
    PersonForm,
    PostForm,
    ReasonForm,
)
from .models import Agency, AuditEvent, Membership, Post

MANAGE = "may_manage_people"


@login_required
@require_safe
def manage(request):
    require(request, MANAGE)
    people = (
        get_user_model()
        .objects.order_by("-is_active", "last_name", "first_name")
        .prefetch_related("memberships__agency")
    )
    return render(
        request,
        "agencies/manage.html",
        {
            "agencies": Agency.objects.prefetch_related("posts"),
            "people": people,
        },
    )


@login_required
@GET_AND_POST
def agency_form(request, pk=None):
    require(request, MANAGE)
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    form = AgencyForm(posted(request), instance=agency)
    if request.method == "POST" and form.is_valid():
        agency = form.save(commit=False)
        agency._change_reason = "Agency details edited" if pk else "Agency added"
        agency.save()
        messages.success(request, f"{agency} has been saved.")
        return redirect("manage")
    return render(request, "agencies/agency_form.html", {"form": form, "agency": agency})


@login_required
@GET_AND_POST
def post_new(request):
    require(request, MANAGE)
    form = PostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post._change_reason = "Post added"
        post.save()
        messages.success(request, f"{post} has been added.")
        return redirect("manage")
    return render(request, "agencies/post_form.html", {"form": form})


@login_required
@GET_AND_POST
def person_form(request, pk=None):
    require(request, MANAGE)
    person = get_object_or_404(get_user_model(), pk=pk) if pk else None
    form = PersonForm(posted(request), instance=person)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, f"{person.get_full_name()} has been saved.")
        return redirect("manage")
    return render(request, "agencies/person_form.html", {"form": form, "person": person})


@login_required
@GET_AND_POST
def person_deactivate(request, pk):
    """People who leave are deactivated, never deleted: their name stays on the history."""
    viewer = require(request, MANAGE)
    person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    if person == viewer.user:
        messages.error(request, "You cannot deactivate yourself.")
        return redirect("manage")
    if request.method == "POST":
        person.is_active = False
        person.save(update_fields=["is_active"])
        messages.success(request, f"{person.get_full_name()} can no longer sign in.")
        return redirect("manage")
    return render(request, "agencies/person_deactivate.html", {"person": person})


@login_required
@GET_AND_POST
def membership_new(request):
    require(request, MANAGE)
    form = MembershipForm(posted(request))
    if request.method == "POST" and form.is_valid():
        membership = form.save(commit=False)
        membership._change_reason = "Membership added"
        membership.save()
        messages.success(request, f"{membership} has been added.")
        return redirect("manage")
    return render(
        request, "agencies/membership_form.html", {"form": form, "posts": Post.objects.all()}
    )


@login_required
@GET_AND_POST
def membership_remove(request, pk):
    require(request, MANAGE)
    membership = get_object_or_404(Membership.objects.select_related("user", "agency"), pk=pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        membership._change_reason = form.cleaned_data["reason"]
        membership.delete()
        messages.success(request, f"{membership} has been removed.")
        return redirect("manage")
    return render(
        request, "agencies/membership_remove.html", {"membership": membership, "form": form}
    )


AUDIT_PAGE_SIZE = 50


@login_required
@require_safe
def audit_log(request):
    require(request, "may_read_audit_log")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid() and form.cleaned_data["event"]:
        events = events.filter(event=form.cleaned_data["event"])
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agencies/audit_log.html", {"form": form, "page": page})
