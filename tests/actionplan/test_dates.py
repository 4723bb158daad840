"""Dates are asked the GOV.UK way: Day, Month and Year boxes, with GOV.UK error wording and
the box in error marked. A date typed whole, as older links carry it, still works."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from lxml import html

from actionplan.fields import BoundedDateField
from actionplan.models import EvidenceEntry
from tests.reporting.conftest import load_seed_copy
from tests.served import submit


def boxes(page, name):
    """What each of the field's boxes holds, and whether it is marked as in error."""
    tree = html.fromstring(page)
    found = {}
    for part in ("day", "month", "year"):
        (box,) = tree.xpath(f'//input[@name="{name}-{part}"]')
        found[part] = (box.get("value"), "govuk-input--error" in box.get("class"))
    return found


def error_links(page):
    return html.fromstring(page).xpath('//div[@class="govuk-error-summary__body"]//a/@href')


def date_boxes(day, month, year, name="activity_date"):
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.fixture
def evidence_page(client, awaken_lead, get_action):
    client.force_login(awaken_lead)
    return reverse("add_evidence", args=[get_action("3.1").pk])


def test_the_evidence_form_asks_the_date_in_day_month_and_year_boxes_set_to_today(
    client, evidence_page
):
    page = client.get(evidence_page).text
    today = timezone.localdate()

    assert 'class="govuk-date-input"' in page
    assert 'type="date"' not in page
    assert "<legend" in page and "Date of the activity</legend>" in page
    assert boxes(page, "activity_date") == {
        "day": (str(today.day), False),
        "month": (str(today.month), False),
        "year": (str(today.year), False),
    }


@pytest.mark.parametrize(("month", "typed"), [("11", "a number"), ("Nov", "a word")])
def test_a_lead_adds_evidence_with_the_date_typed_in_the_three_boxes(
    client, evidence_page, get_action, month, typed
):
    response = submit(
        client,
        evidence_page,
        {"text": "Parent support group started", **date_boxes("2", month, "2015")},
    )

    assert response.status_code == 302, typed
    entry = get_action("3.1").evidence_entries.latest("recorded_at")
    assert entry.activity_date == datetime.date(2015, 11, 2)


@pytest.mark.parametrize(
    ("typed", "message", "marked"),
    [
        (("", "", ""), "Enter the date of the activity", {"day", "month", "year"}),
        (("", "11", "2015"), "Date of the activity must include a day", {"day"}),
        (("2", "", ""), "Date of the activity must include a month and year", {"month", "year"}),
        (("2", "13", "2015"), "Date of the activity must be a real date", {"month"}),
        (("2", "11", "15"), "Year must include 4 numbers", {"year"}),
        (("x", "11", "2015"), "Date of the activity must be a real date", {"day"}),
        (("31", "2", "2015"), "Date of the activity must be a real date", {"day", "month", "year"}),
        (
            ("1", "1", "2099"),
            "Date of the activity must be today or in the past",
            {"day", "month", "year"},
        ),
        (
            ("1", "1", "1999"),
            "Date of the activity must be 2000 or later",
            {"day", "month", "year"},
        ),
    ],
)
def test_a_wrong_date_gets_the_gov_uk_error_on_the_box_in_error_and_nothing_is_saved(
    client, evidence_page, typed, message, marked
):
    before = EvidenceEntry.history.count()

    response = submit(client, evidence_page, {"text": "Drop-in", **date_boxes(*typed)})

    assert response.status_code == 200
    page = response.text
    assert message in page
    shown = boxes(page, "activity_date")
    assert {part for part, (_, error) in shown.items() if error} == marked
    assert [value for value, _ in shown.values()] == list(typed)  # kept as typed
    first = next(part for part in ("day", "month", "year") if part in marked)
    assert error_links(page) == [f"#id_activity_date-{first}"]
    assert EvidenceEntry.history.count() == before


def test_a_date_typed_whole_from_an_older_page_is_still_taken(client, evidence_page, get_action):
    response = submit(client, evidence_page, {"text": "Drop-in", "activity_date": "02/11/2015"})

    assert response.status_code == 302
    entry = get_action("3.1").evidence_entries.latest("recorded_at")
    assert entry.activity_date == datetime.date(2015, 11, 2)


@pytest.fixture
def plan_of_2015(plan, tmp_path):
    return load_seed_copy(tmp_path)


@pytest.mark.parametrize(
    "query",
    [
        "?as_at-day=30&as_at-month=9&as_at-year=2015",
        "?as_at=30/09/2015",  # a link made before the boxes
        "?as_at=2015-09-30",  # the links the pages make to actions and downloads
    ],
)
def test_the_plan_as_at_a_date_is_asked_in_boxes_and_links_with_the_date_whole_still_work(
    client, board_member, plan_of_2015, query
):
    client.force_login(board_member)

    page = client.get(reverse("plan_overview_for", args=[plan_of_2015.slug]) + query).text

    assert "As at 30 September 2015" in page
    assert boxes(page, "as_at") == {
        "day": ("30", False),
        "month": ("9", False),
        "year": ("2015", False),
    }
    assert "?as_at=2015-09-30" in page


def test_a_filter_date_missing_its_year_is_a_gov_uk_error_not_a_crash(client, board_member):
    client.force_login(board_member)

    response = client.get(
        reverse("plan_overview"), date_boxes("1", "4", "", name="no_evidence_since")
    )

    assert response.status_code == 200
    assert "No evidence since must include a year" in response.text
    assert boxes(response.text, "no_evidence_since")["year"] == ("", True)


def test_the_activity_feed_asks_from_and_to_in_boxes(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("activity"),
        {**date_boxes("30", "9", "2015", name="start"), **date_boxes("1", "7", "2015", "end")},
    )

    assert response.status_code == 200
    assert "To must be the same as or after From" in response.text
    assert boxes(response.text, "end")["day"] == ("1", True)


def test_the_board_pack_asks_its_dates_in_boxes_and_takes_a_link_with_the_date_whole(
    client, manager, plan_of_2015
):
    client.force_login(manager)
    preview = reverse("board_pack_preview")
    chosen = {"plan": plan_of_2015.slug, "kind": "full"}

    in_boxes = client.get(preview, {**chosen, **date_boxes("30", "9", "2015", name="as_at")})
    whole = client.get(preview, {**chosen, "as_at": "30/09/2015"})
    wrong = client.get(preview, {**chosen, **date_boxes("30", "9", "", name="as_at")})

    assert "Draft board pack, as at 30 September 2015" in in_boxes.text
    assert "Draft board pack, as at 30 September 2015" in whole.text
    assert "The as-at date must include a year" in wrong.text


def test_a_date_field_rendered_on_its_own_is_the_three_boxes_too():
    class AsAt(forms.Form):
        as_at = BoundedDateField(label="As at", required=False)

    page = str(AsAt({"as_at": "2015-09-30"})["as_at"])

    assert boxes(page, "as_at") == {
        "day": ("30", False),
        "month": ("9", False),
        "year": ("2015", False),
    }
    assert 'for="id_as_at-day">Day</label>' in page
