"""Managing the partnership: agencies, groups, posts, people and memberships.

The business manager's pages. Every form page is a ``FormPage``: a few lines saying
what the page is about, its form, its words and, where saving is not "save the form
with a change reason", what saving means. One shape does the rest, in the same order
on every page: access, object, form, save, message, back to Manage."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context, Template
from django.urls import reverse
from django.views.decorators.http import require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplan.access import check, get_person_for, require, viewer_for
from actionplan.http import GET_AND_POST, posted
from actionplan.models import Plan
from notifications.accounts import queue_invitation
from notifications.models import OutboxMessage
from notifications.tasks import send_soon

from . import factors
from .forms import (
    AgencyForm,
    AuditFilterForm,
    MembershipForm,
    PersonForm,
    PostForm,
    ReasonForm,
)
from .models import Agency, AuditEvent, Membership

MANAGE = "may_manage_people"


@login_required
@require_safe
def manage(request):
    require(request, MANAGE)
    people = (
        get_user_model()
        .objects.order_by("-is_active", "last_name", "first_name")
        .prefetch_related("memberships__agency")
        .annotate(has_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    )
    return render(
        request,
        "agencies/manage.html",
        {
            "agencies": Agency.objects.prefetch_related("posts"),
            "people": people,
            "plans": Plan.objects.select_related("imported_from").order_by("title"),
            "emails_not_sent": OutboxMessage.objects.not_sent().count(),
        },
    )


def worded(text, obj):
    """A page's words about ``obj``, from a Django template string such as
    ``"Edit {{ object.name }}"``: HTML, escaped, like the rest of the page."""
    return Template(text).render(Context({"object": obj}))


class FormPage:
    """One GOV.UK form page: GET shows the form, POST saves it, any other method is 405.

    Declare a page by setting the attributes below; ``as_view()`` makes the view. The
    words are Django template strings about ``object``, the page's object. Override
    ``save`` when saving is more than saving the form with ``change_reason``,
    ``refusal`` when the page must not be used for some objects, and ``access`` for a
    page about an object with an access helper of its own (``get_action_for``).
    """

    permission = MANAGE  # an attribute of actionplan.access.Viewer
    queryset = None  # set for a page about one object: the URL's pk, 404 if not in it
    form_class = forms.Form  # a ModelForm gets the object as its instance
    title = ""  # the <h1>
    page_title = ""  # the <title>, when it is not the <h1>
    intro = ""  # a paragraph under the heading
    warning = ""  # GOV.UK warning text above the button
    submit = "Save"
    submit_class = ""  # "govuk-button--warning" for a page that removes something
    change_reason = ""  # kept in the history of what the page saves
    success_message = "{{ object }} has been saved."
    back_to = "manage"  # where the back link and a saved form go
    template_name = "includes/form_page.html"

    @classmethod
    def as_view(cls):
        @login_required
        @GET_AND_POST
        def view(request, pk=None):
            return cls().respond(request, pk)

        view.__name__ = view.__qualname__ = cls.__name__
        view.__module__, view.__doc__ = cls.__module__, cls.__doc__
        view.page_class = cls
        return view

    def respond(self, request, pk):
        self.request = request
        self.object = self.access(request, pk)
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.back_url())
        # Worded before the form is bound: a ModelForm writes what was posted, valid or
        # not, onto its instance, and the heading is about the object as it is saved.
        page = self.page_context()
        form = self.get_form(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.save(form)
            except ValidationError as error:
                # The model's own rules, checked as it saves (someone else closed the plan
                # or took the section number meanwhile): said on the form, nothing saved.
                form.add_error(None, error)
            else:
                messages.success(request, worded(self.success_message, saved))
                return redirect(self.back_url())
        return render(request, self.template_name, {**page, "form": form, "object": self.object})

    def access(self, request, pk):
        """The first step: may this person use the page (403), then its object (404)."""
        self.viewer = require(request, self.permission)
        return get_object_or_404(self.queryset, pk=pk) if pk is not None else None

    def refusal(self):
        """Why this page may not be used for ``self.object``, if it may not."""
        return ""

    def get_form(self, data):
        if issubclass(self.form_class, forms.BaseModelForm):
            return self.form_class(data, instance=self.object)
        return self.form_class(data)

    def save(self, form):
        obj = form.save(commit=False)
        obj._change_reason = self.change_reason
        obj.save()
        form.save_m2m()
        return obj

    def page_context(self):
        title = worded(self.title, self.object)
        return {
            "title": title,
            "page_title": worded(self.page_title, self.object) if self.page_title else title,
            "intro": worded(self.intro, self.object),
            "warning": worded(self.warning, self.object),
            "submit": self.submit,
            "submit_class": self.submit_class,
            "back_url": self.back_url(),
        }

    def back_url(self):
        return reverse(self.back_to)


# -- agencies and groups, and their posts ---------------------------------------------


class AddAgency(FormPage):
    form_class = AgencyForm
    title = "Add an agency or group"
    change_reason = "Agency added"


class EditAgency(AddAgency):
    queryset = Agency.objects.all()
    title = "Edit agency or group"
    page_title = "Edit {{ object.name }}"
    change_reason = "Agency details edited"


class AddPost(FormPage):
    form_class = PostForm
    title = "Add a post"
    change_reason = "Post added"
    success_message = "{{ object }} has been added."


# -- people ---------------------------------------------------------------------------


class AddPerson(FormPage):
    """A new person gets an invitation by email to set their own password."""

    form_class = PersonForm
    title = "Add a person"
    intro = (
        "They will get an email with a link to set their own password. The link works for "
        "7 days; you can send another from Manage."
    )
    submit = "Add and send invitation"
    change_reason = "Person added"
    success_message = (
        "{{ object.get_full_name }} has been added. An invitation has been sent to "
        "{{ object.email }}."
    )

    def save(self, form):
        person = super().save(form)
        invite(person)
        return person


class PersonPage(FormPage):
    """A page about one person, allowed by the "person" rules of actionplan/access.py:
    never a superuser unless you are one, never your own roles or active flag."""

    to = ""  # what the page does to the person: "edit", "deactivate" ...

    def access(self, request, pk):
        self.viewer = viewer_for(request)
        return get_person_for(request, pk, to=self.to)


class EditPerson(PersonPage):
    to = "edit"
    form_class = PersonForm
    title = "Edit person"
    page_title = "Edit {{ object.username }}"
    change_reason = "Person's details edited"
    success_message = "{{ object.get_full_name }} has been saved."


def invite(person):
    """Queue an invitation for ``person`` and ask the worker to send it."""
    queue_invitation(person)
    send_soon()


class InvitePerson(PersonPage):
    """Another invitation, for someone whose link ran out or went astray. Earlier links
    stop working."""

    to = "invite"
    title = "Send {{ object.get_full_name|default:object.username }} a new invitation?"
    page_title = "Invite {{ object.username }}"
    intro = (
        "They will get an email at {{ object.email }} with a link to set their password. "
        "The link works for 7 days. Links in earlier invitations will stop working."
    )
    submit = "Send invitation"
    success_message = "An invitation has been sent to {{ object.email }}."

    def refusal(self):
        person = self.object
        name = person.get_full_name() or person.username
        if not person.email:
            return f"Add an email address for {name} first."
        if person.has_usable_password():
            return (
                f"{name} has already set a password. If they have forgotten it, they can "
                "choose “Forgotten your password?” on the sign-in page."
            )
        return ""

    def save(self, form):
        person = self.object
        person.set_unusable_password()  # a new random marker: earlier links stop working
        person.save(update_fields=["password"])
        invite(person)
        return person


class DeactivatePerson(PersonPage):
    """People who leave are deactivated, never deleted: their name stays on the history."""

    to = "deactivate"
    title = "Deactivate {{ object.get_full_name|default:object.username }}?"
    page_title = "Deactivate {{ object.username }}"
    intro = "They will no longer be able to sign in. Their name stays on everything they changed."
    submit, submit_class = "Deactivate", "govuk-button--warning"
    success_message = "{{ object.get_full_name }} can no longer sign in."

    def save(self, form):
        person = self.object
        person.is_active = False
        person._change_reason = "Deactivated"
        person.save(update_fields=["is_active"])
        return person


class ReactivatePerson(PersonPage):
    """Someone who comes back: they sign in again with the password they had."""

    to = "reactivate"
    form_class = ReasonForm
    title = "Reactivate {{ object.get_full_name|default:object.username }}?"
    page_title = "Reactivate {{ object.username }}"
    intro = (
        "They will be able to sign in again, with the roles they still hold. The reason is "
        "kept in their history and the audit log."
    )
    submit = "Reactivate"
    success_message = "{{ object.get_full_name|default:object.username }} can sign in again."

    def save(self, form):
        person = self.object
        person.is_active = True
        person._change_reason = form.cleaned_data["reason"]
        person.save(update_fields=["is_active"])
        return person


class ResetFactor(PersonPage):
    """For someone who has lost their authenticator app and recovery codes: they set up
    a new app the next time they sign in."""

    to = "reset_factor"
    form_class = ReasonForm
    title = "Reset the second factor of {{ object.get_full_name|default:object.username }}?"
    page_title = "Reset the second factor of {{ object.username }}"
    intro = (
        "Their authenticator app and recovery codes will stop working. The next time they "
        "sign in they will set up an authenticator app again. Make sure it is really them "
        "asking: anyone who knows their password could then set one up."
    )
    submit, submit_class = "Reset second factor", "govuk-button--warning"
    success_message = (
        "The second factor of {{ object.get_full_name|default:object.username }} has been "
        "reset. They will set up an authenticator app the next time they sign in."
    )

    def refusal(self):
        if not factors.has_factor(self.object):
            name = self.object.get_full_name() or self.object.username
            return f"{name} has not set up a second factor."
        return ""

    @transaction.atomic  # the reset and its record in the audit log, or neither
    def save(self, form):
        person = self.object
        factors.reset(person)
        AuditEvent.objects.record(
            AuditEvent.Event.FACTOR_RESET,
            self.request,
            detail=f"{person.username}: {form.cleaned_data['reason']}",
        )
        return person


# -- memberships ----------------------------------------------------------------------


class AddMembership(FormPage):
    """A role for a person in an agency or group: only for people whose roles the viewer
    may change (not their own, not a superuser's)."""

    form_class = MembershipForm
    title = "Add a membership"
    change_reason = "Membership added"
    success_message = "{{ object }} has been added."

    def get_form(self, data):
        return self.form_class(data, viewer=self.viewer)

    def save(self, form):
        check(self.viewer, "person", form.cleaned_data["user"], "change_roles")
        return super().save(form)


class RemoveMembership(FormPage):
    queryset = Membership.objects.select_related("user", "agency")

    def access(self, request, pk):
        membership = super().access(request, pk)
        check(self.viewer, "person", membership.user, "change_roles")
        return membership

    form_class = ReasonForm
    title = "Remove a membership"
    intro = (
        "{{ object.user.get_full_name|default:object.user.username }}: "
        "{{ object.get_role_display }}, {{ object.agency }}. The membership stays in the history."
    )
    submit, submit_class = "Remove membership", "govuk-button--warning"
    success_message = "{{ object }} has been removed."

    def save(self, form):
        membership = self.object
        membership._change_reason = form.cleaned_data["reason"]
        membership.delete()
        return membership


# -- the audit log --------------------------------------------------------------------

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
