"""Reminders that an update is due: the right agency leads, the right actions, on the
right days, once. Sent through a real SMTP server; time moved with time-machine.

The financial quarter Q2 2041/42 ends on 30 September 2041: reminders 14 days before
(16 September) and 3 days before (27 September), from 8 in the morning. The seed plan's
evidence has no dates, so every action starts the quarter without evidence."""

import datetime

import pytest

from actionplan.models import EvidenceEntry
from agencies.models import Agency
from notifications.models import EmailPreference, OutboxMessage, ReportingCalendar
from reporting.models import BoardPack

from .conftest import SITE, html, london, text

AWAKEN_ACTIONS = ["2.1", "3.1", "4.1", "4.2"]
POLICE_ACTIONS = ["2.2", "4.1", "6.1", "6.2", "7.6"]


@pytest.fixture
def leads(addressed, awaken_lead, police_lead, chair, manager, board_member):
    addressed(awaken_lead, police_lead, chair, manager, board_member)
    return awaken_lead, police_lead


def listed_refs(message):
    """The refs of the actions a reminder lists, in order (one per 'Add evidence' link)."""
    body = text(message)
    return [
        line.split(" ", 1)[0]
        for line in body.splitlines()
        if line[:1].isdigit() and "." in line.split(" ", 1)[0]
    ]


def add_evidence(get_action, ref, agency_slug, on, by=None):
    entry = EvidenceEntry.record(
        get_action(ref),
        text="Secret detail only Awaken should see",
        activity_date=on,
        agency=Agency.objects.get(slug=agency_slug),
        by=by,
    )
    return entry


def test_each_agency_lead_is_reminded_14_days_before_the_quarter_ends_of_their_actions(
    mail_server, send, leads, get_action
):
    awaken_lead, police_lead = leads

    send(at=london(2041, 9, 16, 9, 0))

    assert sorted(m["To"] for m in mail_server.messages) == [
        "awaken.lead@example.org",
        "police.lead@example.org",
    ]
    [awaken] = mail_server.to("awaken.lead@example.org")
    assert awaken["Subject"] == (
        "[OFFICIAL-SENSITIVE] Update due by 30 September 2041: 4 actions in the "
        "CSE Operational Action Plan"
    )
    assert awaken["From"] == "Action plan tracker <plans@example.org>"
    assert listed_refs(awaken) == AWAKEN_ACTIONS
    body = text(awaken)
    assert body.startswith("OFFICIAL-SENSITIVE\n")
    assert "Dear Awaken Tester," in body
    assert "is due by 30 September 2041 (in 14 days)" in body
    assert "have no evidence since the quarter began on 1 July 2041" in body
    for ref in AWAKEN_ACTIONS:
        link = f"{SITE}/actions/{get_action(ref).pk}/evidence/new/"
        assert f"Add evidence: {link}" in body
        assert f'<a href="{link}">Add evidence to {ref}</a>' in html(awaken)
    assert "3.1 Ensure that Blackpool's Multi Agency CSE team has implemented" in body
    assert f"{SITE}/my-actions/" in body
    [police] = mail_server.to("police.lead@example.org")
    assert listed_refs(police) == POLICE_ACTIONS


def test_running_again_that_day_the_next_day_or_on_a_second_machine_sends_nothing_more(
    mail_server, send, leads
):
    send(at=london(2041, 9, 16, 9, 0))
    send(at=london(2041, 9, 16, 9, 15))
    send(at=london(2041, 9, 17, 9, 0))
    send(at=london(2041, 9, 26, 23, 59))

    assert len(mail_server.messages) == 2
    assert OutboxMessage.objects.filter(status="sent").count() == 2


def test_the_3_day_reminder_leaves_out_actions_updated_since_the_first(
    mail_server, send, leads, get_action
):
    awaken_lead, _ = leads
    send(at=london(2041, 9, 16, 9, 0))
    add_evidence(get_action, "3.1", "awaken", datetime.date(2041, 9, 20), by=awaken_lead)

    send(at=london(2041, 9, 27, 8, 0))

    first, second = mail_server.to("awaken.lead@example.org")
    assert listed_refs(first) == AWAKEN_ACTIONS
    assert listed_refs(second) == ["2.1", "4.1", "4.2"]
    assert "Update due by 30 September 2041: 3 actions" in second["Subject"]
    assert "(in 3 days)" in text(second)
    assert len(mail_server.to("police.lead@example.org")) == 2


