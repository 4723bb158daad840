"""The Content Security Policy in a real browser: the pages and the Django admin work
under it (no violations, JavaScript enhancements on), an injected inline script is
blocked, and a locked-out sign-in shows its message on the sign-in page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/dashboard/",
    "/actions/{action}/",
    "/actions/{action}/rate/",
    "/actions/{action}/edit/",
    "/manage/",
    "/packs/",
    "/packs/new/",
    "/accounts/password/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/actionplan/action/",
    "/admin/actionplan/action/{action}/change/",
    "/admin/actionplan/evidenceentry/add/",
    "/admin/auth/user/add/",
    "/admin/agencies/membership/add/",
]


@pytest.fixture
def violations(page):
    """Every CSP message the browser logs while the test runs."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_the_pages_work_under_the_policy(
    sign_in, live_server, manager, get_action, page, violations
):
    sign_in(manager)
    action = get_action("3.1").pk
    for path in PAGES:
        page.goto(live_server.url + path.format(action=action))
        # GOV.UK Frontend's JavaScript ran: it is an external module, allowed by 'self'.
        expect(page.locator("body.js-enabled.govuk-frontend-supported")).to_have_count(1)

    assert violations == []


def test_an_injected_inline_script_is_blocked(sign_in, live_server, board_member, page):
    sign_in(board_member)

    ran = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injectedScriptRan = true';
            document.head.appendChild(script);
            return window.injectedScriptRan === true;
        }"""
    )

    assert ran is False


def test_the_django_admin_works_under_the_policy(
    live_server, django_user_model, plan, get_action, page, violations
):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    action = get_action("3.1").pk
    for path in ADMIN_PAGES:
        page.goto(live_server.url + path.format(action=action))
        expect(page.locator("#content")).to_be_visible()
    # The admin's own JavaScript ran: the calendar and clock shortcuts beside date fields.
    page.goto(f"{live_server.url}/admin/actionplan/evidenceentry/add/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()

    assert violations == []


def test_a_locked_out_person_sees_why_on_the_sign_in_page(live_server, chair, page):
    chair.set_password(PASSWORD)
    chair.save()
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(10):
        page.get_by_label("Username").fill("chair")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Sign-in is locked for 15 minutes")
    expect(page).to_have_title("Error: Sign in – Action plan tracker")
    assert page.url == f"{live_server.url}/accounts/login/"
