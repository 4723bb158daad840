"""The second factor in a real browser: the chair sets up an authenticator app from the
key on the page (as an app would read the QR code), keeps the recovery codes, signs in
again with one of them, finds it does not work twice, and signs in with the app."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(key_text, steps_ahead=0):
    """What an authenticator app shows for the key on the set-up page."""
    totp = TOTP(b32decode(key_text.replace(" ", "")))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in_with_password(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


@pytest.fixture
def chair_with_password(chair, settings):
    settings.MFA_REQUIRED_ROLES = ["chair", "business_manager", "superuser"]
    chair.set_password(PASSWORD)
    chair.save()
    return chair


def test_the_chair_sets_up_an_app_and_signs_in_with_a_recovery_code_once_then_the_app(
    page, live_server, chair_with_password
):
    chair = chair_with_password
    refused_by_csp = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and refused_by_csp.append(message.text)
        ),
    )

    # First sign-in: straight to setting up the app.
    sign_in_with_password(page, live_server, chair)
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    assert refused_by_csp == []  # the QR code is inline SVG: nothing for the CSP to block
    key = page.locator("#key").inner_text()
    code = page.get_by_label("Code from your authenticator app")
    code.fill(f"{(int(app_code(key)) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The code is not correct or has expired"
    )
    page.wait_for_timeout(1100)  # a wrong code: the next try waits a second
    page.get_by_label("Code from your authenticator app").fill(app_code(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your authenticator app is set up")).to_be_visible()
    recovery_codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(recovery_codes) == 10
    page.get_by_role("link", name="Continue").click()
    # On to the chair's first screen (actionplan.views.landing).
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    sign_out(page)

    # The phone is left at home: a recovery code instead.
    sign_in_with_password(page, live_server, chair)
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(recovery_codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code. You have 9 left.")).to_be_visible()
    sign_out(page)

    # The same recovery code does not work twice; the app still does.
    sign_in_with_password(page, live_server, chair)
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(recovery_codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The recovery code is not correct or has already been used"
    )
    page.get_by_role("link", name="Back").click()
    # The next period's code: the set-up code's period has been used already.
    page.get_by_label("Code from your authenticator app").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")  # "Back" from the recovery code: no next
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.browser_context_args(bypass_csp=True)  # axe-core is injected as a script
def test_the_second_factor_pages_pass_axe(page, live_server, chair_with_password, axe_violations):
    sign_in_with_password(page, live_server, chair_with_password)
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 6-digit code from your authenticator app"
    )
    assert axe_violations() == []
    key = page.locator("#key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(app_code(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your authenticator app is set up")).to_be_visible()
    assert axe_violations() == []