def test_nothing_is_sent_before_8_in_the_morning_or_before_the_first_reminder(
    mail_server, send, leads
):
    send(at=london(2041, 9, 15, 12, 0))
    send(at=london(2041, 9, 16, 7, 59))

    assert mail_server.messages == []
    assert not OutboxMessage.objects.exists()


def test_a_lead_with_nothing_outstanding_gets_nothing(mail_server, send, leads, get_action):
    awaken_lead, _ = leads
    for ref in AWAKEN_ACTIONS:
        add_evidence(get_action, ref, "awaken", datetime.date(2041, 7, 1), by=awaken_lead)

    send(at=london(2041, 9, 16, 9, 0))

    assert [m["To"] for m in mail_server.messages] == ["police.lead@example.org"]


def test_evidence_counts_from_the_day_after_the_last_issued_pack(
    mail_server, send, leads, get_action, plan
):
    awaken_lead, _ = leads
    BoardPack(
        plan=plan,
        period_label="July 2041",
        as_at=datetime.date(2041, 7, 31),
        since_date=datetime.date(2041, 6, 30),
        issued_by_name="Manager Tester",
        pdf=b"%PDF-1.7 test",
    ).save()
    add_evidence(get_action, "3.1", "awaken", datetime.date(2041, 7, 15), by=awaken_lead)
    add_evidence(get_action, "4.2", "awaken", datetime.date(2041, 8, 1), by=awaken_lead)

    send(at=london(2041, 9, 16, 9, 0))

    [awaken] = mail_server.to("awaken.lead@example.org")
    assert listed_refs(awaken) == ["2.1", "3.1", "4.1"]
    assert "since the last board pack (as at 31 July 2041)" in text(awaken)


def test_a_missed_reminder_goes_late_but_only_the_latest_one(mail_server, send, leads):
    send(at=london(2041, 9, 28, 10, 0))

    assert len(mail_server.to("awaken.lead@example.org")) == 1
    assert set(OutboxMessage.objects.values_list("days_before", flat=True)) == {3}
    assert "(in 2 days)" in text(mail_server.messages[0])


def test_no_reminder_once_the_deadline_has_passed(mail_server, send, leads):
    send(at=london(2041, 10, 1, 9, 0))

    assert mail_server.messages == []


def test_the_business_managers_own_deadlines_and_reminder_days(mail_server, send, leads, plan):
    ReportingCalendar(plan=plan).change(
        quarter_ends=False,
        other_dates=[datetime.date(2041, 9, 15)],
        reminder_days="7",
        review_days=1,
        reason="Two weeks before the board",
    )

    send(at=london(2041, 9, 7, 9, 0))
    assert mail_server.messages == []
    send(at=london(2041, 9, 8, 9, 0))
    send(at=london(2041, 9, 16, 9, 0))

    assert len(mail_server.messages) == 2
    assert all("Update due by 15 September 2041" in m["Subject"] for m in mail_server.messages)


def test_complete_actions_are_not_asked_for_an_update(mail_server, send, leads, get_action, chair):
    action = get_action("3.1")
    action.rate("blue", "Done and embedded", by=chair)

    send(at=london(2041, 9, 16, 9, 0))

    [awaken] = mail_server.to("awaken.lead@example.org")
    assert listed_refs(awaken) == ["2.1", "4.1", "4.2"]


def test_no_reminder_for_someone_who_turned_them_off_or_has_no_address(mail_server, send, leads):
    awaken_lead, police_lead = leads
    EmailPreference(user=awaken_lead, reminders=False).save()
    police_lead.email = ""
    police_lead.save()

    send(at=london(2041, 9, 16, 9, 0))

    assert mail_server.messages == []


def test_a_plan_without_a_protective_marking_has_none_in_the_subject(
    mail_server, send, leads, plan
):
    plan.protective_marking = ""
    plan._change_reason = "Test"
    plan.save()

    send(at=london(2041, 9, 16, 9, 0))

    message = mail_server.to("awaken.lead@example.org")[0]
    assert message["Subject"].startswith("Update due by 30 September 2041")
    assert "OFFICIAL" not in text(message)


def test_no_email_carries_evidence_text(mail_server, send, leads, get_action):
    awaken_lead, _ = leads
    add_evidence(get_action, "4.1", "awaken", datetime.date(2041, 8, 1), by=awaken_lead)

    send(at=london(2041, 9, 16, 9, 0))

    for message in mail_server.messages:
        assert "Secret detail" not in message.as_string()


def test_a_closed_plan_asks_nobody_for_updates(mail_server, send, leads, plan):
    plan.close("Replaced by next year's plan")

    send(at=london(2041, 9, 16, 9, 0))

    assert mail_server.messages == []
