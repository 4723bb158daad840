"""History you can trust: field-level changes, the activity feed and completeness."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.history import rating_changes, word_diff
from actionplan.models import Action, ActionLead, EvidenceEntry, Section
from agencies.models import Agency
from tests.served import submit


def history_page(client, action, query=""):
    return client.get(reverse("action_history", args=[action.pk]) + query)


def test_a_rating_change_shows_old_and_new_who_with_their_agency_and_why(
    client, chair, board_member, get_action
):
    action = get_action("2.1")
    client.force_login(chair)
    submit(client, reverse("rate_action", args=[action.pk]), {"rag": "red", "reason": "BME gap"})
    client.force_login(board_member)
    response = history_page(client, action)
    [change] = [c for c in response.context["changes"] if c.kind == "rating"]
    assert change.summary == "Rated Red"
    assert change.who == "Chair Tester"
    assert change.who_agencies == ["Blackpool CSE Priority Group"]
    assert change.reason == "BME gap"
    rating = next(f for f in change.fields if f.label == "RAG rating")
    assert (rating.old, rating.new) == ("Amber", "Red")
    assert "Amber" in response.text and "BME gap" in response.text


def test_lead_changes_show_names_not_ids(client, manager, get_action):
    action = get_action("2.2")
    licensing = Agency.objects.get(slug="licensing")
    action.set_leads([(licensing, None)], reason="Licensing takes the lead")
    client.force_login(manager)
    summaries = [c.summary for c in history_page(client, action).context["changes"]]
    assert "Lead added: Licensing (Local Authority)" in summaries
    assert "Lead removed: Corporate Comms, Lancashire Police" in summaries


def test_timescale_and_dates_are_readable(client, manager, get_action):
    action = get_action("4.2")
    action.revise_timescale("Dec 2015", "Training moved")
    client.force_login(manager)
    [change] = [c for c in history_page(client, action).context["changes"] if c.kind == "timescale"]
    fields = {f.label: (f.old, f.new) for f in change.fields}
    assert fields["Timescale"] == ("July 2015", "Dec 2015")
    assert fields["Target date"] == ("31 July 2015", "31 December 2015")
    assert change.reason == "Training moved"


def test_long_text_is_shown_as_a_word_diff(client, manager, get_action):
    action = get_action("2.3")
    action.text = action.text.replace("all education", "every school, college")
    action._change_reason = "Clearer wording"
    action.save()
    client.force_login(manager)
    [change] = [c for c in history_page(client, action).context["changes"] if c.kind == "action"][
        :1
    ]
    [text] = [f for f in change.fields if f.label == "Action"]
    assert ("delete", "all education") in text.diff
    assert ("insert", "every school, college") in text.diff


def test_word_diff():
    assert word_diff("a b c", "a x c") == [
        ("equal", "a"),
        ("delete", "b"),
        ("insert", "x"),
        ("equal", "c"),
    ]


def test_evidence_changes_and_withdrawals_are_on_the_action_history(
    client, awaken_lead, get_action
):
    action = get_action("3.1")
    client.force_login(awaken_lead)
    client.post(
        reverse("add_evidence", args=[action.pk]),
        {"text": "Parents' group", "activity_date": "02/11/2015"},
    )
    entry = action.evidence_entries.get(recorded_by=awaken_lead)
    submit(client, reverse("withdraw_evidence", args=[entry.pk]), {"reason": "Duplicate"})
    changes = history_page(client, action, "?kind=evidence").context["changes"]
    assert [c.summary for c in changes][:2] == ["Evidence withdrawn", "Evidence added"]
    assert changes[0].reason == "Duplicate"
    assert changes[1].who_agencies == ["Awaken"]
    assert all(c.kind == "evidence" for c in changes)


def test_the_activity_feed_filters_by_person_agency_section_kind_and_dates(
    client, chair, awaken_lead, board_member, get_action, plan
):
    client.force_login(chair)
    submit(
        client, reverse("rate_action", args=[get_action("6.3").pk]), {"rag": "red", "reason": "x"}
    )
    client.force_login(awaken_lead)
    client.post(
        reverse("add_evidence", args=[get_action("3.1").pk]),
        {"text": "Drop-in", "activity_date": "02/11/2015"},
    )
    client.force_login(board_member)

    def feed(query):
        return client.get(reverse("activity") + query).context["changes"]

    assert [c.summary for c in feed(f"?person={chair.pk}")] == ["Rated Red"]
    awaken = Agency.objects.get(slug="awaken")
    assert [c.summary for c in feed(f"?agency={awaken.pk}")] == ["Evidence added"]
    section3 = plan.sections.get(number=3)
    assert {c.ref for c in feed(f"?section={section3.pk}")} == {"3.1", "3.2", "Section 3"}
    assert {c.kind for c in feed("?kind=rating")} == {"rating"}
    today = datetime.date.today().strftime("%d/%m/%Y")
    assert len(feed(f"?start={today}&end={today}&kind=rating")) == 1
    response = client.get(reverse("activity") + "?start=02/01/2016&end=01/01/2016")
    assert "To must be the same as or after From" in response.text


def links(html, rel):
    """The href of the pagination link rel="prev" (Newer) or rel="next" (Older)."""
    found = re.findall(rf'href="([^"]*)" rel="{rel}"', html)
    return found[0].replace("&amp;", "&") if found else None


def test_the_activity_feed_is_paginated_and_linkable(client, board_member):
    client.force_login(board_member)
    first = client.get(reverse("activity"))
    assert len(first.context["changes"]) == 50
    assert links(first.text, "prev") is None  # the newest changes: nothing newer
    older = links(first.text, "next")
    assert older.startswith("/activity/?before=")
    second = client.get(older)
    seen = {(c.when, c.ref, c.summary) for c in first.context["changes"]}
    assert not seen & {(c.when, c.ref, c.summary) for c in second.context["changes"]}
    assert second.context["changes"][0].when <= first.context["changes"][-1].when
    # Newer, from the second page, is the first page again; the address is the page.
    back = client.get(links(second.text, "prev"))
    assert [c.summary for c in back.context["changes"]] == [
        c.summary for c in first.context["changes"]
    ]
    again = client.get(older).context["changes"]
    assert [(c.when, c.summary) for c in again] == [
        (c.when, c.summary) for c in second.context["changes"]
    ]
    assert "Back to the newest changes" in second.text


def test_filters_stay_in_the_pagination_links(client, board_member):
    client.force_login(board_member)
    first = client.get(reverse("activity") + "?kind=evidence")
    older = links(first.text, "next")
    assert "kind=evidence" in older and "before=" in older
    assert {c.kind for c in client.get(older).context["changes"]} == {"evidence"}


def test_every_change_is_on_exactly_one_page_walking_back_and_forth(
    client, board_member, chair, get_action
):
    """Changes at the same moment (the plan was loaded in one go) are not lost or
    repeated at a page boundary, whichever table they come from."""
    action = get_action("3.1")
    for n in range(3):
        action.rate("red" if n % 2 else "amber", f"Reason {n}", by=chair)
    client.force_login(board_member)
    pages, url = [], reverse("activity")
    while url:
        response = client.get(url)
        pages.append(response)
        url = links(response.text, "next")
    walked = [(c.when, c.kind, c.ref, c.summary) for p in pages for c in p.context["changes"]]
    assert len(walked) == len(set(walked)) > 100  # the loaded plan's own records
    assert walked == sorted(walked, key=lambda change: change[0], reverse=True)
    back, url = [], links(pages[-1].text, "prev")
    while url:
        response = client.get(url)
        back.insert(0, response)
        url = links(response.text, "prev")
    assert [c.summary for p in back for c in p.context["changes"]] == [
        c.summary for p in pages[:-1] for c in p.context["changes"]
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?before=yesterday",
        "?before=2015-09-30T09:00:00Z,nonsense,1",
        "?after=2015-09-30T09:00:00,action,1",  # no time zone
        "?before=9999-99-99T00:00:00Z,action,1",
        "?before=2999-09-30T09:00:00Z,action,99999999999999999999999",
        "?before=2999-09-30T09:00:00Z,action,-5",
        "?before=,,",
        "?page=2",  # the old numbered pages: the newest page
    ],
)
def test_a_bad_page_address_shows_the_newest_changes_not_an_error(client, board_member, query):
    client.force_login(board_member)
    response = client.get(reverse("activity") + query)
    assert response.status_code == 200
    assert len(response.context["changes"]) == 50
    assert response.context["page"].is_newest


def test_a_page_past_the_oldest_change_says_so_and_links_to_the_newest(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("activity") + "?before=2000-01-01T00:00:00Z,action,1")
    assert response.status_code == 200
    assert "No more changes." in response.text
    assert "Back to the newest changes" in response.text


def test_an_actions_history_is_paginated_the_same_way(client, board_member, chair, get_action):
    action = get_action("2.1")
    for n in range(60):
        action.rate("red" if n % 2 else "amber", f"Reason {n}", by=chair)
    client.force_login(board_member)
    first = client.get(reverse("action_history", args=[action.pk]))
    assert [c.reason for c in first.context["changes"][:2]] == ["Reason 59", "Reason 58"]
    second = client.get(links(first.text, "next"))
    assert second.context["changes"][0].reason == "Reason 9"
    assert links(second.text, "next") is None or "before=" in links(second.text, "next")
    assert all(c.ref == "2.1" for c in second.context["changes"])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_history_page_and_feed_need_as_many_queries_for_few_changes_as_for_many(
    client, board_member, chair, get_action
):
    client.force_login(board_member)
    few, many = get_action("1.1"), get_action("3.1")
    many.rate("red", "First", by=chair)
    feed_with_one = queries_for(client, reverse("activity") + "?kind=rating")
    for n in range(12):
        many.rate("red" if n % 2 else "amber", f"Reason {n}", by=chair)
    assert queries_for(client, reverse("activity") + "?kind=rating") == feed_with_one
    assert queries_for(client, reverse("action_history", args=[few.pk])) == queries_for(
        client, reverse("action_history", args=[many.pk])
    )


def test_n_edits_through_the_views_make_exactly_n_history_records_with_user_and_reason(
    client, chair, awaken_lead, manager, get_action
):
    def counts():
        return sum(m.history.count() for m in (Action, ActionLead, EvidenceEntry, Section))

    before = counts()
    action = get_action("3.1")
    client.force_login(chair)
    for rag in ("red", "amber", "green"):
        submit(
            client, reverse("rate_action", args=[action.pk]), {"rag": rag, "reason": f"Now {rag}"}
        )
    client.force_login(awaken_lead)
    for n in range(3):
        client.post(
            reverse("add_evidence", args=[action.pk]),
            {"text": f"Step {n}", "activity_date": "01/10/2015"},
        )
    client.force_login(manager)
    submit(
        client,
        reverse("edit_action", args=[action.pk]),
        {
            "text": action.text,
            "outcomes": action.outcomes,
            "leads": [f"agency:{action.leads.get().agency_id}"],
            "timescale": "Dec 2015",
            "timescale_reason": "Slipped",
        },
    )
    assert counts() - before == 7
    rating_records = Action.history.filter(id=action.pk).order_by("-history_date")[:4]
    for record in rating_records:
        assert record.history_user_id is not None
        assert record.history_change_reason
    entries = EvidenceEntry.history.filter(action_id=action.pk, history_user_id=awaken_lead.pk)
    assert entries.count() == 3


def test_a_person_who_is_deleted_keeps_their_name_on_every_history_row(client, chair, get_action):
    action = get_action("7.3")
    client.force_login(chair)
    submit(
        client, reverse("rate_action", args=[action.pk]), {"rag": "green", "reason": "Delivered"}
    )
    chair.delete()  # people should be deactivated, but if a user row goes anyway...
    record = action.history.latest()
    assert (record.history_user_name, record.history_change_reason) == ("Chair Tester", "Delivered")
    assert [c["by"] for c in rating_changes(action)][0] == "Chair Tester"


def test_a_filter_that_matches_nobody_shows_no_changes_not_an_error(client, board_member):
    nobody = Agency.objects.create(slug="empty-agency", name="An agency with no members")
    client.force_login(board_member)
    response = client.get(reverse("activity") + f"?agency={nobody.pk}")
    assert response.status_code == 200
    assert "No changes match." in response.text
    assert 'rel="next"' not in response.text
