"""Signing in: lockout after ten failures (django-axes), the same answers for unknown
usernames, passwords, session rotation and expiry, deactivated people.

These tests sign in through the sign-in page, as a person does; django-axes needs the
request, so ``client.login()`` cannot be used (``force_login`` is fine elsewhere)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from actionplan.security import forwarded_client

PASSWORD = "a perfectly long test passphrase"
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
LOCKED = "Sign-in is locked for 15 minutes because of too many failed attempts"


@pytest.fixture
def chair_with_password(chair):
    chair.set_password(PASSWORD)
    chair.save()
    return chair


def sign_in(client, username, password, ip="127.0.0.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def fail(client, username, times, ip="127.0.0.1", every=datetime.timedelta(seconds=25)):
    """``times`` wrong passwords, one every 25 seconds (ten in under 5 minutes)."""
    responses = []
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(times):
            responses.append(sign_in(client, username, "not the password", ip))
            clock.shift(every)
    return responses


def comparable(response):
    """The page without what differs from request to request (the CSRF token)."""
    html = response.content.decode()
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# -- lockout ---------------------------------------------------------------------------


def test_ten_failures_in_five_minutes_lock_the_account_even_for_the_right_password(
    client, chair_with_password
):
    failures = fail(client, "chair", 10)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        response = sign_in(client, "chair", PASSWORD)

    assert [r.status_code for r in failures[:9]] == [200] * 9
    assert failures[9].status_code == 429  # the tenth failure already locks
    assert response.status_code == 429
    assert signed_in_as(client) is None
    html = response.content.decode()
    assert "<title>Error: Sign in – Action plan tracker</title>" in html
    assert LOCKED in html
    assert "Wait 15 minutes and try again, or ask the board's business manager" in html
    assert 'name="username"' in html  # the sign-in page itself, not a bare error page


def test_nine_failures_do_not_lock_and_signing_in_clears_them(client, chair_with_password):
    fail(client, "chair", 9)
    with time_machine.travel(START + datetime.timedelta(minutes=4), tick=False):
        first = sign_in(client, "chair", PASSWORD)
    client.logout()
    fail(client, "chair", 9)  # counted from zero again: AXES_RESET_ON_SUCCESS
    with time_machine.travel(START + datetime.timedelta(minutes=4), tick=False):
        second = sign_in(client, "chair", PASSWORD)
        who = signed_in_as(client)

    assert first.status_code == 302
    assert second.status_code == 302
    assert who == str(chair_with_password.pk)


def test_the_lock_lasts_15_minutes_from_the_tenth_failure(client, chair_with_password):
    fail(client, "chair", 10)
    tenth_failure = START + datetime.timedelta(seconds=9 * 25)

    with time_machine.travel(tenth_failure + datetime.timedelta(minutes=14), tick=False):
        still_locked = sign_in(client, "chair", PASSWORD)
    with time_machine.travel(tenth_failure + datetime.timedelta(minutes=15, seconds=1)):
        unlocked = sign_in(client, "chair", PASSWORD)
        who = signed_in_as(client)

    assert still_locked.status_code == 429
    assert unlocked.status_code == 302
    assert who == str(chair_with_password.pk)


def test_trying_again_while_locked_does_not_make_the_lock_longer(client, chair_with_password):
    fail(client, "chair", 10)
    tenth_failure = START + datetime.timedelta(seconds=9 * 25)
    with time_machine.travel(tenth_failure + datetime.timedelta(minutes=10), tick=False):
        sign_in(client, "chair", "another wrong one")
        sign_in(client, "chair", PASSWORD)
    with time_machine.travel(tenth_failure + datetime.timedelta(minutes=15, seconds=1)):
        response = sign_in(client, "chair", PASSWORD)

    assert response.status_code == 302


def test_the_username_is_locked_from_every_address(client, chair_with_password):
    with time_machine.travel(START, tick=False) as clock:
        for n in range(10):
            sign_in(client, "chair", "wrong", ip=f"10.0.0.{n + 1}")
            clock.shift(20)
        elsewhere = sign_in(client, "chair", PASSWORD, ip="192.0.2.77")

    assert elsewhere.status_code == 429
    # Each address's tries are kept apart too: username + address is the second lock.
    assert AccessAttempt.objects.filter(username="chair").count() == 10


def test_failures_for_one_username_do_not_lock_another_at_the_same_address(
    client, chair_with_password
):
    # No lock by address alone: an agency's staff may all share one address.
    fail(client, "somebody.else", 10)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        response = sign_in(client, "chair", PASSWORD)

    assert response.status_code == 302


def test_signing_in_again_and_again_with_the_right_password_never_locks(
    client, chair_with_password
):
    # What the load test does: 20 people signing in from one address.
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(30):
            assert sign_in(client, "chair", PASSWORD).status_code == 302
            client.logout()
            clock.shift(5)

    assert AccessAttempt.objects.count() == 0


# -- unknown usernames -----------------------------------------------------------------


def test_an_unknown_username_gets_the_same_page_as_a_wrong_password(client, chair_with_password):
    with time_machine.travel(START, tick=False):
        wrong_password = sign_in(client, "chair", "not the password")
        unknown_user = sign_in(client, "chair", "not the password")  # same form data twice
        nobody = sign_in(client, "nobody.here", "not the password")

    assert comparable(wrong_password) == comparable(unknown_user)
    status, page = comparable(nobody)
    assert status == wrong_password.status_code == 200
    assert page == comparable(wrong_password)[1].replace('value="chair"', 'value="nobody.here"')


def test_an_unknown_username_is_locked_out_exactly_like_a_real_one(client, chair_with_password):
    fail(client, "chair", 10)
    fail(client, "nobody.here", 10)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        real = sign_in(client, "chair", PASSWORD)
        unknown = sign_in(client, "nobody.here", PASSWORD)

    assert real.status_code == unknown.status_code == 429
    status, page = comparable(unknown)
    assert page == comparable(real)[1].replace('value="chair"', 'value="nobody.here"')


# -- passwords -------------------------------------------------------------------------

LONG_PASSWORD = "correct horse battery staple " * 3 + "and a hundred characters in all, ok?"


def test_a_100_character_password_is_accepted_for_a_new_person_and_signs_in(client, manager, plan):
    """The new person chooses it themselves, from their invitation."""
    from django.contrib.auth import get_user_model
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from notifications.accounts import invitation_token

    assert len(LONG_PASSWORD) >= 100
    client.force_login(manager)
    created = client.post(
        reverse("person_new"),
        {
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "email": "new.person@example.org",
        },
    )
    client.logout()
    person = get_user_model().objects.get(username="new.person")
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse("invitation", args=[uid, invitation_token.make_token(person)])
    form = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form, {"new_password1": LONG_PASSWORD, "new_password2": LONG_PASSWORD})
    response = sign_in(client, "new.person", LONG_PASSWORD)

    assert created.status_code == 302
    assert response.status_code == 302


def test_a_100_character_password_can_be_chosen_when_changing_password(client, board_member):
    password = ("x7" + "Lorem ipsum dolor sit amet " * 4)[:100]
    board_member.set_password(PASSWORD)
    board_member.save()
    client.force_login(board_member)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    board_member.refresh_from_db()

    assert len(password) == 100
    assert response.status_code == 302
    assert board_member.check_password(password)


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("eleven char", "This password is too short. It must contain at least 12 characters."),
        ("qwerty123456", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
    ],
)
def test_short_common_and_numeric_passwords_are_refused(client, board_member, password, error):
    board_member.set_password(PASSWORD)
    board_member.save()
    client.force_login(board_member)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    board_member.refresh_from_db()

    assert response.status_code == 200
    assert error in response.content.decode()
    assert board_member.check_password(PASSWORD)


# -- sessions --------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, chair_with_password):
    session = client.session  # an anonymous session, as a visitor may already have
    session["seen_cookie_notice"] = True
    session.save()
    before = session.session_key

    sign_in(client, "chair", PASSWORD)
    after = client.cookies["sessionid"].value

    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert signed_in_as(client) == str(chair_with_password.pk)


def test_a_session_ends_after_30_minutes_without_a_request(client, chair_with_password):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "chair", PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        active = client.get("/")
        clock.shift(datetime.timedelta(minutes=29))  # 58 minutes in, 29 since the last
        still_active = client.get("/")
        clock.shift(datetime.timedelta(minutes=30, seconds=1))
        idle = client.get("/")

    assert active.status_code == 200
    assert still_active.status_code == 200
    assert idle.status_code == 302
    assert idle["Location"].startswith(reverse("login"))


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, chair_with_password):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "chair", PASSWORD)
        statuses = []
        for _ in range(12 * 3 - 1):  # a request every 20 minutes for 11 h 40 min
            clock.shift(datetime.timedelta(minutes=20))
            statuses.append(client.get("/").status_code)
        clock.shift(datetime.timedelta(minutes=20))  # 12 hours
        ended = client.get("/")
        sign_in_page = client.get(ended["Location"])

    assert set(statuses) == {200}
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("login"))
    assert signed_in_as(client) is None
    assert "You have been signed out because you signed in more than 12 hours ago" in (
        sign_in_page.content.decode()
    )


def test_a_session_from_force_login_gets_its_12_hours_from_its_first_request(client, chair):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(chair)
        client.get("/")
        clock.shift(datetime.timedelta(hours=11, minutes=50))
        client.get("/")  # keeps the idle timer going
        clock.shift(datetime.timedelta(minutes=11))
        response = client.get("/")

    assert response.status_code == 302


def test_a_deactivated_person_is_signed_out_on_their_next_request(client, board_member):
    client.force_login(board_member)
    before = client.get("/")
    board_member.is_active = False
    board_member.save()

    after = client.get("/")
    again = client.get(reverse("action_detail", args=[1]))

    assert before.status_code == 200
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert again.status_code == 302


def test_a_deactivated_person_cannot_sign_in(client, chair_with_password):
    chair_with_password.is_active = False
    chair_with_password.save()

    response = sign_in(client, "chair", PASSWORD)

    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_changing_a_password_signs_out_the_other_sessions(client, board_member):
    from django.test import Client

    board_member.set_password(PASSWORD)
    board_member.save()
    other_browser = Client()
    other_browser.force_login(board_member)
    client.force_login(board_member)
    new = "a completely different passphrase"

    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other_browser.get("/").status_code == 302


# -- the address behind a proxy --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.9", 1, "203.0.113.9"),
        ("1.2.3.4, 203.0.113.9", 1, "203.0.113.9"),  # the left one was sent by the client
        ("1.2.3.4, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        ("2001:db8::1", 1, "2001:db8::1"),
        ("203.0.113.9", 2, None),  # fewer hops than proxies: misconfigured, trust nothing
        ("not-an-address", 1, None),
        ("", 1, None),
        ("203.0.113.9", 0, None),
    ],
)
def test_the_client_address_is_taken_from_the_trusted_hops_only(header, proxies, expected):
    assert forwarded_client(header, proxies) == expected


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_configured(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 0
    sign_in(client, "someone", "wrong", ip="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"


def test_behind_one_proxy_the_client_address_comes_from_x_forwarded_for(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(
        client,
        "someone",
        "wrong",
        ip="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",  # the first was forged by the client
    )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
