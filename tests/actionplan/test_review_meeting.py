"""The chair's review meeting, their landing page, what the ratings mean, and the
landing page of each role: through the pages as they are served."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Action, EvidenceEntry, Rag
from reporting.pack import pack_context
from reporting.rendering import render_pack_html
from tests.served import submit

pytestmark = pytest.mark.django_db


def start_url(plan):
    return reverse("review_start", args=[plan.slug])


def review_url(plan, action, review_set="all"):
    return reverse("review_action", args=[plan.slug, action.pk]) + f"?set={review_set}"


def in_order(plan):
    return list(Action.objects.in_plan(plan).order_by("section__number", "position"))


def add_evidence(action, text, by=None):
    return EvidenceEntry.record(
        action,
        text=text,
        activity_date=timezone.localdate(),
        agency=action.leads.first().agency,
        by=by,
    )


# -- landing pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("chair", "review_start"),
        ("awaken_lead", "my_actions"),
        ("manager", "plan_overview"),
        ("board_member", "plan_overview"),
    ],
)
def test_each_person_lands_on_their_first_screen_after_signing_in(
    client, plan, request, who, lands_on
):
    person = request.getfixturevalue(who)
    person.set_password("a long enough password 2026")
    person.save()
    response = client.post(
        reverse("login"), {"username": person.username, "password": "a long enough password 2026"}
    )
    assert response.status_code == 302
    landed = client.get(response["Location"])
    args = [plan.slug] if lands_on == "review_start" else []
    assert landed.status_code == 302 and landed["Location"] == reverse(lands_on, args=args)


def test_the_chairs_landing_page_puts_new_evidence_unrated_and_overdue_red_amber_first(
    client, plan, chair, awaken_lead, get_action
):
    rated = get_action("3.1")
    rated.rate(Rag.GREEN, "On track", by=chair)
    add_evidence(rated, "Audit completed after the rating", by=awaken_lead)
    unrated = get_action("1.1")
    unrated.rag, unrated.rag_reason = "", ""
    unrated._change_reason = "Rating taken away for the test"
    unrated.save()
    late = get_action("2.1")
    late.rate(Rag.RED, "Stalled", by=chair)
    Action.objects.filter(pk=late.pk).update(due_date=datetime.date(2015, 1, 31))

    client.force_login(chair)
    page = client.get(start_url(plan)).content.decode()

    new_evidence = page.split('id="new-evidence"')[1].split('id="not-rated"')[0]
    never_rated = page.split('id="not-rated"')[1].split('id="overdue"')[0]
    overdue = page.split('id="overdue"')[1].split("Start the review meeting")[0]
    assert review_url(plan, rated, "new-evidence") in new_evidence
    assert review_url(plan, unrated, "not-rated") in never_rated
    assert review_url(plan, late, "red-amber") in overdue
    assert review_url(plan, rated, "new-evidence") not in never_rated + overdue


@pytest.mark.parametrize("who", ["awaken_lead", "police_lead", "manager", "board_member"])
def test_only_the_chair_of_the_plan_holds_the_review_meeting(client, plan, request, who):
    client.force_login(request.getfixturevalue(who))
    first = in_order(plan)[0]
    assert client.get(start_url(plan)).status_code == 403
    assert client.get(review_url(plan, first)).status_code == 403
    response = client.post(review_url(plan, first), {"rag": "green", "reason": "Forged"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.rag_reason != "Forged"


# -- the review, action by action --------------------------------------------------------


def test_save_and_next_rates_the_action_and_opens_the_next_one(client, plan, chair):
    first, second = in_order(plan)[:2]
    client.force_login(chair)
    page = client.get(review_url(plan, first)).content.decode()
    assert "Review meeting: Every action — action 1 of 19" in page
    assert "Save and go to the next action" in page

    response = submit(client, review_url(plan, first), {"rag": "green", "reason": "Good work"})

    assert response.status_code == 302
    assert response["Location"] == review_url(plan, second)
    first.refresh_from_db()
    assert (first.rag, first.rag_reason, first.rated_by) == (Rag.GREEN, "Good work", chair)
    following = client.get(response["Location"]).content.decode()
    assert f"{first.ref} is now rated Green." in following
    assert f"Action {second.ref}" in following


def test_skip_goes_to_the_next_action_and_saves_nothing(client, plan, chair):
    first, second = in_order(plan)[:2]
    client.force_login(chair)
    before = first.history.count()
    page = client.get(review_url(plan, first)).content.decode()
    skip = f'href="{review_url(plan, second)}"'.replace("&", "&amp;")
    assert skip in page and "Skip this action" in page
    assert first.history.count() == before


def test_in_the_not_rated_set_rating_one_goes_on_to_the_next_unrated(client, plan, chair):
    actions = in_order(plan)
    for action in (actions[0], actions[4]):
        action.rag, action.rag_reason = "", ""
        action._change_reason = "Unrated for the test"
        action.save()
    unrated = [a for a in in_order(plan) if not a.rag]
    assert unrated[0] == actions[0] and actions[4] in unrated
    client.force_login(chair)

    url = review_url(plan, unrated[0], "not-rated")
    for following in [*unrated[1:], None]:
        response = submit(client, url, {"rag": "amber", "reason": "At risk"})
        url = response["Location"]
        assert url == (review_url(plan, following, "not-rated") if following else start_url(plan))

    assert not Action.objects.in_plan(plan).not_rated().exists()
    end = client.get(url).content.decode()
    assert "That was the last action of “Not rated”." in end


def test_a_missing_reason_keeps_the_chair_on_the_action_with_a_clear_error(client, plan, chair):
    first = in_order(plan)[0]
    client.force_login(chair)
    response = submit(client, review_url(plan, first), {"rag": "red", "reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for this rating" in response.content.decode()
    first.refresh_from_db()
    assert first.rag != Rag.RED or first.rag_reason != ""


def test_the_screen_shows_the_evidence_since_the_last_rating_only(
    client, plan, chair, awaken_lead, get_action
):
    action = get_action("3.1")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
        add_evidence(action, "Before the rating", by=awaken_lead)
        action.rate(Rag.AMBER, "Waiting for the audit", by=chair)
    add_evidence(action, "Audit report received", by=awaken_lead)
    client.force_login(chair)
    page = client.get(review_url(plan, action)).content.decode()
    since = page.split("Evidence since the last rating")[1]
    assert "Audit report received" in since
    assert "Before the rating" not in since
    assert "Waiting for the audit" in page


def test_an_edit_made_meanwhile_is_not_overwritten(client, plan, chair):
    first = in_order(plan)[0]
    client.force_login(chair)
    url = review_url(plan, first)
    stale = client.get(url)  # the form as the chair opened it
    first.rate(Rag.BLUE, "Completed, said someone else", by=chair)
    from tests.served import hidden_fields

    response = client.post(url, {**hidden_fields(stale.content), "rag": "red", "reason": "Mine"})
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.rag == Rag.BLUE


def test_after_rating_the_action_page_offers_the_next_action_to_the_chair_only(
    client, plan, chair, board_member
):
    first, second = in_order(plan)[:2]
    url = reverse("action_detail", args=[first.pk])
    client.force_login(chair)
    assert reverse("rate_action", args=[second.pk]) in client.get(url).content.decode()
    client.force_login(board_member)
    assert reverse("rate_action", args=[second.pk]) not in client.get(url).content.decode()


# -- what the ratings mean ---------------------------------------------------------------


def test_the_manager_sets_what_the_ratings_mean_and_everyone_sees_it(
    client, plan, manager, chair, board_member
):
    url = reverse("rag_definitions", args=[plan.slug])
    client.force_login(manager)
    response = submit(
        client,
        url,
        {
            "red_means": "Off track: the board must act",
            "amber_means": "At risk of missing the date",
            "green_means": "On track",
            "blue_means": "Done and evidenced",
            "reason": "Agreed at the Priority Group",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.history.latest().history_change_reason == "Agreed at the Priority Group"

    client.force_login(chair)
    rating_form = client.get(reverse("rate_action", args=[in_order(plan)[0].pk])).content
    assert "Off track: the board must act" in rating_form.decode()
    client.force_login(board_member)
    for page in ("plan_overview_for", "dashboard_for"):
        html = client.get(reverse(page, args=[plan.slug])).content.decode()
        assert "What the ratings mean" in html and "Done and evidenced" in html
        assert url not in html  # only the owner's chair and the manager may change it
    pack = render_pack_html(pack_context(plan, timezone.localdate()))
    assert "Blue, done and evidenced" in pack


def test_the_meanings_need_words_and_a_reason(client, plan, manager):
    url = reverse("rag_definitions", args=[plan.slug])
    client.force_login(manager)
    response = submit(client, url, {"red_means": "", "reason": ""})
    html = response.content.decode()
    assert "Enter what Red means" in html and "Enter why the meanings are changing" in html
    plan.refresh_from_db()
    assert plan.red_means == "Off track: needs the board's help"


@pytest.mark.parametrize("who", ["awaken_lead", "police_lead", "board_member"])
def test_only_the_owner_or_the_manager_changes_what_ratings_mean(client, plan, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("rag_definitions", args=[plan.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"red_means": "x", "reason": "y"}).status_code == 403


# -- reconstruction notes ----------------------------------------------------------------


def test_reconstructed_titles_and_the_load_are_said_once_not_on_every_heading(
    client, plan, board_member
):
    client.force_login(board_member)
    overview = client.get(reverse("plan_overview_for", args=[plan.slug])).content.decode()
    assert "(title reconstructed)" not in overview
    assert overview.count("loaded from its Word document") == 1
    activity = client.get(reverse("activity_for", args=[plan.slug])).content.decode()
    assert "Loaded from the seed plan" not in activity


def test_ratings_carried_over_from_the_word_plan_are_not_flagged_for_the_evidence_loaded_with_them(
    client, plan, chair
):
    carried_over = Action.objects.in_plan(plan).exclude(rag="").filter(rated_at=None)
    assert carried_over.exists()
    assert not Action.objects.in_plan(plan).with_new_evidence_since_rating().exists()
    client.force_login(chair)
    page = client.get(start_url(plan)).content.decode()
    assert "New evidence since the last rating <span" in page
    assert "(0)" in page.split('id="new-evidence"')[1].split("</h2>")[0]
