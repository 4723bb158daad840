import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from actionplan.models import EvidenceEntry
from agencies.models import Agency, Membership
from tests.conftest import make_person
from tests.served import submit


def add(client, action, **data):
    return client.post(reverse("add_evidence", args=[action.pk]), data)


def test_an_agency_lead_adds_evidence_to_an_action_their_agency_leads(
    client, awaken_lead, get_action
):
    action = get_action("3.1")
    client.force_login(awaken_lead)
    response = add(client, action, text="Parent support group started", activity_date="02/11/2015")
    assert response.status_code == 302
    entry = action.evidence_entries.latest("recorded_at")
    assert entry.text == "Parent support group started"
    assert entry.activity_date == datetime.date(2015, 11, 2)
    assert entry.agency.slug == "awaken"
    assert entry.recorded_by == awaken_lead
    assert entry.history.get().history_user_id == awaken_lead.pk


def test_the_form_defaults_the_date_to_today(client, awaken_lead, get_action):
    client.force_login(awaken_lead)
    response = client.get(reverse("add_evidence", args=[get_action("3.1").pk]))
    assert response.context["form"]["activity_date"].value() == timezone.localdate()


def test_a_lead_of_another_agency_may_not_add_evidence(client, police_lead, get_action):
    action = get_action("3.1")
    before = action.evidence_entries.count()
    client.force_login(police_lead)
    assert add(client, action, text="x", activity_date="01/01/2015").status_code == 403
    assert action.evidence_entries.count() == before


def test_no_add_evidence_control_is_offered_where_the_lead_may_not_act(
    client, awaken_lead, get_action
):
    client.force_login(awaken_lead)
    mine = client.get(reverse("action_detail", args=[get_action("3.1").pk])).text
    theirs = client.get(reverse("action_detail", args=[get_action("2.2").pk])).text
    assert reverse("add_evidence", args=[get_action("3.1").pk]) in mine
    assert reverse("add_evidence", args=[get_action("2.2").pk]) not in theirs
    assert "Add evidence" not in theirs


def test_a_forged_agency_is_refused_and_nothing_is_written(client, awaken_lead, get_action):
    action = get_action("4.1")  # led by Lancashire Police and Awaken
    police = Agency.objects.get(slug="lancashire-police")
    before = EvidenceEntry.objects.count()
    client.force_login(awaken_lead)
    response = add(client, action, text="x", activity_date="01/01/2015", agency=police.pk)
    assert response.status_code == 200
    assert "Select one of your agencies that leads this action" in response.text
    assert EvidenceEntry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "activity_date": "01/01/2015"}, "Enter what was done"),
        ({"text": "x", "activity_date": ""}, "Enter the date of the activity"),
        ({"text": "x", "activity_date": "31/02/2015"}, "Date of the activity must be a real date"),
        (
            {"text": "x", "activity_date": "01/01/2099"},
            "Date of the activity must be today or in the past",
        ),
        ({"text": "x" * 5001, "activity_date": "01/01/2015"}, "5,000 characters or fewer"),
    ],
)
def test_bad_evidence_gets_a_specific_error_and_changes_nothing(
    client, awaken_lead, get_action, data, message
):
    action = get_action("3.1")
    before = EvidenceEntry.history.count()
    client.force_login(awaken_lead)
    response = add(client, action, **data)
    assert response.status_code == 200
    assert message in response.text
    assert EvidenceEntry.history.count() == before


