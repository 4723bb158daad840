"""The three main journeys, clicked in a real browser, plus keyboard-only use and axe scans."""

import re

import pytest
from playwright.sync_api import expect

from actionplan.models import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chair_rates_4_2_red_with_a_reason_and_sees_it_in_the_history(
    sign_in, live_server, chair, get_action
):
    page = sign_in(chair)
    page.get_by_role("link", name="Action 4.2").click()
    page.get_by_role("link", name="Rate this action").click()
    page.get_by_role("button", name="Save rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for this rating")
    page.get_by_label("Red").check()
    page.get_by_label("Reason for this rating").fill("Hotel staff training not yet delivered")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("4.2 is now rated Red.")).to_be_visible()
    history = page.locator("#ratings + table")
    expect(history).to_contain_text("Red")
    expect(history).to_contain_text("Hotel staff training not yet delivered")
    assert get_action("4.2").rag == "red"


def test_the_awaken_lead_adds_evidence_to_3_1_and_has_no_control_on_2_2(
    sign_in, live_server, awaken_lead, get_action
):
    page = sign_in(awaken_lead)
    page.goto(f"{live_server.url}/actions/{get_action('2.2').pk}/")
    expect(page.get_by_role("heading", name="Action 2.2")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Add evidence"))).to_have_count(0)
    page.goto(f"{live_server.url}/actions/{get_action('3.1').pk}/")
    page.get_by_role("link", name="Add evidence").click()
    page.get_by_label("What was done").fill("Support group for parents started in November")
    expect(page.get_by_text("You have 4,955 characters remaining")).to_be_visible()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added to 3.1.")).to_be_visible()
    expect(page.locator("#evidence + table")).to_contain_text("Support group for parents")
    assert get_action("3.1").evidence_entries.filter(recorded_by=awaken_lead).count() == 1


def test_the_business_manager_changes_a_timescale(sign_in, live_server, manager, get_action):
    page = sign_in(manager)
    page.goto(f"{live_server.url}/actions/{get_action('4.2').pk}/")
    page.get_by_role("link", name="Edit action, leads or timescale").click()
    page.get_by_label("Timescale", exact=True).fill("Dec 2015")
    page.get_by_label("Reason for changing the timescale").fill("Training moved to the winter")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("4.2 has been updated.")).to_be_visible()
    expect(page.get_by_text("Originally July 2015, revised to Dec 2015")).to_be_visible()
    assert get_action("4.2").timescale == "Dec 2015"


def tab_to(page, selector, limit=400):
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key")


def test_the_main_journey_with_the_keyboard_alone(page, live_server, chair, get_action):
    from tests.browser.conftest import PASSWORD

    chair.set_password(PASSWORD)
    chair.save()
    action = get_action("6.3")
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "a.govuk-skip-link")
    tab_to(page, "#id_username")
    page.keyboard.type(chair.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/{action.section.plan.slug}/review/")  # the chair's first screen
    tab_to(page, 'a[href="/"]')  # "Plan" in the service navigation
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    tab_to(page, f'a[href="/actions/{action.pk}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/{action.pk}/")
    tab_to(page, f'a[href="/actions/{action.pk}/rate/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/{action.pk}/rate/")
    tab_to(page, "input[name=rag]")
    # Tab lands on the checked radio (Not rated); arrow keys move the choice round the group.
    for _ in range(5):
        if page.evaluate("document.querySelector('input[name=rag]:checked').value") == "amber":
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "textarea[name=reason]")
    page.keyboard.type("Reports to the board are regular but audits are behind")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("6.3 is now rated Amber.")).to_be_visible()
    assert Action.objects.get(pk=action.pk).rag == "amber"


MAIN_PAGES = {
    "sign in": ("anonymous", "/accounts/login/"),
    "plan overview": ("board_member", "/"),
    "filtered overview": ("board_member", "/?rag=none&overdue=on"),
    "action page": ("awaken_lead", "/actions/{action}/"),
    "rate an action": ("chair", "/actions/{action}/rate/"),
    "rate with errors": ("chair", "post:/actions/{action}/rate/"),
    "add evidence": ("awaken_lead", "/actions/{action}/evidence/new/"),
    "my actions": ("awaken_lead", "/my-actions/"),
    "dashboard": ("board_member", "/dashboard/"),
    "edit an action": ("manager", "/actions/{action}/edit/"),
    "manage": ("manager", "/manage/"),
    "change password": ("board_member", "/accounts/password/"),
    "what needs the chair's attention": ("chair", "/review/"),
    "the review meeting": ("chair", "/plans/cse-operational-action-plan/review/{action}/?set=all"),
    "what the ratings mean": ("manager", "/plans/cse-operational-action-plan/ratings/"),
    "the plan as the manager sees it": ("manager", "/"),
    "check the history": ("manager", "/manage/history-check/"),
}


# axe-core is injected as an inline script, which the Content Security Policy rightly
# refuses; the scan's own context lets it in. The journeys above run under the policy.
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_each_main_page_has_no_axe_violations(
    request, name, page, live_server, sign_in, axe_violations, get_action
):
    role, path = MAIN_PAGES[name]
    if role != "anonymous":
        sign_in(request.getfixturevalue(role))
    path = path.format(action=get_action("3.1").pk)
    if path.startswith("post:"):
        page.goto(live_server.url + path[5:])
        page.get_by_role("button", name="Save rating").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    else:
        page.goto(live_server.url + path)
    assert axe_violations() == []
