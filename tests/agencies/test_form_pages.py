"""The business manager's form pages: one shape, one GOV.UK form-page template."""

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, Membership, Post


def invitable(person):
    """Someone who has not set a password yet, with an address to invite."""
    person.email = f"{person.username}@example.org"
    person.save()
    return person


def deactivated(person):
    person.is_active = False
    person.save()
    return person


def with_a_factor(person):
    TOTPDevice.objects.create(user=person, name="Authenticator app")
    return person


def trading_standards():
    return Agency.objects.get(slug="trading-standards")


# url name, its arguments, the browser title, the <h1>, the button
PAGES = {
    "agency_new": (
        lambda people: [],
        "Add an agency or group",
        "Add an agency or group",
        "Save",
    ),
    "agency_edit": (
        lambda people: [trading_standards().pk],
        "Edit Trading Standards",
        "Edit agency or group",
        "Save",
    ),
    "post_new": (lambda people: [], "Add a post", "Add a post", "Save"),
    "person_new": (lambda people: [], "Add a person", "Add a person", "Add and send invitation"),
    "person_edit": (
        lambda people: [people["board_member"].pk],
        "Edit board.member",
        "Edit person",
        "Save",
    ),
    "person_deactivate": (
        lambda people: [people["board_member"].pk],
        "Deactivate board.member",
        "Deactivate Board Tester?",
        "Deactivate",
    ),
    "person_invite": (
        lambda people: [invitable(people["board_member"]).pk],
        "Invite board.member",
        "Send Board Tester a new invitation?",
        "Send invitation",
    ),
    "person_reactivate": (
        lambda people: [deactivated(people["board_member"]).pk],
        "Reactivate board.member",
        "Reactivate Board Tester?",
        "Reactivate",
    ),
    "person_reset_factor": (
        lambda people: [with_a_factor(people["board_member"]).pk],
        "Reset the second factor of board.member",
        "Reset the second factor of Board Tester?",
        "Reset second factor",
    ),
    "membership_new": (lambda people: [], "Add a membership", "Add a membership", "Save"),
    "membership_remove": (
        lambda people: [Membership.objects.get(user=people["board_member"]).pk],
        "Remove a membership",
        "Remove a membership",
        "Remove membership",
    ),
}


@pytest.fixture
def people(manager, board_member):
    return {"manager": manager, "board_member": board_member}


@pytest.mark.parametrize("name", PAGES)
def test_every_form_page_has_its_title_heading_back_link_and_button(client, people, name):
    args, page_title, heading, button = PAGES[name]
    client.force_login(people["manager"])

    html = client.get(reverse(name, args=args(people))).content.decode()

    assert f"<title>{page_title} – Action plan tracker</title>" in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert f'<a href="{reverse("manage")}" class="govuk-back-link">Back</a>' in html
    assert f'data-module="govuk-button">{button}</button>' in html
    assert '<form method="post" novalidate>' in html
    assert "csrfmiddlewaretoken" in html
    assert "govuk-error-summary" not in html


@pytest.mark.parametrize("name", ["person_deactivate", "person_reset_factor", "membership_remove"])
def test_pages_that_take_something_away_have_a_warning_button(client, people, name):
    args = PAGES[name][0]
    client.force_login(people["manager"])

    html = client.get(reverse(name, args=args(people))).content.decode()

    assert 'class="govuk-button govuk-button--warning"' in html