@pytest.fixture
def my_entry(awaken_lead, get_action):
    entry = EvidenceEntry(
        action=get_action("3.1"),
        text="Drop-in sessions running",
        activity_date=datetime.date(2015, 10, 1),
        agency=Agency.objects.get(slug="awaken"),
        recorded_by=awaken_lead,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    return entry


def test_a_lead_edits_their_own_entry(client, awaken_lead, my_entry):
    client.force_login(awaken_lead)
    submit(
        client,
        reverse("edit_evidence", args=[my_entry.pk]),
        {"text": "Drop-in sessions running weekly", "activity_date": "01/10/2015"},
    )
    my_entry.refresh_from_db()
    assert my_entry.text == "Drop-in sessions running weekly"
    assert my_entry.history.count() == 2


def test_a_lead_withdraws_their_own_entry_with_a_reason_and_the_text_stays_in_history(
    client, awaken_lead, my_entry
):
    client.force_login(awaken_lead)
    response = submit(
        client, reverse("withdraw_evidence", args=[my_entry.pk]), {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    my_entry.refresh_from_db()
    assert my_entry.is_withdrawn and my_entry.withdrawn_reason == "Duplicate"
    assert my_entry.history.latest().text == "Drop-in sessions running"
    page = client.get(reverse("action_detail", args=[my_entry.action_id])).text
    assert "Withdrawn" in page and "Drop-in sessions running" not in page


def test_withdrawing_needs_a_reason(client, awaken_lead, my_entry):
    client.force_login(awaken_lead)
    response = submit(client, reverse("withdraw_evidence", args=[my_entry.pk]), {"reason": ""})
    assert "Enter the reason for withdrawing this entry" in response.text
    my_entry.refresh_from_db()
    assert not my_entry.is_withdrawn


@pytest.mark.parametrize("who", ["police_lead", "chair", "manager", "board_member"])
def test_nobody_else_may_edit_or_withdraw_an_entry(client, request, my_entry, who):
    client.force_login(request.getfixturevalue(who))
    edit = submit(
        client,
        reverse("edit_evidence", args=[my_entry.pk]),
        {"text": "Hijacked", "activity_date": "01/10/2015"},
    )
    withdraw = submit(client, reverse("withdraw_evidence", args=[my_entry.pk]), {"reason": "x"})
    assert (edit.status_code, withdraw.status_code) == (403, 403)
    my_entry.refresh_from_db()
    assert my_entry.text == "Drop-in sessions running" and not my_entry.is_withdrawn


def test_another_lead_of_the_same_agency_may_not_edit_an_entry_they_did_not_record(
    client, my_entry
):
    colleague = make_person("awaken.colleague", my_entry.agency, Membership.Role.AGENCY_LEAD)
    client.force_login(colleague)
    assert client.get(reverse("edit_evidence", args=[my_entry.pk])).status_code == 403


def test_an_entry_that_does_not_exist_is_404(client, awaken_lead):
    client.force_login(awaken_lead)
    assert client.get(reverse("edit_evidence", args=[999999])).status_code == 404


def evidence_shown(page):
    """The evidence table's rows as a person reads them: (date of activity, its text)."""
    (table,) = html.fromstring(page).xpath('//h2[@id="evidence"]/following::table[1]')
    return [
        (row.xpath("./td[1]")[0].text_content().strip(), row.xpath("./td[2]")[0].text_content())
        for row in table.xpath("./tbody/tr")
    ]


def test_the_action_page_lists_the_evidence_latest_first(client, awaken_lead, get_action):
    action = get_action("3.1")
    client.force_login(awaken_lead)
    add_url = reverse("add_evidence", args=[action.pk])
    today = timezone.localdate()
    days = {"Newest": today, "Oldest": today - datetime.timedelta(days=2)}
    days["Middle"] = today - datetime.timedelta(days=1)
    for text, day in days.items():  # added out of order
        typed = {"activity_date-day": day.day, "activity_date-month": day.month}
        submit(client, add_url, {"text": text, **typed, "activity_date-year": day.year})

    page = client.get(reverse("action_detail", args=[action.pk])).text

    shown = evidence_shown(page)
    assert [text.split()[0] for _, text in shown[:3]] == ["Newest", "Middle", "Oldest"]
    assert shown[0][0] == f"{today.day} {today:%b %Y}"
    dates = [datetime.datetime.strptime(d, "%d %b %Y") for d, _ in shown if d != "Not recorded"]
    assert dates == sorted(dates, reverse=True)
