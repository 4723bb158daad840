"""On a phone (375 px wide) no page is wider than the screen: the tables re-flow into one
card per row, and the rating stays in sight instead of off to the right."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}

# Whether an element lies wholly inside the screen's width and is not cut off by any
# box that scrolls or clips it (a table scrolled sideways hides what is past its edge).
FULLY_ACROSS = """(element) => {
  const box = element.getBoundingClientRect();
  if (box.width === 0 || box.left < 0 || box.right > window.innerWidth) return false;
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    if (getComputedStyle(parent).overflowX === "visible") continue;
    const edge = parent.getBoundingClientRect();
    if (box.left < edge.left || box.right > edge.right) return false;
  }
  return true;
}"""

# Down the page only: scrolling into view would also scroll a wide table sideways.
SCROLL_DOWN_TO = "(element) => window.scrollBy(0, element.getBoundingClientRect().top - 100)"

PAGES = {
    # page: (who, path, the first action's rating as the page shows it)
    "plan overview": ("board_member", "/", "tr[id^='action-'] .app-rag"),
    "my actions": ("awaken_lead", "/my-actions/", "tbody tr .app-rag"),
    "dashboard": ("board_member", "/dashboard/", "tbody tr td:last-child"),
    "action page": ("awaken_lead", "/actions/{action}/", ".govuk-summary-list .app-rag"),
}
# Other pages with tables, which must fit the screen too.
MORE_PAGES = {
    "manage": ("manager", "/manage/"),
    "activity": ("manager", "/activity/"),
    "history of an action": ("board_member", "/actions/{action}/history/"),
    "board packs": ("manager", "/packs/"),
    "prepare a board pack": ("manager", "/packs/new/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_the_page_fits_the_screen_and_the_rating_is_in_sight(
    request, name, page, live_server, sign_in, get_action
):
    who, path, rating = PAGES[name]
    sign_in(request.getfixturevalue(who))
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + path.format(action=get_action("3.1").pk))

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator(rating).first
    first.evaluate(SCROLL_DOWN_TO)
    expect(first).to_be_visible()
    expect(first).to_be_in_viewport()
    assert first.evaluate(FULLY_ACROSS), f"The first rating on the {name} is off the screen"


def test_on_a_phone_the_other_pages_with_tables_fit_the_screen(
    request, page, live_server, sign_in, get_action
):
    too_wide = {}
    for name, (who, path) in MORE_PAGES.items():
        page.context.clear_cookies()
        sign_in(request.getfixturevalue(who))
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + path.format(action=get_action("3.1").pk))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
    assert too_wide == {}