def test_a_form_with_errors_shows_the_error_summary_and_says_so_in_the_title(client, manager):
    client.force_login(manager)

    response = client.post(reverse("agency_new"), {"kind": "agency"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add an agency or group – Action plan tracker</title>" in html
    assert "There is a problem" in html
    assert '<a href="#id_name">Enter the name of the agency or group</a>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter the name' in html


def test_an_edit_page_is_titled_by_the_object_as_saved_not_as_typed(client, manager):
    client.force_login(manager)
    agency = trading_standards()

    response = client.post(
        reverse("agency_edit", args=[agency.pk]), {"name": "Awaken", "kind": "agency"}
    )

    html = response.content.decode()
    assert "There is already an agency or group with this name" in html
    assert "<title>Error: Edit Trading Standards – Action plan tracker</title>" in html
    agency.refresh_from_db()
    assert agency.name == "Trading Standards"


def test_a_saved_form_goes_back_to_manage_with_a_success_banner(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("agency_new"), {"name": "Health Visiting", "kind": "agency"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("manage"), 302)]
    assert "govuk-notification-banner--success" in html
    assert "Health Visiting has been saved." in html


@pytest.mark.parametrize(
    ("name", "data", "model", "reason"),
    [
        ("agency_new", {"name": "Health Visiting", "kind": "agency"}, Agency, "Agency added"),
        ("post_new", {"title": "Team Manager"}, Post, "Post added"),
    ],
)
def test_what_a_form_page_adds_is_kept_in_history_with_who_and_why(
    client, manager, name, data, model, reason
):
    client.force_login(manager)
    if model is Post:
        data = {**data, "agency": Agency.objects.get(slug="awaken").pk}

    client.post(reverse(name), data)

    record = model.history.latest()
    assert (record.history_type, record.history_change_reason) == ("+", reason)
    assert (record.history_user_id, record.history_user_name) == (manager.pk, "Manager Tester")


def test_an_edited_agency_is_kept_in_history_with_the_reason(client, manager):
    client.force_login(manager)
    agency = trading_standards()

    client.post(
        reverse("agency_edit", args=[agency.pk]),
        {"name": "Trading Standards Service", "kind": "agency", "is_active": "on"},
    )

    record = agency.history.latest()
    assert (record.name, record.history_change_reason) == (
        "Trading Standards Service",
        "Agency details edited",
    )


def test_a_new_membership_is_announced_and_kept_in_history(client, manager, police_lead):
    client.force_login(manager)
    awaken = Agency.objects.get(slug="awaken")

    response = client.post(
        reverse("membership_new"),
        {"user": police_lead.pk, "agency": awaken.pk, "role": "agency_lead"},
        follow=True,
    )

    assert "police.lead – Agency lead, Awaken has been added." in response.content.decode()
    record = Membership.history.filter(agency=awaken, user_id=police_lead.pk).latest()
    assert record.history_change_reason == "Membership added"


def test_removing_a_membership_says_whose_it_is(client, manager, board_member):
    client.force_login(manager)
    membership = Membership.objects.get(user=board_member)

    html = client.get(reverse("membership_remove", args=[membership.pk])).content.decode()

    assert (
        '<p class="govuk-body">Board Tester: Board member, Blackpool Safeguarding Children '
        "Board. The membership stays in the history.</p>"
    ) in html


def test_deactivating_says_who_can_no_longer_sign_in(client, manager, board_member):
    client.force_login(manager)

    response = client.post(reverse("person_deactivate", args=[board_member.pk]), follow=True)

    assert "Board Tester can no longer sign in." in response.content.decode()


def test_a_deactivated_person_cannot_be_deactivated_again(client, manager, board_member):
    board_member.is_active = False
    board_member.save()
    client.force_login(manager)

    assert client.get(reverse("person_deactivate", args=[board_member.pk])).status_code == 403


def test_the_manager_is_not_offered_to_deactivate_themselves_and_may_not(client, manager):
    client.force_login(manager)

    manage = client.get(reverse("manage")).content.decode()
    response = client.get(reverse("person_deactivate", args=[manager.pk]))

    assert reverse("person_deactivate", args=[manager.pk]) not in manage
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["agency_new", "person_new", "membership_new"])
@pytest.mark.parametrize("method", ["put", "patch", "delete", "head"])
def test_a_form_page_takes_only_get_and_post(client, manager, name, method):
    client.force_login(manager)

    assert getattr(client, method)(reverse(name)).status_code == 405


def test_names_in_headings_and_messages_are_escaped(client, manager):
    client.force_login(manager)
    agency = trading_standards()
    agency.name = "<b>Trading</b> Standards"
    agency._change_reason = "Test"
    agency.save()

    page = client.get(reverse("agency_edit", args=[agency.pk])).content.decode()
    saved = client.post(
        reverse("agency_edit", args=[agency.pk]),
        {"name": "<i>Trading</i> Standards", "kind": "agency"},
        follow=True,
    ).content.decode()

    assert "<title>Edit &lt;b&gt;Trading&lt;/b&gt; Standards – Action plan tracker</title>" in page
    assert "<b>Trading</b>" not in page
    assert "&lt;i&gt;Trading&lt;/i&gt; Standards has been saved." in saved
    assert "<i>Trading</i>" not in saved


# -- the template, as another app's page would use it ---------------------------------


class RatingForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea)
    evidence = forms.FileField(label="Evidence file", required=False)


def test_another_page_can_extend_the_form_page_template_and_lay_out_its_own_fields(db):
    page = Template(
        '{% extends "includes/form_page.html" %}'
        '{% block fields %}{% include "includes/field.html" with field=form.reason '
        'label_class="govuk-label--m" %}{% endblock %}'
    ).render(
        Context(
            {
                "form": RatingForm({}),
                "title": "Rate this action",
                "caption": "Action 3.1",
                "warning": "The chair's rating is shown to every member",
                "submit": "Save rating",
                "form_action": "/actions/1/rate/",
                "back_url": "/actions/1/",
            }
        )
    )

    assert "<title>Error: Rate this action – Action plan tracker</title>" in page
    assert '<span class="govuk-caption-l">Action 3.1</span>' in page
    assert '<a href="/actions/1/" class="govuk-back-link">Back</a>' in page
    assert 'action="/actions/1/rate/" enctype="multipart/form-data" novalidate>' in page
    assert 'class="govuk-label govuk-label--m" for="id_reason"' in page
    assert 'name="evidence"' not in page  # the page chose its fields
    assert '<div class="govuk-warning-text">' in page
    assert "The chair&#x27;s rating is shown to every member" in page
    assert 'data-module="govuk-button">Save rating</button>' in page
    assert '<a href="#id_reason">This field is required.</a>' in page
