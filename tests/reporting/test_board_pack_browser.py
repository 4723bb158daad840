"""The business manager prepares an exception report in Chromium: chooses it on the form,
reads the preview, and the preview passes axe-core (the same scan as tests/browser)."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, CHROMIUM, PASSWORD

from .conftest import load_seed_copy

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.mark.browser_context_args(bypass_csp=True)  # for axe-core's inline script only
def test_the_manager_chooses_an_exception_report_and_reads_its_preview(
    page, live_server, manager, tmp_path
):
    load_seed_copy(tmp_path)
    manager.set_password(PASSWORD)
    manager.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/packs/new/")
    page.get_by_label("Plan", exact=True).select_option("cse-2015")
    expect(page.get_by_label("Exception report: actions rated Red or Amber")).to_be_checked()
    date = page.get_by_role("group", name="As-at date")  # Day, Month, Year boxes
    date.get_by_label("Day").fill("30")
    date.get_by_label("Month").fill("9")
    date.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Preview the pack").click()

    expect(
        page.get_by_role("heading", name="Draft board pack, as at 30 September 2015")
    ).to_be_visible()
    expect(page.get_by_text("(12 of 19 actions in full)")).to_be_visible()
    one_line = page.locator("tr.bp-row--line")
    expect(one_line).to_have_count(7)
    expect(one_line.first).to_contain_text("2.3")
    expect(one_line.first).to_contain_text("Latest evidence 1 Apr 2015")

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
