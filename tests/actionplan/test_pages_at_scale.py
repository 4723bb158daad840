"""Pages at a real Board's scale stay bounded, however large the plan or long its history.

How fast they are is measured by ``make bench`` (bench/pages.py), never here; these
tests pin what a person is served: pages of a large plan, links between them that can
be followed and bookmarked, long evidence cut with "Show more", an action's evidence
and ratings a page at a time, and pages that do not grow with the plan."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from actionplan import views
from actionplan.history import rating_changes, timescale_revisions
from actionplan.history.latest import latest_ratings, latest_timescale_revisions
from actionplan.models import Action, EvidenceEntry, Section
from actionplan.snapshot import SectionRow, split_into_pages

LONDON = zoneinfo.ZoneInfo("Europe/London")


def link(html, rel):
    """The href of the pagination link rel="prev" or rel="next", as a browser reads it."""
    found = re.findall(rf'href="([^"]*)" rel="{rel}"', html)
    return found[0].replace("&amp;", "&") if found else None


def refs(response):
    return [a.ref for row in response.context["sections"] for a in row.actions]


def add_entries(action, count, words="Entry", first=datetime.date(2015, 1, 1)):
    """``count`` current entries on ``action``, a day apart from ``first``."""
    bulk_create_with_history(
        [
            EvidenceEntry(
                action=action,
                text=f"{words} {n}",
                activity_date=first + datetime.timedelta(days=n),
                agency=action.leads.first().agency,
            )
            for n in range(count)
        ],
        EvidenceEntry,
        default_change_reason="Evidence added",
    )


# -- the plan overview ------------------------------------------------------------------


def test_a_normal_plan_is_one_page_in_the_seed_layout(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("plan_overview"))
    assert len(refs(response)) == 19
    assert "Pages of the plan" not in response.text
    assert 'id="contents"' not in response.text
    assert "19 actions\n" in response.text


def test_a_large_plan_is_shown_a_page_of_whole_sections_at_a_time(
    client, board_member, synthetic_plan
):
    assert (views.OVERVIEW_PAGE, views.LARGE_PLAN_PAGE) == (50, 25)
    big = synthetic_plan(100, slug="big")  # 5 sections of 20 actions: one a page
    client.force_login(board_member)
    first = client.get(reverse("plan_overview_for", args=[big.slug]))
    assert [row.section.number for row in first.context["sections"]] == [1]
    assert len(refs(first)) == 20
    assert "100 actions: actions 1 to 20 on this page (page 1 of 5)" in first.text
    assert link(first.text, "prev") is None
    second = client.get(link(first.text, "next"))
    assert [row.section.number for row in second.context["sections"]] == [2]
    assert 'aria-current="page">2</a>' in second.text
    last = client.get(reverse("plan_overview_for", args=[big.slug]) + "?page=5")
    assert [row.section.number for row in last.context["sections"]] == [5]
    assert "actions 81 to 100 on this page (page 5 of 5)" in last.text
    assert link(last.text, "next") is None
    assert client.get(link(last.text, "prev")).context["sections"][0].section.number == 4


def test_a_plan_of_up_to_50_actions_is_one_page(client, board_member, synthetic_plan):
    fifty = synthetic_plan(50, slug="fifty")
    client.force_login(board_member)
    response = client.get(reverse("plan_overview_for", args=[fifty.slug]))
    assert len(refs(response)) == 50 and response.context["page"].count == 1


def test_every_section_is_listed_with_a_link_to_its_page(client, board_member, synthetic_plan):
    big = synthetic_plan(100, slug="big")
    client.force_login(board_member)
    html = client.get(reverse("plan_overview_for", args=[big.slug])).text
    contents = html.split('id="contents"', 1)[1].split("</details>", 1)[0]
    assert contents.count("<li>") == 5
    assert f'href="/plans/{big.slug}/?page=5#section-5"' in contents
    followed = client.get(reverse("plan_overview_for", args=[big.slug]) + "?page=5")
    assert 'id="section-5"' in followed.text


def test_a_section_longer_than_a_page_goes_on_over_the_next(
    client, board_member, synthetic_plan, monkeypatch
):
    monkeypatch.setattr(views, "OVERVIEW_PAGE", 15)
    plan = synthetic_plan(40, slug="long-sections")  # 5 sections of 8
    monkeypatch.setattr(views, "OVERVIEW_PAGE", 5)
    monkeypatch.setattr(views, "LARGE_PLAN_PAGE", 5)
    client.force_login(board_member)
    url = reverse("plan_overview_for", args=[plan.slug])
    first, second = client.get(url), client.get(url + "?page=2")
    assert refs(first) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert refs(second) == ["1.6", "1.7", "1.8"]
    assert "1. Section 1 <span" in second.text and "(continued)" in second.text
    assert 'id="section-1"' not in second.text  # the anchor stays on the first page


def test_pages_keep_whole_sections_together_and_split_only_longer_ones():
    def rows(*sizes):
        return [
            SectionRow(Section(number=n + 1), list(range(size))) for n, size in enumerate(sizes)
        ]

    def shape(pages):
        return [[(r.section.number, len(r.actions), r.continued) for r in page] for page in pages]

    assert shape(split_into_pages(rows(3, 3, 3), 7)) == [
        [(1, 3, False), (2, 3, False)],
        [(3, 3, False)],
    ]
    assert shape(split_into_pages(rows(2, 12, 1), 5)) == [
        [(1, 2, False)],
        [(2, 5, False)],
        [(2, 5, True)],
        [(2, 2, True), (3, 1, False)],
    ]
    assert shape(split_into_pages([], 5)) == [[]]


def test_filters_stay_in_the_page_links(client, board_member, synthetic_plan):
    big = synthetic_plan(100, slug="big")
    client.force_login(board_member)
    first = client.get(reverse("plan_overview_for", args=[big.slug]) + "?rag=amber")
    assert "100 of 100 actions match" in first.text
    following = link(first.text, "next")
    assert "rag=amber" in following and "page=2" in following
    assert len(refs(client.get(following))) == 20


@pytest.mark.parametrize(
    ("query", "expected"), [("?page=abc", 1), ("?page=-4", 1), ("?page=0", 1), ("?page=99", 5)]
)
def test_a_page_number_that_is_not_one_shows_a_page_not_an_error(
    client, board_member, synthetic_plan, query, expected
):
    big = synthetic_plan(100, slug="big")
    client.force_login(board_member)
    response = client.get(reverse("plan_overview_for", args=[big.slug]) + query)
    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_the_overview_does_not_grow_with_the_plan(client, board_member, synthetic_plan):
    """The first page of a 400-action plan is no bigger than the whole of a 50-action
    one (and far under 1 MB): the rest is on other pages."""
    fifty = synthetic_plan(50, slug="fifty")
    four_hundred = synthetic_plan(400, slug="four-hundred")
    client.force_login(board_member)
    small = client.get(reverse("plan_overview_for", args=[fifty.slug])).content
    large = client.get(reverse("plan_overview_for", args=[four_hundred.slug])).content
    assert len(large) < len(small) + 10_000
    assert len(large) < 1_000_000


def test_long_evidence_is_cut_and_the_rest_is_under_show_more(client, board_member, get_action):
    action = get_action("2.1")
    words = " ".join(f"word{n}" for n in range(400))  # about 3,000 characters
    add_entries(action, 1, words=words, first=datetime.date(2016, 1, 1))
    client.force_login(board_member)
    html = client.get(reverse("plan_overview")).text
    row = html.split('id="action-2.1"', 1)[1].split("</tr>", 1)[0]
    shown, hidden = row.split("Show more", 1)
    assert "word10 " in shown and "word399" not in shown
    assert "word399" in hidden
    assert "<details" in shown.rsplit("word10 ", 1)[1]  # the rest is in a <details>


def test_an_action_with_many_entries_shows_the_latest_and_links_to_them_all(
    client, board_member, get_action
):
    action = get_action("2.1")  # 6 entries in the seed
    add_entries(action, 40, first=datetime.date(2016, 1, 1))
    client.force_login(board_member)
    html = client.get(reverse("plan_overview")).text
    row = html.split('id="action-2.1"', 1)[1].split("</tr>", 1)[0]
    assert "43 earlier entries" in row
    earlier, latest = row.split("</details>", 1)
    assert earlier.count("<li>") == 10  # the 10 before the latest 3
    assert "Entry 27" in earlier and "Entry 26" not in earlier
    assert latest.count("<li>") == 3 and "Entry 39" in latest
    assert f'href="/actions/{action.pk}/#evidence">All 46 entries' in row


def test_in_a_plan_of_several_pages_each_action_shows_its_latest_3_and_links_to_the_rest(
    client, board_member, synthetic_plan
):
    big = synthetic_plan(100, slug="big")  # 3 entries an action
    first = Action.objects.filter(section__plan=big).order_by("section__number", "position")[0]
    add_entries(first, 5, first=datetime.date(2016, 1, 1))
    client.force_login(board_member)
    html = client.get(reverse("plan_overview_for", args=[big.slug])).text
    row = html.split(f'id="action-{first.ref}"', 1)[1].split("</tr>", 1)[0]
    assert "<details" not in row  # nothing read beyond the 3 shown
    assert row.count("<li>") == 3 and "Entry 4" in row and "Entry 1" not in row
    assert (
        f'href="/actions/{first.pk}/#evidence">5 earlier entries are on the page of action' in row
    )


# -- history a page at a time -------------------------------------------------------------


def test_only_the_changes_on_the_page_are_read_and_diffed(
    client, board_member, manager, get_action, monkeypatch
):
    from actionplan.history import feed

    action = get_action("2.3")
    for n in range(60):
        action.text = f"{action.text} More words, edit {n}."
        action._change_reason = "Reworded"
        action.save()
    diffed, read = [], []
    word_diff, records = feed.word_diff, feed._records_with_previous
    monkeypatch.setattr(feed, "word_diff", lambda *a: diffed.append(a) or word_diff(*a))
    monkeypatch.setattr(
        feed, "_records_with_previous", lambda m, ids: read.append(len(ids)) or records(m, ids)
    )
    client.force_login(board_member)
    response = client.get(reverse("action_history", args=[action.pk]))
    assert len(response.context["changes"]) == 50
    assert len(diffed) == 50 and sum(read) == 50


# -- an action's own page ---------------------------------------------------------------


def test_the_action_page_shows_the_latest_entries_and_pages_back_through_the_rest(
    client, board_member, get_action
):
    action = get_action("3.1")  # its entries in the seed are dated before these
    seed_entries = action.evidence_entries.count()
    add_entries(action, 45, first=datetime.date(2016, 1, 1))
    client.force_login(board_member)
    url = reverse("action_detail", args=[action.pk])
    first = client.get(url)
    texts = [e.text for e in first.context["entries"]]
    assert texts == [f"Entry {n}" for n in range(44, 24, -1)]  # the latest 20, latest first
    assert link(first.text, "prev") is None
    second = client.get(link(first.text, "next"))
    assert [e.text for e in second.context["entries"]] == [f"Entry {n}" for n in range(24, 4, -1)]
    third = client.get(link(second.text, "next"))
    assert len(third.context["entries"]) == 5 + seed_entries
    assert link(third.text, "next") is None
    assert client.get(link(third.text, "prev")).context["entries"][0].text == "Entry 24"
    assert link(second.text, "prev") == url + "#evidence"


@pytest.mark.parametrize("query", ["?evidence=abc", "?evidence=-1", "?evidence="])
def test_a_bad_evidence_page_shows_the_latest_entries(client, board_member, get_action, query):
    action = get_action("2.1")
    client.force_login(board_member)
    response = client.get(reverse("action_detail", args=[action.pk]) + query)
    assert response.status_code == 200
    assert len(response.context["entries"]) == 6


def test_an_evidence_page_past_the_first_entry_says_so(client, board_member, get_action):
    action = get_action("2.1")
    client.force_login(board_member)
    response = client.get(reverse("action_detail", args=[action.pk]) + "?evidence=50")
    assert response.status_code == 200
    assert "There are no entries this far back" in response.text


def test_the_action_page_lists_the_latest_ratings_and_links_to_the_rest(
    client, board_member, chair, get_action
):
    action = get_action("6.3")
    for n in range(25):
        action.rate("red" if n % 2 else "amber", f"Reason {n}", by=chair)
    client.force_login(board_member)
    html = client.get(reverse("action_detail", args=[action.pk])).text
    table = html.split('id="ratings"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="govuk-table__row">') == 21  # a heading and 20 ratings
    assert "Reason 24" in table and "Reason 4" not in table
    assert f'href="/actions/{action.pk}/history/?kind=rating">Earlier ratings' in html


def test_the_latest_ratings_and_revisions_are_the_ones_ratings_py_lists(chair, manager, get_action):
    action = get_action("4.2")  # not rated in the seed
    action.rate("red", "First", by=chair)
    action.rate("red", "Again, with a new reason", by=chair)
    action.revise_timescale("Dec 2015", "Slipped")
    action.text = action.text + " More words."
    action._change_reason = "Reworded"
    action.save()
    action.rate("green", "Done", by=chair)
    action.revise_timescale("Jan 2016", "Slipped again")
    action.rate("", "Taken back", by=chair)
    rated = get_action("2.1")  # rated in the seed, so its first record is a rating
    for each in (action, rated):
        assert latest_ratings(each, limit=100) == (rating_changes(each), False)
        assert latest_timescale_revisions(each, limit=100) == (timescale_revisions(each), False)
    assert latest_ratings(action, limit=2) == (rating_changes(action)[:2], True)
    assert latest_timescale_revisions(action, limit=1) == (timescale_revisions(action)[-1:], True)
    moment = action.history.order_by("history_date")[2].history_date
    assert latest_ratings(action, until=moment)[0] == rating_changes(action, until=moment)


# -- as at a date -------------------------------------------------------------------------


@pytest.fixture
def plan_with_a_past(synthetic_plan):
    """A 100-action plan (5 sections of 20) made in 2015."""
    with time_machine.travel(datetime.datetime(2015, 4, 1, 9, tzinfo=LONDON), tick=False):
        return synthetic_plan(100, slug="past")


def test_the_plan_as_at_a_date_is_paginated_the_same_way(client, board_member, plan_with_a_past):
    client.force_login(board_member)
    url = reverse("plan_overview_for", args=[plan_with_a_past.slug]) + "?as_at=30/09/2015"
    first = client.get(url)
    assert "As at 30 September 2015" in first.text
    assert len(refs(first)) == 20
    following = link(first.text, "next")
    assert "as_at=30%2F09%2F2015" in following and "page=2" in following
    second = client.get(following)
    assert "As at 30 September 2015" in second.text
    assert [row.section.number for row in second.context["sections"]] == [2]


def test_the_action_as_at_a_date_shows_the_latest_entries_then(
    client, board_member, plan_with_a_past
):
    action = plan_with_a_past.sections.get(number=1).actions.get(position=1)
    with time_machine.travel(datetime.datetime(2015, 6, 1, 9, tzinfo=LONDON), tick=False):
        add_entries(action, 30, first=datetime.date(2015, 6, 10))  # after the first 3
    add_entries(action, 5, words="Later", first=datetime.date(2016, 1, 1))
    client.force_login(board_member)
    response = client.get(reverse("action_detail", args=[action.pk]) + "?as_at=2015-09-30")
    then = response.context["then"]
    assert then.evidence_count == 33  # 3 from the start, 30 added in June
    assert [e.text for e in then.evidence_list] == [f"Entry {n}" for n in range(10, 30)]
    assert "The latest 20 of the 33 entries then" in response.text
    assert "Later" not in response.text


# -- the dashboard ------------------------------------------------------------------------


def test_the_dashboard_lists_the_first_overdue_actions_and_links_to_them_all(
    client, board_member, synthetic_plan
):
    big = synthetic_plan(250, slug="big")  # due in September 2015, Amber: all overdue
    client.force_login(board_member)
    html = client.get(reverse("dashboard_for", args=[big.slug])).text
    overdue = html.split('id="overdue"', 1)[1].split("<h2", 1)[0]
    assert "Overdue actions (250)" in html
    assert overdue.count("<li>") == 20
    see_all = re.search(r'href="([^"]*)">See all 250 overdue actions', overdue).group(1)
    assert see_all == f"/plans/{big.slug}/?overdue=on"
    followed = client.get(see_all)
    assert "250 of 250 actions match" in followed.text
    assert "No evidence this quarter (250)" in html
    no_evidence = html.split('id="no-evidence"', 1)[1].split("<h2", 1)[0]
    assert no_evidence.count("<li>") == 20
    assert "See all 250 actions with no evidence this quarter" in no_evidence


# -- each history row keeps its plan ----------------------------------------------------


def history_of_parts(plan):
    from actionplan.models import Action, ActionLead

    return {
        model.__name__: model.history.filter(**{path: plan.pk})
        for model, path in (
            (Action, "section__plan"),
            (ActionLead, "action__section__plan"),
            (EvidenceEntry, "action__section__plan"),
        )
    }


def test_every_history_row_of_a_plans_actions_leads_and_entries_keeps_its_plan(
    plan, get_action, chair, synthetic_plan
):
    get_action("2.1").rate("red", "No progress since June", by=chair)  # one at a time
    other = synthetic_plan(5)  # in bulk (bulk_create_with_history)
    for which in (plan, other):
        for name, records in history_of_parts(which).items():
            assert records.exists(), name
            assert set(records.values_list("plan_id", flat=True)) == {which.pk}, name
    assert Section.history.filter(plan_id=plan.pk).exists()


def test_a_quiet_plans_feed_starts_at_its_own_latest_change_not_a_busier_plans(
    client, board_member, plan, get_action, chair, synthetic_plan
):
    get_action("2.1").rate("red", "Quiet plan's last change", by=chair)
    busy = synthetic_plan(20)  # 20 actions, 40 leads and 60 entries written after it
    client.force_login(board_member)
    html = client.get(reverse("activity_for", args=[plan.slug])).text
    assert "Quiet plan&#x27;s last change" in html or "Quiet plan's last change" in html
    assert "Action 19" not in html  # (the plan picker names every plan)
    busy_html = client.get(reverse("activity_for", args=[busy.slug])).text
    assert "Quiet plan" not in busy_html


def test_the_migration_gives_the_rows_written_before_it_their_plan(plan, synthetic_plan):
    """Migration actionplan 0009 fills in plan_id for history written before it."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from actionplan.models import Attachment
    from integrity.verify import verify

    migration = importlib.import_module("actionplan.migrations.0009_history_plan_id")
    other = synthetic_plan(5)
    models = [*history_of_parts(plan).values(), *history_of_parts(other).values()]
    # As before the migration (the test database's sessions may switch the guard off).
    for records in models:
        records.model.objects.filter(pk__in=records.values("pk")).update(plan_id=None)
    Attachment.history.update(plan_id=None)
    migration.give_each_row_its_plan(apps, SimpleNamespace(connection=connection))
    for which in (plan, other):
        for name, records in history_of_parts(which).items():
            assert set(records.values_list("plan_id", flat=True)) == {which.pk}, name
    # Each row is as it was written: the hash chain still holds (integrity/).
    assert verify().intact


