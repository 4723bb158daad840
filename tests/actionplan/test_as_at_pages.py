"""The plan as at a date, in the browser: bannered, read-only, with the same filters."""

import datetime

import pytest
from django.urls import reverse

from tests.reporting.conftest import LONDON, load_seed_copy, rate_on
from tests.served import submit


@pytest.fixture
def plan_of_2015(plan, tmp_path):
    return load_seed_copy(tmp_path)


def overview(client, plan, query):
    return client.get(reverse("plan_overview_for", args=[plan.slug]) + query)


def refs(response):
    return [a.ref for row in response.context["sections"] for a in row.actions]


def test_the_overview_as_at_a_date_is_bannered_read_only_and_shows_the_old_rating(
    client, chair, plan_of_2015
):
    rate_on(
        plan_of_2015, "4.2", "red", "No progress", datetime.datetime(2015, 10, 5, 10, tzinfo=LONDON)
    )
    client.force_login(chair)
    then = overview(client, plan_of_2015, "?as_at=30/09/2015")
    assert "As at 30 September 2015" in then.text
    action_then = next(a for a in then.context["snapshot"].actions if a.ref == "4.2")
    assert action_then.rag == ""
    assert "Add evidence" not in then.text and "Edit section" not in then.text
    now = overview(client, plan_of_2015, "")
    assert next(a for a in now.context["snapshot"].actions if a.ref == "4.2").rag == "red"


def test_the_same_filters_work_as_at_a_date(client, board_member, plan_of_2015):
    rate_on(
        plan_of_2015, "4.2", "red", "No progress", datetime.datetime(2015, 10, 5, 10, tzinfo=LONDON)
    )
    client.force_login(board_member)
    assert refs(overview(client, plan_of_2015, "?as_at=30/09/2015&rag=red")) == []
    assert refs(overview(client, plan_of_2015, "?as_at=06/10/2015&rag=red")) == ["4.2"]
    assert "4.2" in refs(overview(client, plan_of_2015, "?as_at=30/09/2015&rag=none"))
    assert refs(overview(client, plan_of_2015, "?as_at=30/09/2015&q=taxi+drivers")) == ["4.2"]


def test_a_date_before_the_plan_existed_or_in_the_future_is_a_clear_error(
    client, board_member, plan_of_2015
):
    client.force_login(board_member)
    early = overview(client, plan_of_2015, "?as_at=01/01/2014")
    assert "had not been created by 1 January 2014" in early.text
    assert (
        "The as-at date must be in the past"
        in overview(client, plan_of_2015, "?as_at=01/01/2099").text
    )
    assert "must be a real date" in overview(client, plan_of_2015, "?as_at=31/02/2015").text


def test_the_action_page_as_at_a_date(client, board_member, plan_of_2015):
    rate_on(
        plan_of_2015,
        "2.1",
        "green",
        "Gap closed",
        datetime.datetime(2015, 10, 5, 10, tzinfo=LONDON),
    )
    action = plan_of_2015.sections.get(number=2).actions.get(position=1)
    client.force_login(board_member)
    response = client.get(reverse("action_detail", args=[action.pk]) + "?as_at=2015-09-30")
    assert "As at 30 September 2015" in response.text
    assert response.context["then"].rag == "amber"
    assert "Gap closed" not in response.text


def test_a_removed_action_leaves_the_plan_but_not_the_history(client, manager, plan_of_2015):
    import time_machine

    action = plan_of_2015.sections.get(number=2).actions.get(position=1)
    client.force_login(manager)
    with time_machine.travel(datetime.datetime(2015, 10, 5, 10, tzinfo=LONDON)):
        response = submit(
            client, reverse("remove_action", args=[action.pk]), {"reason": "Merged into 2.2"}
        )
    assert response.status_code == 302
    client.force_login(manager)  # a session begun in 2015 has long expired
    assert "2.1" not in refs(overview(client, plan_of_2015, ""))
    assert "2.1" in refs(overview(client, plan_of_2015, "?as_at=04/10/2015"))
    page = client.get(reverse("action_detail", args=[action.pk]))
    assert "Removed from the plan on 5 October 2015: Merged into 2.2" in page.text
    assert client.get(reverse("rate_action", args=[action.pk])).status_code == 404
    history = client.get(reverse("action_history", args=[action.pk]))
    assert "Action removed" in history.text


def test_a_section_with_actions_cannot_be_removed(client, manager, plan):
    section = plan.sections.get(number=5)
    client.force_login(manager)
    response = submit(client, reverse("remove_section", args=[section.pk]), {"reason": "x"})
    assert "Move or remove this section" in response.text
    section.refresh_from_db()
    assert not section.is_removed
