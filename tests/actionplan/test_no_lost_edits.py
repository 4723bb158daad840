"""No lost edits, through the pages people are served.

Two people (or one person in two tabs) open the same form; both send what their page
carries. The first save wins; the second gets the conflict page showing the saved
version and their unsaved text, and nothing the first wrote is overwritten. A form sent
without the version its page carried (an old page, a forged post) is a conflict too.
"""

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, Membership
from tests.conftest import make_person
from tests.served import hidden_fields, served_form


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_manager(plan):
    return make_person(
        "deputy.manager", Agency.objects.get(slug="bscb"), Membership.Role.BUSINESS_MANAGER
    )


@pytest.fixture
def second_chair(plan):
    return make_person("vice.chair", plan.owner, Membership.Role.CHAIR)


def both_open(first, second, url):
    """Each person opens the form: what their browser would send back, hidden fields and all."""
    return served_form(first, url), served_form(second, url)


def assert_second_loses(first, second, url, first_data, second_data, saved_text, unsaved_text):
    mine, theirs = both_open(first, second, url)
    assert "version" in mine, "the page must carry the version the person saw"

    won = first.post(url, {**mine, **first_data})
    lost = second.post(url, {**theirs, **second_data})

    assert won.status_code == 302, won.content.decode()[:2000]
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "Someone else changed this while you were editing" in page
    assert saved_text in page  # the version saved now
    assert unsaved_text in page  # their unsaved text, to copy
    return lost


def test_rating_two_chairs_the_second_sees_the_conflict(chair, second_chair, get_action):
    action = get_action("4.2")
    url = reverse("rate_action", args=[action.pk])
    assert_second_loses(
        signed_in(chair),
        signed_in(second_chair),
        url,
        {"rag": "red", "reason": "Training not delivered"},
        {"rag": "green", "reason": "Leaflet updated"},
        "Training not delivered",
        "Leaflet updated",
    )
    action.refresh_from_db()
    assert (action.rag, action.rag_reason) == ("red", "Training not delivered")


def test_editing_an_action_two_managers(manager, second_manager, get_action):
    action = get_action("2.2")
    url = reverse("edit_action", args=[action.pk])
    first, second = signed_in(manager), signed_in(second_manager)
    page = first.get(url).context["form"]
    base = {
        "outcomes": action.outcomes,
        "leads": page.initial["leads"],
        "timescale": action.timescale,
        "wording_reason": "Agreed wording",
    }
    assert_second_loses(
        first,
        second,
        url,
        {**base, "text": "Wording agreed at the May meeting"},
        {**base, "text": "My rewording"},
        "Wording agreed at the May meeting",
        "My rewording",
    )
    action.refresh_from_db()
    assert action.text == "Wording agreed at the May meeting"


def test_a_change_of_leads_alone_stales_an_open_action_form(manager, second_manager, get_action):
    action = get_action("2.2")
    url = reverse("edit_action", args=[action.pk])
    first, second = signed_in(manager), signed_in(second_manager)
    initial = first.get(url).context["form"].initial
    awaken = Agency.objects.get(slug="awaken")
    base = {
        "text": action.text,
        "outcomes": action.outcomes,
        "timescale": action.timescale,
        "wording_reason": "Agreed wording",
    }
    assert_second_loses(
        first,
        second,
        url,
        {**base, "leads": [*initial["leads"], f"agency:{awaken.pk}"]},
        {**base, "leads": initial["leads"], "outcomes": "My new outcome"},
        "Awaken",
        "My new outcome",
    )
    assert awaken.pk in set(action.leads.values_list("agency_id", flat=True))


def test_editing_evidence_in_two_tabs(awaken_lead, awaken_entry):
    url = reverse("edit_evidence", args=[awaken_entry.pk])
    awaken = Agency.objects.get(slug="awaken")
    data = {"activity_date": "01/06/2015", "agency": awaken.pk}
    assert_second_loses(
        signed_in(awaken_lead),
        signed_in(awaken_lead),
        url,
        {**data, "text": "Consultation completed with 40 young people"},
        {**data, "text": "Consultation completed"},
        "Consultation completed with 40 young people",
        "Consultation completed",
    )
    awaken_entry.refresh_from_db()
    assert awaken_entry.text == "Consultation completed with 40 young people"


def test_withdrawing_evidence_after_it_was_edited_is_a_conflict(awaken_lead, awaken_entry):
    first, second = signed_in(awaken_lead), signed_in(awaken_lead)
    edit_url = reverse("edit_evidence", args=[awaken_entry.pk])
    withdraw_url = reverse("withdraw_evidence", args=[awaken_entry.pk])
    withdraw_form = served_form(second, withdraw_url)
    edit_form = served_form(first, edit_url)
    awaken = Agency.objects.get(slug="awaken")
    edited = first.post(
        edit_url,
        {
            **edit_form,
            "text": "Corrected figures",
            "activity_date": "01/06/2015",
            "agency": awaken.pk,
        },
    )
    assert edited.status_code == 302
    lost = second.post(withdraw_url, {**withdraw_form, "reason": "Duplicate"})
    assert lost.status_code == 409
    assert "Corrected figures" in lost.content.decode()
    awaken_entry.refresh_from_db()
    assert not awaken_entry.is_withdrawn


