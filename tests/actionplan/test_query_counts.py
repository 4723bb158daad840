"""The pages fetch related rows up front: as many queries for 200 actions as for 20.

Every request also reads the session and saves it (3 queries: the idle timeout is
renewed on each request)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency, Membership
from tests.conftest import make_person


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # a download: read to the end
            response.getvalue()
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def small_and_large(synthetic_plan):
    return synthetic_plan(20, slug="small"), synthetic_plan(200, slug="large")


def test_the_overview_needs_the_same_queries_for_20_and_200_actions(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    small, large = (reverse("plan_overview_for", args=[p.slug]) for p in small_and_large)
    # 14 since issue 17 (15 before): leads and entries come with their agencies, posts
    # and people in the same query (the lookups of agencies and posts went); 15 with the
    # plan picker in the header (the plans the person can read, on every page).
    assert queries_for(client, small) == queries_for(client, large) == 15


def test_the_filtered_overview_needs_the_same_queries_for_20_and_200_actions(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    small, large = (
        reverse("plan_overview_for", args=[p.slug]) + "?rag=amber&q=Action" for p in small_and_large
    )
    # The filters test the snapshot the page reads anyway: no query of their own. (The
    # search reads every action's evidence; without it, the page reads 15, as above.)
    assert queries_for(client, small) == queries_for(client, large) == 16


def test_the_dashboard_needs_the_same_queries_for_20_and_200_actions(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    small, large = (reverse("dashboard_for", args=[p.slug]) for p in small_and_large)
    assert queries_for(client, small) == queries_for(client, large)


def test_my_actions_needs_the_same_queries_for_20_and_200_actions(client, small_and_large):
    agency = Agency.objects.order_by("pk")[1]  # leads every synthetic action
    lead = make_person("synthetic.lead", agency, Membership.Role.AGENCY_LEAD)
    client.force_login(lead)
    # session (3), user, memberships, how many actions (pages of 50), the page's actions with
    # their last evidence date, the plans for the plan picker
    assert queries_for(client, reverse("my_actions")) == 9


def test_the_action_page_needs_a_fixed_number_of_queries(client, board_member, small_and_large):
    client.force_login(board_member)
    small, large = small_and_large
    first = small.sections.first().actions.first()
    busy = large.sections.first().actions.first()
    assert queries_for(client, reverse("action_detail", args=[first.pk])) == queries_for(
        client, reverse("action_detail", args=[busy.pk])
    )


# -- at a real Board's scale (issue 17): pages of a large plan, history, downloads ------


@pytest.fixture
def past_plans(synthetic_plan):
    """Two plans made in 2015, so that they can be seen as at a date."""
    import datetime
    import zoneinfo

    import time_machine

    made = datetime.datetime(2015, 4, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(made, tick=False):
        return synthetic_plan(20, slug="small-2015"), synthetic_plan(250, slug="large-2015")


def test_every_page_of_a_large_overview_needs_the_same_queries_as_a_small_plan(
    client, board_member, small_and_large, synthetic_plan
):
    client.force_login(board_member)
    small, _ = small_and_large
    big = synthetic_plan(250, slug="big")  # ten pages of 25
    url = reverse("plan_overview_for", args=[big.slug])
    assert (
        queries_for(client, reverse("plan_overview_for", args=[small.slug]))
        == queries_for(client, url)
        == queries_for(client, url + "?page=3")
        == 15
    )


def test_the_plan_as_at_a_date_needs_the_same_queries_for_20_and_250_actions(
    client, board_member, past_plans
):
    client.force_login(board_member)
    small, large = (
        reverse("plan_overview_for", args=[p.slug]) + "?as_at=30/09/2015" for p in past_plans
    )
    assert (
        queries_for(client, small)
        == queries_for(client, large)
        == queries_for(client, large + "&page=2")
    )


def test_the_action_page_as_at_a_date_needs_a_fixed_number_of_queries(
    client, board_member, past_plans
):
    client.force_login(board_member)
    small, large = (p.sections.first().actions.first() for p in past_plans)
    assert queries_for(
        client, reverse("action_detail", args=[small.pk]) + "?as_at=2015-09-30"
    ) == queries_for(client, reverse("action_detail", args=[large.pk]) + "?as_at=2015-09-30")


def test_an_action_page_with_many_entries_and_ratings_needs_no_more_queries(
    client, board_member, chair, small_and_large
):
    from simple_history.utils import bulk_create_with_history

    from actionplan.models import EvidenceEntry

    client.force_login(board_member)
    small, large = small_and_large
    quiet = small.sections.first().actions.first()
    busy = large.sections.first().actions.first()
    bulk_create_with_history(
        [EvidenceEntry(action=busy, text=f"Entry {n}") for n in range(60)],
        EvidenceEntry,
        default_change_reason="Evidence added",
    )
    for n in range(25):
        busy.rate("red" if n % 2 else "amber", f"Reason {n}", by=chair)
    busy_url = reverse("action_detail", args=[busy.pk])
    assert (
        queries_for(client, reverse("action_detail", args=[quiet.pk]))
        == queries_for(client, busy_url)
        == queries_for(client, busy_url + "?evidence=3")
    )


def test_any_page_of_the_activity_feed_needs_the_same_queries(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    small, large = small_and_large
    first = client.get(reverse("activity_for", args=[large.slug]))
    older = re.search(r'href="([^"]*)" rel="next"', first.text).group(1).replace("&amp;", "&")
    assert (
        queries_for(client, reverse("activity_for", args=[small.slug]))
        == queries_for(client, reverse("activity_for", args=[large.slug]))
        == queries_for(client, older)
    )


def test_the_downloads_need_the_same_queries_for_20_and_200_actions(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    for name in ("export_csv_for", "export_xlsx_for"):
        small, large = (reverse(name, args=[p.slug]) for p in small_and_large)
        assert queries_for(client, small) == queries_for(client, large)


def test_the_chairs_review_page_needs_the_same_queries_for_20_and_200_actions(
    client, chair, small_and_large
):
    client.force_login(chair)
    small, large = (reverse("review_start", args=[p.slug]) for p in small_and_large)
    # Each of the four sets and the overdue Red and Amber once, as ids; the actions
    # listed, at once (22 when each set was asked for its count and its first apart).
    assert queries_for(client, small) == queries_for(client, large) == 14
