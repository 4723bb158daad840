"""The chair's digest of evidence to review, the day before each deadline: the actions
with evidence added since the chair last rated them, with links, and no evidence text."""

import datetime

import pytest

from actionplan.models import EvidenceEntry
from agencies.models import Agency
from notifications.models import ReportingCalendar

from .conftest import SITE, html, london, text


@pytest.fixture
def people(addressed, chair, awaken_lead, police_lead):
    addressed(chair, awaken_lead, police_lead)
    return chair, awaken_lead, police_lead


def record(get_action, ref, slug, by, words="A detail the chair reads in the service"):
    return EvidenceEntry.record(
        get_action(ref),
        text=words,
        activity_date=datetime.date(2041, 8, 1),
        agency=Agency.objects.get(slug=slug),
        by=by,
    )


def test_the_chair_gets_the_actions_with_evidence_added_since_their_last_rating(
    mail_server, send, people, get_action, time_machine
):
    chair, awaken_lead, police_lead = people
    time_machine.move_to(london(2041, 9, 20, 10, 0), tick=False)
    record(get_action, "3.1", "awaken", awaken_lead)
    record(get_action, "3.1", "awaken", awaken_lead)
    record(get_action, "4.1", "lancashire-police", police_lead)
    record(get_action, "2.2", "lancashire-police", police_lead)
    time_machine.move_to(london(2041, 9, 21, 10, 0), tick=False)
    get_action("2.2").rate("green", "Media strategy agreed", by=chair)

    send(at=london(2041, 9, 29, 8, 30))

    [digest] = mail_server.to("chair@example.org")
    assert digest["Subject"] == (
        "[OFFICIAL-SENSITIVE] Evidence to review before 30 September 2041: 2 actions in the "
        "CSE Operational Action Plan"
    )
    body = text(digest)
    assert "since the quarter began on 1 July 2041" in body
    assert "3.1 Ensure that Blackpool's Multi Agency CSE team" in body
    assert "2 new entries from Awaken. Rated Amber." in body
    assert "4.1 Develop and implement multi agency processes" in body
    assert "1 new entry from Lancashire Police." in body
    assert "2.2 " not in body  # rated after its evidence came in
    action = get_action("3.1")
    assert f"Read it: {SITE}/actions/{action.pk}/" in body
    assert f"Rate it: {SITE}/actions/{action.pk}/rate/" in body
    assert f'<a href="{SITE}/actions/{action.pk}/rate/">Rate 3.1</a>' in html(digest)
    assert "A detail the chair reads" not in digest.as_string()
    # The leads get their reminders, never the digest.
    digests = [m for m in mail_server.messages if "Evidence to review" in m["Subject"]]
    assert digests == [digest]


def test_no_digest_without_new_evidence_and_only_one_per_deadline(
    mail_server, send, people, get_action
):
    chair, awaken_lead, _ = people

    send(at=london(2041, 9, 29, 9, 0))
    assert mail_server.to("chair@example.org") == []

    record(get_action, "3.1", "awaken", awaken_lead)
    send(at=london(2041, 9, 29, 12, 0))
    send(at=london(2041, 9, 29, 12, 15))
    assert len(mail_server.to("chair@example.org")) == 1


def test_the_digest_goes_when_the_plan_says(
    mail_server, send, people, get_action, plan, time_machine
):
    _, awaken_lead, _ = people
    time_machine.move_to(london(2041, 9, 20, 10, 0), tick=False)
    ReportingCalendar(plan=plan).change(
        quarter_ends=True, other_dates=[], reminder_days="14, 3", review_days=0, reason="Test"
    )
    record(get_action, "3.1", "awaken", awaken_lead)

    send(at=london(2041, 9, 29, 12, 0))
    assert mail_server.to("chair@example.org") == []
    send(at=london(2041, 9, 30, 8, 0))
    assert len(mail_server.to("chair@example.org")) == 1
