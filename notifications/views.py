"""The email pages: each person's "Your emails", the one-click unsubscribe link, and the
business manager's reporting calendar and outbox."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from actionplan.access import require, require_member
from actionplan.http import GET_AND_POST, posted
from actionplan.models import Plan
from agencies.models import Membership
from agencies.views import FormPage

from . import schedule
from .emails import read_unsubscribe_token
from .forms import EmailPreferenceForm, OutboxFilterForm, ReportingCalendarForm
from .models import OPTIONAL_KINDS, EmailKind, EmailPreference, OutboxMessage, ReportingCalendar
from .people import agency_leads, chairs_of, preferences
from .sending import send_again
from .tasks import send_soon

EMAILS = "may_manage_emails"
OUTBOX_PAGE_SIZE = 50
RECENT = 10


# -- each person's emails -------------------------------------------------------------


def what_they_will_receive(user, viewer, today):
    """The emails ``user`` will get, kind by kind, with the next dates where known."""
    preference = EmailPreference.for_user(user)
    lead_names = [agency.name for agency in viewer.lead_agencies]
    plans = list(Plan.objects.select_related("owner").order_by("title"))
    chaired = [plan for plan in plans if plan.owner_id in viewer.chaired_group_ids]
    kinds = []
    if lead_names:
        rounds = []
        for plan in plans:
            calendar = ReportingCalendar.for_plan(plan)
            for deadline in calendar.next_deadlines(today, count=1):
                dates = [
                    d
                    for d in schedule.reminder_dates(deadline, calendar.reminder_offsets)
                    if d >= today
                ]
                rounds.append({"plan": plan, "deadline": deadline, "dates": dates})
        kinds.append(
            {
                "kind": EmailKind.UPDATE_DUE,
                "on": preference.reminders,
                "about": lead_names,
                "rounds": rounds,
            }
        )
        kinds.append({"kind": EmailKind.RATING_ALERT, "on": preference.rating_alert})
    if chaired:
        rounds = []
        for plan in chaired:
            calendar = ReportingCalendar.for_plan(plan)
            for deadline in calendar.next_deadlines(today, count=1):
                digest = deadline - datetime.timedelta(days=calendar.review_days)
                rounds.append({"plan": plan, "deadline": deadline, "dates": [digest]})
        kinds.append(
            {
                "kind": EmailKind.EVIDENCE_TO_REVIEW,
                "on": preference.evidence_to_review,
                "rounds": rounds,
            }
        )
    return kinds


@login_required
@GET_AND_POST
def my_emails(request):
    viewer = require_member(request)
    preference = EmailPreference.for_user(request.user)
    form = EmailPreferenceForm(posted(request), instance=preference)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved._change_reason = "Email settings changed"
        saved.save()
        messages.success(request, "Your email settings have been saved.")
        return redirect("my_emails")
    return render(
        request,
        "notifications/my_emails.html",
        {
            "form": form,
            "kinds": what_they_will_receive(request.user, viewer, timezone.localdate()),
            "recent": OutboxMessage.objects.filter(user=request.user)[:RECENT],
        },
    )


@csrf_exempt  # the link in the email is the key; mail programs POST it themselves (RFC 8058)
@GET_AND_POST
def unsubscribe(request, token):
    """One kind of email turned off for one person, from the link in such an email. No
    sign-in: the link is signed for that person and kind. GET asks, POST turns it off."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404("This link is not valid")
    user_id, kind = found
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404("This link is not valid")
    preference = EmailPreference.for_user(person)
    field = OPTIONAL_KINDS[kind]
    if request.method == "POST":
        if getattr(preference, field):
            setattr(preference, field, False)
            preference._change_reason = "Unsubscribed with the link in an email"
            preference.save()
        return redirect("unsubscribe", token=token)
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "kind_label": EmailPreference._meta.get_field(field).verbose_name,
            "subscribed": getattr(preference, field),
            "person": person,
        },
    )


# -- the business manager's pages -----------------------------------------------------


@login_required
@require_safe
def outbox(request):
    require(request, EMAILS)
    form = OutboxFilterForm(request.GET or None)
    found = OutboxMessage.objects.select_related("user", "plan")
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status == "not_sent":
        found = found.not_sent()
    elif status:
        found = found.filter(status=status)
    page = Paginator(found, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "not_sent": OutboxMessage.objects.not_sent().count(),
            "plans": Plan.objects.order_by("title"),
        },
    )


def recipients(plan):
    """Who gets the plan's reminders and digests, with anything that stops them."""
    leads = agency_leads()
    chairs = chairs_of(plan)
    wanted = preferences([*leads, *chairs])
    rows = []
    for person, agencies in leads.items():
        rows.append(
            {
                "person": person,
                "role": Membership.Role.AGENCY_LEAD.label,
                "agencies": [agency.name for agency in agencies],
                "on": wanted[person.pk].reminders,
            }
        )
    for person in chairs:
        rows.append(
            {
                "person": person,
                "role": Membership.Role.CHAIR.label,
                "agencies": [plan.owner.name],
                "on": wanted[person.pk].evidence_to_review,
            }
        )
    return rows


@login_required
@require_safe
def reporting_calendar(request, pk):
    require(request, EMAILS)
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    calendar = ReportingCalendar.for_plan(plan)
    today = timezone.localdate()
    deadlines = [
        {
            "date": deadline,
            "reminders": schedule.reminder_dates(deadline, calendar.reminder_offsets),
            "digest": deadline - datetime.timedelta(days=calendar.review_days),
        }
        for deadline in calendar.next_deadlines(today)
    ]
    people = recipients(plan)
    return render(
        request,
        "notifications/calendar.html",
        {
            "plan": plan,
            "calendar": calendar,
            "other_dates": [d for d in calendar.other_dates() if d >= today],
            "deadlines": deadlines,
            "people": people,
            "without_email": [row for row in people if not row["person"].email],
        },
    )


class EditReportingCalendar(FormPage):
    permission = EMAILS
    queryset = Plan.objects.all()
    form_class = ReportingCalendarForm
    title = "Change the reporting calendar"
    page_title = "Change the reporting calendar of {{ object.short_title|default:object.title }}"
    intro = (
        "Agency leads are reminded before each deadline of the actions their agencies lead "
        "that have no new evidence; the chair gets a digest of the new evidence."
    )
    success_message = "The reporting calendar has been saved."

    def get_form(self, data):
        self.calendar = ReportingCalendar.for_plan(self.object)
        return ReportingCalendarForm(data, calendar=self.calendar)

    def save(self, form):
        return self.calendar.change(**form.cleaned_data, reason="Reporting calendar changed")

    def back_url(self):
        return reverse("reporting_calendar", args=[self.object.pk])


class SendAgain(FormPage):
    """A message that was not sent goes back to the queue, with its attempts counted
    afresh. It is written again when it is sent (a reset link is a new link)."""

    permission = EMAILS
    queryset = OutboxMessage.objects.select_related("user")
    title = "Send this email again?"
    page_title = "Send an email again"
    intro = (
        "{{ object.get_kind_display }} to {{ object.to|default:'(no address)' }}"
        "{% if object.subject %}: “{{ object.subject }}”{% endif %}. "
        "It was not sent: {{ object.last_error|default:object.note }}"
    )
    submit = "Send again"
    success_message = "The email to {{ object.to }} will be sent again in the next few minutes."
    back_to = "outbox"

    def refusal(self):
        if not self.object.may_send_again:
            return "Only an email that was not sent can be sent again."
        return ""

    def save(self, form):
        send_again(self.object)
        send_soon()
        return self.object