def test_moving_an_action_two_managers(manager, second_manager, get_action):
    action = get_action("2.1")
    url = reverse("move_action", args=[action.pk])
    section = action.section.pk
    assert_second_loses(
        signed_in(manager),
        signed_in(second_manager),
        url,
        {"section": section, "position": 7, "reason": "Agreed order"},
        {"section": section, "position": 8, "reason": "My order"},
        "2.7",  # where it is now
        "My order",
    )
    action.refresh_from_db()
    assert action.position == 7


def test_removing_an_action_that_was_just_edited(manager, second_manager, get_action):
    action = get_action("2.2")
    first, second = signed_in(manager), signed_in(second_manager)
    remove_url = reverse("remove_action", args=[action.pk])
    edit_url = reverse("edit_action", args=[action.pk])
    remove_form = served_form(second, remove_url)
    page = first.get(edit_url)
    edit = {
        **hidden_fields(page.content),
        "text": "Reworded to keep it",
        "wording_reason": "Kept, not merged",
        "outcomes": action.outcomes,
        "leads": page.context["form"].initial["leads"],
        "timescale": action.timescale,
    }
    assert first.post(edit_url, edit).status_code == 302
    lost = second.post(remove_url, {**remove_form, "reason": "Merged into 2.1"})
    assert lost.status_code == 409
    assert "Reworded to keep it" in lost.content.decode()
    action.refresh_from_db()
    assert not action.is_removed


def test_editing_a_section_two_managers(manager, second_manager, get_action):
    section = get_action("2.1").section
    url = reverse("edit_section", args=[section.pk])
    assert_second_loses(
        signed_in(manager),
        signed_in(second_manager),
        url,
        {"title": "Protect: safeguarding", "purpose": section.purpose, "reason": "Agreed"},
        {"title": "My title", "purpose": section.purpose, "reason": "Mine"},
        "Protect: safeguarding",
        "My title",
    )
    section.refresh_from_db()
    assert section.title == "Protect: safeguarding"


def test_removing_a_section_that_was_just_renamed(manager, second_manager, empty_section):
    first, second = signed_in(manager), signed_in(second_manager)
    remove_url = reverse("remove_section", args=[empty_section.pk])
    edit_url = reverse("edit_section", args=[empty_section.pk])
    remove_form = served_form(second, remove_url)
    edit_form = served_form(first, edit_url)
    renamed = first.post(
        edit_url, {**edit_form, "title": "Missing children", "purpose": "", "reason": "Now used"}
    )
    assert renamed.status_code == 302
    lost = second.post(remove_url, {**remove_form, "reason": "Not needed"})
    assert lost.status_code == 409
    assert "Missing children" in lost.content.decode()
    empty_section.refresh_from_db()
    assert not empty_section.is_removed


@pytest.mark.parametrize(
    ("name", "who", "data"),
    [
        ("rate_action", "chair", {"rag": "red", "reason": "No progress"}),
        ("remove_action", "manager", {"reason": "Merged"}),
        ("move_action", "manager", {"position": 2, "reason": "Reordered"}),
    ],
)
def test_a_form_sent_without_its_version_is_a_conflict_not_a_save(
    request, name, who, data, get_action
):
    action = get_action("2.1")
    client = signed_in(request.getfixturevalue(who))
    if name == "move_action":
        data = {**data, "section": action.section.pk}
    records = action.history.count()

    response = client.post(reverse(name, args=[action.pk]), data)

    assert response.status_code == 409
    assert "Someone else changed this while you were editing" in response.content.decode()
    assert action.history.count() == records


def test_every_edit_page_carries_the_version_it_was_opened_at(
    client, manager, chair, awaken_lead, awaken_entry, empty_section, get_action
):
    action = get_action("2.1")
    pages = {
        manager: [
            reverse("edit_action", args=[action.pk]),
            reverse("move_action", args=[action.pk]),
            reverse("remove_action", args=[action.pk]),
            reverse("edit_section", args=[action.section.pk]),
            reverse("remove_section", args=[empty_section.pk]),
        ],
        chair: [reverse("rate_action", args=[action.pk])],
        awaken_lead: [
            reverse("edit_evidence", args=[awaken_entry.pk]),
            reverse("withdraw_evidence", args=[awaken_entry.pk]),
        ],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            assert served_form(client, url).get("version"), url
