"""A person's full name fits the history's "changed by" column (150 characters), so
nothing they change can fail for the length of their name (issue 10)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Agency

FIRST_74 = "Anne-Marie " + "F" * 63
LAST_75 = "Featherstonehaugh-" + "L" * 57


def add_person(client, first_name, last_name, username="long.name"):
    return client.post(
        reverse("person_new"),
        {
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.org",
        },
    )


def test_a_full_name_of_exactly_150_characters_is_kept_on_everything_they_change(client, manager):
    full_name = f"{FIRST_74} {LAST_75}"
    assert len(full_name) == 150
    client.force_login(manager)

    added = add_person(client, FIRST_74, LAST_75)
    person = get_user_model().objects.get(username="long.name")
    client.post(
        reverse("membership_new"),
        {
            "user": person.pk,
            "agency": Agency.objects.get(slug="bscb").pk,
            "role": "business_manager",
        },
    )
    client.force_login(person)
    changed = client.post(reverse("agency_new"), {"name": "Health Visiting", "kind": "agency"})
    manage_page = client.get(reverse("manage")).content.decode()

    assert (added.status_code, changed.status_code) == (302, 302)
    record = Agency.objects.get(name="Health Visiting").history.get()
    assert (record.history_user_id, record.history_user_name) == (person.pk, full_name)
    assert full_name in manage_page


def test_a_full_name_of_151_characters_is_refused_with_a_clear_message(client, manager):
    client.force_login(manager)

    response = add_person(client, FIRST_74 + "x", LAST_75)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_first_name">Full name must be 150 characters or fewer</a>' in html
    assert not get_user_model().objects.filter(username="long.name").exists()


def test_a_name_cannot_be_made_too_long_by_editing_the_person(client, manager, board_member):
    client.force_login(manager)

    response = client.post(
        reverse("person_edit", args=[board_member.pk]),
        {"username": "board.member", "first_name": FIRST_74, "last_name": LAST_75 + "x"},
    )

    assert "Full name must be 150 characters or fewer" in response.content.decode()
    board_member.refresh_from_db()
    assert board_member.get_full_name() == "Board Tester"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "First name must be 150 characters or fewer"),
        ("last_name", "Last name must be 150 characters or fewer"),
        ("username", "Username must be 150 characters or fewer"),
    ],
)
def test_a_single_name_over_150_characters_is_refused_in_plain_words(
    client, manager, field, message
):
    client.force_login(manager)
    data = {"username": "long.name", "first_name": "Ann", "last_name": "Lee"}

    response = add_person(client, **{**data, field: "n" * 151})

    html = response.content.decode()
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert "Ensure this value" not in html


def test_missing_names_and_a_wrong_email_are_explained_in_plain_words(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("person_new"),
        {"username": "no.name", "email": "not an address"},
    )

    html = response.content.decode()
    assert '<a href="#id_first_name">Enter their first name</a>' in html
    assert '<a href="#id_last_name">Enter their last name</a>' in html
    assert (
        '<a href="#id_email">Enter an email address in the correct format, '
        "like name@example.com</a>"
    ) in html
