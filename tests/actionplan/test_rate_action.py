import pytest
from django.urls import reverse

from actionplan.models import Action
from tests.served import submit


def test_the_chair_rates_an_action_with_a_reason(client, chair, get_action):
    action = get_action("4.2")
    client.force_login(chair)
    response = submit(
        client,
        reverse("rate_action", args=[action.pk]),
        {"rag": "red", "reason": "No hotel training delivered"},
        follow=True,
    )
    assert "4.2 is now rated Red." in response.text
    action.refresh_from_db()
    assert (action.rag, action.rag_reason, action.rated_by) == (
        "red",
        "No hotel training delivered",
        chair,
    )
    record = action.history.latest()
    assert (record.history_user_id, record.history_user_name) == (chair.pk, "Chair Tester")
    assert record.history_change_reason == "No hotel training delivered"


def test_the_rating_page_shows_the_current_rating_and_last_reason(client, chair, get_action):
    action = get_action("2.1")
    action.rate("amber", "Gap with BME communities remains")
    client.force_login(chair)
    response = client.get(reverse("rate_action", args=[action.pk]))
    assert "Current rating" in response.text and "Amber" in response.text
    assert "Gap with BME communities remains" in response.text
    for word in ("Red", "Amber", "Green", "Blue", "Not rated"):
        assert f">{word}" in response.text or f"> {word}" in response.text or word in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rag": "red", "reason": ""}, "Enter the reason for this rating"),
        ({"rag": "red", "reason": "   "}, "Enter the reason for this rating"),
        ({"reason": "Because"}, "Select a rating"),
        ({"rag": "purple", "reason": "Because"}, "Select a rating from the list"),
        ({"rag": "red", "reason": "x" * 2001}, "Reason must be 2,000 characters or fewer"),
    ],
)
def test_bad_ratings_get_a_specific_error_and_change_nothing(
    client, chair, get_action, data, message
):
    action = get_action("4.2")
    client.force_login(chair)
    response = submit(client, reverse("rate_action", args=[action.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert Action.objects.get(pk=action.pk).rag == ""
    assert action.history.count() == 1


def test_not_rated_can_be_chosen_with_a_reason(client, chair, get_action):
    action = get_action("1.1")
    client.force_login(chair)
    submit(
        client, reverse("rate_action", args=[action.pk]), {"rag": "none", "reason": "Re-baselined"}
    )
    action.refresh_from_db()
    assert action.rag == ""


@pytest.mark.parametrize("who", ["awaken_lead", "police_lead", "manager", "board_member"])
def test_only_the_chair_can_rate_and_a_forged_post_changes_nothing(
    client, request, get_action, who
):
    action = get_action("3.1")
    client.force_login(request.getfixturevalue(who))
    response = submit(
        client, reverse("rate_action", args=[action.pk]), {"rag": "red", "reason": "x"}
    )
    assert response.status_code == 403
    assert Action.objects.get(pk=action.pk).rag == "amber"
    assert action.history.count() == 1


def test_rating_an_action_that_does_not_exist_is_404(client, chair):
    client.force_login(chair)
    assert client.get(reverse("rate_action", args=[999999])).status_code == 404
