"""The pages fetch related rows up front: as many queries for 200 actions as for 20.

Every request also reads the session and saves it (3 queries: the idle timeout is
renewed on each request)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency, Membership
from tests.conftest import make_person


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
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
    assert queries_for(client, small) == queries_for(client, large) == 15


def test_the_filtered_overview_needs_the_same_queries_for_20_and_200_actions(
    client, board_member, small_and_large
):
    client.force_login(board_member)
    small, large = (
        reverse("plan_overview_for", args=[p.slug]) + "?rag=amber&q=Action" for p in small_and_large
    )
    # The filters test the snapshot the page reads anyway: no query of their own.
    assert queries_for(client, small) == queries_for(client, large) == 15


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
    # session (3), user, memberships, the actions with their last evidence date
    assert queries_for(client, reverse("my_actions")) == 7


def test_the_action_page_needs_a_fixed_number_of_queries(client, board_member, small_and_large):
    client.force_login(board_member)
    small, large = small_and_large
    first = small.sections.first().actions.first()
    busy = large.sections.first().actions.first()
    assert queries_for(client, reverse("action_detail", args=[first.pk])) == queries_for(
        client, reverse("action_detail", args=[busy.pk])
    )
