"""Rated Red, or a rating made worse: the leads of that action's agencies are told, with
the reason, once; nobody else, and nothing for a better rating."""

import pytest

from notifications.models import OutboxMessage

from .conftest import SITE, london, text


@pytest.fixture
def people(addressed, chair, awaken_lead, police_lead, manager, send):
    addressed(chair, awaken_lead, police_lead, manager)
    # The sender has been running since before these ratings.
    send(at=london(2041, 8, 3, 9, 0))
    return chair, awaken_lead, police_lead


def test_the_leads_of_an_action_rated_red_are_told_why_once(
    mail_server, send, people, get_action, time_machine
):
    chair, _, _ = people
    time_machine.move_to(london(2041, 8, 3, 10, 0), tick=False)
    get_action("3.1").rate("red", "No integrated process yet; escalate to the board", by=chair)

    send(at=london(2041, 8, 3, 10, 15))
    send(at=london(2041, 8, 3, 10, 30))

    [alert] = mail_server.messages
    assert alert["To"] == "awaken.lead@example.org"  # 3.1 is led by Awaken alone
    assert alert["Subject"] == "[OFFICIAL-SENSITIVE] Action 3.1 rated Red (was Amber)"
    body = text(alert)
    assert "has been rated Red (it was Amber) by Chair Tester on 3 August 2041." in body
    assert "The reason given:\nNo integrated process yet; escalate to the board" in body
    assert f"See the action: {SITE}/actions/{get_action('3.1').pk}/" in body


def test_a_rating_made_worse_is_reported_and_a_better_one_is_not(
    mail_server, send, people, get_action, time_machine
):
    chair, _, _ = people
    time_machine.move_to(london(2041, 8, 3, 10, 0), tick=False)
    get_action("2.2").rate("amber", "The strategy has stalled", by=chair)  # was Green
    get_action("2.1").rate("green", "Community events delivered", by=chair)  # was Amber

    send(at=london(2041, 8, 3, 10, 15))

    [alert] = mail_server.messages
    assert alert["To"] == "police.lead@example.org"
    assert alert["Subject"] == "[OFFICIAL-SENSITIVE] Action 2.2 rated Amber (was Green)"
    assert "The strategy has stalled" in text(alert)


def test_an_action_led_by_two_agencies_tells_both_leads(
    mail_server, send, people, get_action, time_machine
):
    chair, _, _ = people
    time_machine.move_to(london(2041, 8, 3, 10, 0), tick=False)
    get_action("4.1").rate("red", "No perpetrator mapping", by=chair)

    send(at=london(2041, 8, 3, 10, 15))

    assert sorted(m["To"] for m in mail_server.messages) == [
        "awaken.lead@example.org",
        "police.lead@example.org",
    ]


def test_a_red_rating_replaced_before_the_sender_ran_is_not_reported(
    mail_server, send, people, get_action, time_machine
):
    chair, _, _ = people
    time_machine.move_to(london(2041, 8, 3, 10, 0), tick=False)
    action = get_action("3.1")
    action.rate("red", "Wrong action", by=chair)
    time_machine.move_to(london(2041, 8, 3, 10, 1), tick=False)
    action.rate("amber", "Meant for 3.2: back to Amber", by=chair)

    send(at=london(2041, 8, 3, 10, 15))

    assert mail_server.messages == []


def test_ratings_made_before_the_sender_first_ran_are_not_reported(
    mail_server, send, addressed, awaken_lead, chair, get_action, time_machine
):
    addressed(awaken_lead)
    time_machine.move_to(london(2041, 8, 3, 10, 0), tick=False)
    get_action("3.1").rate("red", "Before email was switched on", by=chair)

    send(at=london(2041, 8, 3, 10, 15))

    assert mail_server.messages == []
    assert not OutboxMessage.objects.exists()
