"""Password reset and invitations through a real SMTP server: the link in the email
sets a password once; the reset page never says whether an address has an account."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.models import OutboxMessage

from .conftest import SITE, london, text

LONG_PASSWORD = "correct horse battery staple " * 3 + "and a hundred characters in all, ok?"


@pytest.fixture
def worker(settings, django_capture_on_commit_callbacks):
    """The background worker, run at once: what a page queues is sent before it answers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def link_in(message):
    return re.search(rf"{re.escape(SITE)}(/accounts/\S+/)", text(message)).group(1)


def set_password(client, link, password):
    page = client.get(link, follow=True)
    assert page.status_code == 200
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def sign_in(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1"
    )


# -- "Forgotten your password?" ------------------------------------------------------


def test_the_sign_in_page_links_to_the_reset_page(client, db):
    html = client.get(reverse("login")).content.decode()

    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">Forgotten your password?</a>'
        in html
    )


def test_a_reset_link_is_emailed_and_sets_a_new_password_once(
    client, mail_server, worker, addressed, board_member
):
    addressed(board_member)

    response = worker(
        lambda: client.post(reverse("password_reset"), {"email": "Board.Member@example.org"})
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail_server.messages
    assert message["To"] == "board.member@example.org"
    assert message["Subject"] == "Reset your password for the action plan tracker"
    assert "Your username is board.member." in text(message)
    assert "open this link within 2 hours" in text(message)
    assert "List-Unsubscribe" not in message  # essential: cannot be turned off
    link = link_in(message)
    assert link.startswith("/accounts/reset/")

    done = set_password(client, link, "a brand new passphrase")

    assert "Your password has been changed. Sign in with your new password." in done.text
    assert sign_in(client, "board.member", "a brand new passphrase").status_code == 302
    client.logout()
    again = client.get(link, follow=True)
    assert "This link does not work" in again.text


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, mail_server, worker, addressed, board_member
):
    addressed(board_member)

    known = worker(
        lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"})
    )
    unknown = worker(
        lambda: client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    )
    page = client.get(reverse("password_reset_done")).content.decode()

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert "If the address you entered belongs to someone who can sign in" in page
    assert [m["To"] for m in mail_server.messages] == ["board.member@example.org"]


def test_asking_again_and_again_sends_one_email_in_10_minutes(
    client, mail_server, worker, addressed, board_member, time_machine
):
    addressed(board_member)
    time_machine.move_to(london(2041, 3, 2, 10, 1), tick=False)
    for _ in range(5):
        worker(
            lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"})
        )
    time_machine.move_to(london(2041, 3, 2, 10, 11), tick=False)
    worker(lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"}))

    assert len(mail_server.messages) == 2


def test_nobody_deactivated_gets_a_reset_link(client, mail_server, worker, addressed, board_member):
    addressed(board_member)
    board_member.is_active = False
    board_member.save()

    worker(lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"}))

    assert mail_server.messages == []


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format"),
        ("x" * 300 + "@example.org", "Email address must be 254 characters or fewer"),
    ],
)
def test_a_wrong_address_is_explained(client, db, email, error):
    response = client.post(reverse("password_reset"), {"email": email})

    assert response.status_code == 200
    assert error in response.text
    assert not OutboxMessage.objects.exists()


