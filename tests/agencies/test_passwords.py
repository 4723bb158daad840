"""A password must not contain the username, wherever a password is set (issue 10): the
first password a person sets from their invitation (issue 12), and Django's
change-password page."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from agencies.validators import UsernameInPasswordValidator
from notifications.accounts import invitation_token
from tests.conftest import make_person

REFUSED = "Password must not contain the username, forwards or backwards"
LIKE_THE_USERNAME = [
    "leaverleaver",
    "LeaverLeaver",
    "leaver.leaver.leaver",
    "my name is leaver!",
    "revaelrevael",
    "REVAEL and some more",
]
OLD_PASSWORD = "an old and long passphrase"


def test_the_username_rule_is_one_of_the_password_validators():
    names = [validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert "agencies.validators.UsernameInPasswordValidator" in names


def invitation_page(client, username, first_name="Lee", last_name="Vere"):
    """The set-password page that a new person's invitation link opens."""
    person = get_user_model().objects.create_user(
        username=username, first_name=first_name, last_name=last_name
    )
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse("invitation", args=[uid, invitation_token.make_token(person)])
    return person, client.get(link, follow=True).redirect_chain[-1][0]


def set_first_password(client, username, password):
    person, page = invitation_page(client, username)
    response = client.post(page, {"new_password1": password, "new_password2": password})
    person.refresh_from_db()
    return person, response


@pytest.mark.parametrize("password", LIKE_THE_USERNAME)
def test_a_first_password_containing_the_username_is_refused(client, plan, password):
    person, response = set_first_password(client, "leaver", password)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_new_password2">{REFUSED}</a>' in html
    assert not person.has_usable_password()


def test_the_username_without_its_dots_is_refused_too(client, plan):
    person, response = set_first_password(client, "awaken.worker", "AwakenWorker2026")

    assert REFUSED in response.content.decode()
    assert not person.has_usable_password()


def test_a_first_password_unlike_the_username_is_accepted(client, plan):
    person, response = set_first_password(client, "leaver", "a long enough passphrase")

    assert response.status_code == 302
    assert person.check_password("a long enough passphrase")


def test_the_invitation_page_says_what_a_first_password_must_not_be(client, plan):
    _, page = invitation_page(client, "leaver")

    html = client.get(page).content.decode()

    assert "Your password must not contain your username, forwards or backwards." in html


@pytest.fixture
def leaver(plan):
    person = make_person("leaver", plan.owner, "board_member")
    person.set_password(OLD_PASSWORD)
    person.save()
    return person


@pytest.mark.parametrize("password", LIKE_THE_USERNAME)
def test_changing_to_a_password_containing_the_username_is_refused(client, leaver, password):
    client.force_login(leaver)

    response = client.post(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": password, "new_password2": password},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in html
    assert "There is a problem" in html
    leaver.refresh_from_db()
    assert leaver.check_password(OLD_PASSWORD)


def test_the_change_password_page_says_what_a_password_must_not_be(client, leaver):
    client.force_login(leaver)

    html = client.get(reverse("password_change")).content.decode()

    assert "Your password must not contain your username, forwards or backwards." in html


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("jo", "a journey of a thousand miles"),  # too short a username to look for
        ("leaver", "a long enough passphrase"),
        ("leaver", "leave it as it is"),  # part of the username is not the username
    ],
)
def test_passwords_without_the_username_pass_the_rule(username, password):
    user = get_user_model()(username=username)

    UsernameInPasswordValidator().validate(password, user)


def test_the_rule_needs_a_person_to_compare_with():
    UsernameInPasswordValidator().validate("leaverleaver", None)
    UsernameInPasswordValidator().validate("leaverleaver", get_user_model()(username=""))


def test_the_rule_refuses_in_any_case_and_either_direction():
    user = get_user_model()(username="Awaken.Lead")
    for password in ("awaken.lead-2026", "AWAKENLEAD-2026", "DAEL.NEKAWA-2026"):
        with pytest.raises(ValidationError, match=REFUSED):
            UsernameInPasswordValidator().validate(password, user)
