"""Password reset and invitation, end to end in a real browser, with the emails received
by a real SMTP server on loopback: the link in the email is opened as a person would."""

import re
import time

import pytest
from playwright.sync_api import expect

from agencies.models import Agency, Membership
from tests.notifications.conftest import mail_server, text  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emails(mail_server, settings, live_server):  # noqa: F811
    """Links in emails point at the live server; the worker sends straight away."""
    settings.SITE_URL = live_server.url
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return mail_server


def wait_for_email(server, to, count=1, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        received = server.to(to)
        if len(received) >= count:
            return received[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"No email to {to} within {seconds} seconds")


def link_in(message, live_server):
    return re.search(rf"{re.escape(live_server.url)}/accounts/\S+/", text(message)).group(0)


# axe-core is injected as a script: the page's CSP would refuse it.
@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_person_who_forgot_their_password_resets_it_from_the_sign_in_page(
    page, live_server, emails, sign_in, board_member, axe_violations
):
    board_member.email = "board.member@example.org"
    board_member.save()
    sign_in(board_member)  # they had a password once ...
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert axe_violations() == []
    page.get_by_label("Email address").fill("board.member@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert axe_violations() == []

    message = wait_for_email(emails, "board.member@example.org")
    assert message["Subject"] == "Reset your password for the action plan tracker"
    page.goto(link_in(message, live_server))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "/set-password/" in page.url  # the token is out of the address bar
    expect(page.get_by_text("Your username is board.member.")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Confirm new password").fill("a brand new passphrase")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()

    page.get_by_label("Username").fill("board.member")
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Board Tester")).to_be_visible()

    # The link works once.
    page.get_by_role("button", name="Sign out").click()
    page.goto(link_in(message, live_server))
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()


def test_an_address_nobody_has_gets_the_same_page_and_no_email(page, live_server, emails, plan):
    page.goto(f"{live_server.url}/accounts/password-reset/")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    time.sleep(0.5)
    assert emails.messages == []


# axe-core is injected as a script: the page's CSP would refuse it.
@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_business_manager_invites_a_person_who_sets_their_own_password(
    page, browser, live_server, emails, sign_in, manager, axe_violations
):
    sign_in(manager)
    page.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Add a person").click()
    expect(
        page.get_by_text("They will get an email with a link to set their own password.")
    ).to_be_visible()
    page.get_by_label("Username").fill("yot.lead")
    page.get_by_label("First name").fill("Yan")
    page.get_by_label("Last name").fill("Yot")
    page.get_by_label("Email address").fill("yan.yot@example.org")
    page.get_by_role("button", name="Add and send invitation").click()
    expect(
        page.get_by_text(
            "Yan Yot has been added. An invitation has been sent to yan.yot@example.org."
        )
    ).to_be_visible()
    expect(page.locator("tr", has_text="yot.lead").get_by_text("Invited")).to_be_visible()
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.get(username="yot.lead")
    membership = Membership(
        user=person, agency=Agency.objects.get(slug="youth-offending-team"), role="agency_lead"
    )
    membership._change_reason = "Test"
    membership.save()

    invitation = wait_for_email(emails, "yan.yot@example.org")
    assert invitation["Subject"] == "You have been invited to the action plan tracker"
    # The new person, in their own browser.
    theirs = browser.new_context().new_page()
    theirs.goto(link_in(invitation, live_server))
    expect(theirs.get_by_role("heading", name="Set your password")).to_be_visible()
    theirs.get_by_label("New password", exact=True).fill("yot")
    theirs.get_by_label("Confirm new password").fill("yot")
    theirs.get_by_role("button", name="Save password").click()
    expect(theirs.locator(".govuk-error-summary")).to_contain_text("This password is too short")
    theirs.get_by_label("New password", exact=True).fill("youth offending at its best")
    theirs.get_by_label("Confirm new password").fill("youth offending at its best")
    theirs.get_by_role("button", name="Save password").click()
    expect(theirs.get_by_text("Your password has been set.")).to_be_visible()
    theirs.get_by_label("Username").fill("yot.lead")
    theirs.get_by_label("Password").fill("youth offending at its best")
    theirs.get_by_role("button", name="Sign in").click()
    theirs.wait_for_url(f"{live_server.url}/my-actions/")  # an agency lead's first screen
    theirs.get_by_role("link", name="Your emails").click()
    expect(theirs.get_by_text("Emails are sent to yan.yot@example.org")).to_be_visible()

    # The business manager sees the invitation in the outbox, sent.
    page.goto(f"{live_server.url}/manage/emails/")
    row = page.locator("tr", has_text="yan.yot@example.org")
    expect(row).to_contain_text("Invitation")
    expect(row).to_contain_text("Sent")
    assert axe_violations() == []


# axe-core is injected as a script: the page's CSP would refuse it.
@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_person_turns_an_email_off_on_their_emails_page(
    page, live_server, sign_in, awaken_lead, axe_violations
):
    awaken_lead.email = "awaken.lead@example.org"
    sign_in(awaken_lead)
    page.get_by_role("link", name="Your emails").click()
    expect(page.get_by_role("heading", name="Your emails", exact=True)).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Reminders that an update is due").uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your email settings have been saved.")).to_be_visible()
    expect(page.get_by_label("Reminders that an update is due")).not_to_be_checked()
    expect(page.get_by_text("Turned off", exact=True)).to_be_visible()