def test_a_reset_link_runs_out_after_2_hours(
    client, mail_server, worker, addressed, board_member, time_machine
):
    addressed(board_member)
    time_machine.move_to(london(2041, 3, 2, 10, 0), tick=False)
    worker(lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"}))
    link = link_in(mail_server.messages[0])

    time_machine.move_to(london(2041, 3, 2, 12, 1), tick=False)

    assert "This link does not work" in client.get(link, follow=True).text


def test_without_the_worker_the_next_run_of_the_sender_sends_the_link(
    client, mail_server, send, addressed, board_member
):
    addressed(board_member)
    client.post(reverse("password_reset"), {"email": "board.member@example.org"})
    assert mail_server.messages == []

    send()

    assert len(mail_server.messages) == 1


# -- invitations ----------------------------------------------------------------------


def test_a_new_person_is_invited_by_email_and_sets_their_own_password(
    client, mail_server, worker, manager, plan
):
    client.force_login(manager)

    added = worker(
        lambda: client.post(
            reverse("person_new"),
            {
                "username": "yot.lead",
                "first_name": "Yan",
                "last_name": "Yot",
                "email": "yan.yot@example.org",
            },
            follow=True,
        )
    )

    assert "Yan Yot has been added. An invitation has been sent to yan.yot@example.org." in (
        added.text
    )
    [invitation] = mail_server.messages
    assert invitation["To"] == "yan.yot@example.org"
    assert invitation["Subject"] == "You have been invited to the action plan tracker"
    body = text(invitation)
    assert "Dear Yan Yot," in body
    assert "action plan tracker of Blackpool Safeguarding Children Board" in body
    assert "Your username is yot.lead." in body
    assert f"Then sign in at {SITE}/accounts/login/" in body
    link = link_in(invitation)
    assert link.startswith("/accounts/invitation/")
    client.logout()

    page = client.get(link, follow=True)
    assert "Set your password" in page.text and "Your username is <strong>yot.lead</strong>" in (
        page.text
    )
    done = set_password(client, link, LONG_PASSWORD)

    assert "Your password has been set. Sign in with your username and new password." in done.text
    assert sign_in(client, "yot.lead", LONG_PASSWORD).status_code == 302
    assert len(LONG_PASSWORD) >= 100


def test_a_short_or_common_first_password_is_refused(client, mail_server, worker, manager, plan):
    client.force_login(manager)
    worker(
        lambda: client.post(
            reverse("person_new"),
            {"username": "x.y", "first_name": "X", "last_name": "Y", "email": "x.y@example.org"},
        )
    )
    client.logout()

    response = set_password(client, link_in(mail_server.messages[0]), "password123")

    assert "This password is too short" in response.text or "too common" in response.text
    assert not get_user_model().objects.get(username="x.y").has_usable_password()


def test_an_invitation_runs_out_after_7_days_and_a_new_one_replaces_it(
    client, mail_server, worker, manager, addressed, board_member, time_machine
):
    addressed(board_member)
    time_machine.move_to(london(2041, 3, 2, 10, 0), tick=False)
    client.force_login(manager)
    worker(lambda: client.post(reverse("person_invite", args=[board_member.pk])))
    first = link_in(mail_server.messages[0])
    assert "open this link by 9 March 2041 (7 days)" in text(mail_server.messages[0])

    time_machine.move_to(london(2041, 3, 9, 9, 59), tick=False)
    assert "Set your password" in client.get(first, follow=True).text
    time_machine.move_to(london(2041, 3, 9, 10, 1), tick=False)
    assert "This link does not work" in client.get(first, follow=True).text

    client.force_login(manager)
    worker(lambda: client.post(reverse("person_invite", args=[board_member.pk])))
    client.logout()
    second = link_in(mail_server.messages[1])
    assert "Set your password" in client.get(second, follow=True).text


def test_a_new_invitation_stops_the_earlier_link(
    client, mail_server, worker, manager, addressed, board_member
):
    addressed(board_member)
    client.force_login(manager)
    worker(lambda: client.post(reverse("person_invite", args=[board_member.pk])))
    worker(lambda: client.post(reverse("person_invite", args=[board_member.pk])))
    client.logout()
    first, second = (link_in(m) for m in mail_server.messages)

    assert "This link does not work" in client.get(first, follow=True).text
    assert "Set your password" in client.get(second, follow=True).text


def test_an_invitation_link_is_not_a_reset_link_or_the_other_way_round(
    client, mail_server, worker, manager, addressed, board_member
):
    addressed(board_member)
    client.force_login(manager)
    worker(lambda: client.post(reverse("person_invite", args=[board_member.pk])))
    worker(lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"}))
    client.logout()
    invitation, reset = (link_in(m) for m in mail_server.messages)

    swapped_invitation = invitation.replace("/invitation/", "/reset/")
    swapped_reset = reset.replace("/reset/", "/invitation/")

    assert "This link does not work" in client.get(swapped_invitation, follow=True).text
    assert "This link does not work" in client.get(swapped_reset, follow=True).text


def test_someone_who_has_a_password_is_not_invited_again(client, manager, board_member):
    board_member.email = "board.member@example.org"
    board_member.set_password("an existing passphrase")
    board_member.save()
    client.force_login(manager)

    response = client.post(reverse("person_invite", args=[board_member.pk]), follow=True)

    assert "has already set a password" in response.text
    assert "Forgotten your password?" in response.text
    assert not OutboxMessage.objects.exists()


def test_an_invitation_needs_an_address(client, manager, board_member):
    client.force_login(manager)

    response = client.post(reverse("person_invite", args=[board_member.pk]), follow=True)

    assert "Add an email address for Board Tester first." in response.text


def test_the_manage_page_shows_who_is_invited_and_offers_a_new_invitation(
    client, manager, addressed, board_member
):
    addressed(board_member)
    client.force_login(manager)

    html = client.get(reverse("manage")).content.decode()

    assert '<strong class="govuk-tag govuk-tag--yellow">Invited</strong>' in html
    assert reverse("person_invite", args=[board_member.pk]) in html
    assert "board.member@example.org" in html


def test_nothing_of_a_link_is_kept_in_the_outbox(
    client, mail_server, worker, addressed, board_member
):
    addressed(board_member)
    worker(lambda: client.post(reverse("password_reset"), {"email": "board.member@example.org"}))
    token = link_in(mail_server.messages[0]).rstrip("/").rsplit("/", 1)[1]

    message = OutboxMessage.objects.get()
    stored = " ".join(str(getattr(message, f.attname)) for f in message._meta.fields)

    assert token not in stored
    assert message.status == "sent" and message.kind == "password_reset"


def test_a_deactivated_person_invited_earlier_gets_nothing(client, mail_server, send, manager):
    person = get_user_model().objects.create_user(
        "leaver", email="leaver@example.org", first_name="Lee", last_name="Vere"
    )
    client.force_login(manager)
    client.post(reverse("person_invite", args=[person.pk]))
    person.is_active = False
    person.save()

    send(at=london(2041, 3, 2, 10, 0) + datetime.timedelta(minutes=1))

    assert mail_server.messages == []
    assert OutboxMessage.objects.get().note == "They can no longer sign in"