def test_the_migration_finds_the_plan_of_a_row_whose_parent_has_no_history(plan, get_action):
    """A parent saved without history (raw): its children's rows get its live plan."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("actionplan.migrations.0009_history_plan_id")
    action = get_action("2.1")
    entries = EvidenceEntry.history.filter(action_id=action.pk)
    assert entries.exists()
    entries.update(plan_id=None)
    Action.history.filter(id=action.pk).delete()  # as if it had never had any
    migration.give_each_row_its_plan(apps, SimpleNamespace(connection=connection))
    assert set(entries.values_list("plan_id", flat=True)) == {plan.pk}


# -- a lead's actions ---------------------------------------------------------------------


def test_a_lead_of_many_actions_gets_them_fifty_a_page_soonest_due_first(client, synthetic_plan):
    from agencies.models import Agency, Membership
    from tests.conftest import make_person

    synthetic_plan(60)
    agency = Agency.objects.order_by("pk")[1]  # leads every synthetic action
    lead = make_person("many.lead", agency, Membership.Role.AGENCY_LEAD)
    led = Action.objects.current().filter(leads__agency=agency).distinct().count()
    assert led > 50
    client.force_login(lead)
    first = client.get(reverse("my_actions"))
    assert first.text.count('href="/actions/') // 2 == 50  # the ref and "Add evidence"
    assert f"Actions 1 to 50 of {led}, soonest due first." in first.text
    second = client.get(reverse("my_actions") + link(first.text, "next"))
    assert f"Actions 51 to {led} of {led}" in second.text
    assert link(second.text, "next") is None and link(second.text, "prev") == "?page=1"
    assert client.get(reverse("my_actions") + "?page=99").status_code == 200  # the last page
