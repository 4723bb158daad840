"""The chair's review meeting, clicked in a real browser: sign in, see what needs
attention, go through the actions one screen at a time."""

import pytest
from playwright.sync_api import expect

from actionplan.models import Action, Rag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chair_lands_on_what_needs_attention_and_rates_through_the_meeting(
    page, live_server, chair, plan
):
    from tests.browser.conftest import PASSWORD

    chair.set_password(PASSWORD)
    chair.save()
    first, second, third = Action.objects.in_plan(plan).order_by("section__number", "position")[:3]
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(chair.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    page.get_by_role("link", name="Every action").click()
    expect(page.get_by_text("Review meeting: Every action — action 1 of 19")).to_be_visible()
    expect(page.locator("#id_rag_0-hint")).to_have_text("Off track: needs the board's help")

    page.get_by_label("Green").check()
    page.get_by_label("Reason for this rating").fill("Agreed at the meeting: on track")
    page.get_by_role("button", name="Save and go to the next action").click()

    expect(page.get_by_text(f"{first.ref} is now rated Green.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Action {second.ref}")).to_be_visible()
    page.get_by_role("link", name="Skip this action").click()
    expect(page.get_by_role("heading", name=f"Action {third.ref}")).to_be_visible()
    page.get_by_role("button", name="Save and go to the next action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for this rating")

    first.refresh_from_db()
    assert (first.rag, first.rag_reason) == (Rag.GREEN, "Agreed at the meeting: on track")
    assert second.history.count() == Action.objects.get(pk=second.pk).history.count()
