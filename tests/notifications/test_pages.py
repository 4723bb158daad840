"""The email pages: "Your emails", the unsubscribe link, the reporting calendar and its
form, as each person sees them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import EmailPreference, ReportingCalendar, UpdateDeadline
from tests.served import submit

from .conftest import london, text

DUE = london(2041, 9, 16, 9, 0)


# -- Your emails ----------------------------------------------------------------------


def test_an_agency_lead_sees_what_they_will_receive_and_when(
    client, addressed, awaken_lead, time_machine
):
    addressed(awaken_lead)
    time_machine.move_to(london(2041, 9, 1, 12, 0), tick=False)
    client.force_login(awaken_lead)

    html = client.get(reverse("my_emails")).content.decode()

    assert "<title>Your emails – Action plan tracker</title>" in html
    assert "Emails are sent to <strong>awaken.lead@example.org</strong>" in html
    assert (
        "Before each update deadline, the actions led by Awaken that have no new evidence" in html
    )
    assert (
        "Next: 16 September 2041 and 27 September 2041, for the deadline of 30 September 2041"
        in html
    )
    assert "rated Red, or its rating is made worse" in html
    assert "Password reset links" in html
    assert 'id="id_reminders" checked' in html


def test_the_chair_sees_the_digest_date_and_a_board_member_only_essential_emails(
    client, chair, board_member, time_machine
):
    time_machine.move_to(london(2041, 9, 1, 12, 0), tick=False)
    client.force_login(chair)
    chair_html = client.get(reverse("my_emails")).content.decode()
    client.force_login(board_member)
    member_html = client.get(reverse("my_emails")).content.decode()

    assert "Next: 29 September 2041, for the deadline of 30 September 2041" in chair_html
    assert "We have no email address for you" in chair_html
    assert "You get only the emails you ask for: password reset links" in member_html


def test_a_person_turns_reminders_off_and_gets_none(
    client, mail_server, send, addressed, awaken_lead, police_lead
):
    addressed(awaken_lead, police_lead)
    client.force_login(awaken_lead)

    response = client.post(reverse("my_emails"), {"rating_alert": "on"}, follow=True)

    assert "Your email settings have been saved." in response.text
    preference = EmailPreference.objects.get(user=awaken_lead)
    assert (preference.reminders, preference.rating_alert) == (False, True)
    assert preference.history.first().history_change_reason == "Email settings changed"
    send(at=DUE)
    assert [m["To"] for m in mail_server.messages] == ["police.lead@example.org"]


def test_the_emails_sent_to_a_person_are_listed_for_them(
    client, mail_server, send, addressed, awaken_lead
):
    addressed(awaken_lead)
    send(at=DUE)
    client.force_login(awaken_lead)

    html = client.get(reverse("my_emails")).content.decode()

    assert "[OFFICIAL-SENSITIVE] Update due by 30 September 2041: 4 actions" in html
    assert "16 Sep 2041, 09:00" in html


# -- the unsubscribe link -------------------------------------------------------------


def unsubscribe_link(message):
    return next(
        line.split(": ", 1)[1]
        for line in text(message).splitlines()
        if line.startswith("Stop these emails: ")
    )


def test_the_link_in_a_reminder_stops_reminders_after_a_confirmation(
    mail_server, send, addressed, awaken_lead
):
    addressed(awaken_lead)
    send(at=DUE)
    [reminder] = mail_server.messages
    link = unsubscribe_link(reminder)
    assert reminder["List-Unsubscribe"].strip() == f"<{link}>"
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.removeprefix("https://plans.example.org")
    browser = Client()

    asked = browser.get(path)
    assert "Stop these emails?" in asked.text
    assert "Reminders that an update is due, to Awaken Tester." in asked.text
    assert EmailPreference.objects.filter(user=awaken_lead).count() == 0
    done = browser.post(path, follow=True)

    assert "You will not get these emails" in done.text
    assert not EmailPreference.objects.get(user=awaken_lead).reminders
    assert EmailPreference.objects.get(user=awaken_lead).rating_alert
    send(at=london(2041, 9, 27, 9, 0))
    assert len(mail_server.messages) == 1


def test_a_mail_program_unsubscribes_with_one_click_and_no_form(
    mail_server, send, addressed, awaken_lead
):
    addressed(awaken_lead)
    send(at=DUE)
    path = unsubscribe_link(mail_server.messages[0]).removeprefix("https://plans.example.org")
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 302
    assert not EmailPreference.objects.get(user=awaken_lead).reminders


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoyfQ:1xe7LE:forged"])
def test_a_forged_or_broken_unsubscribe_link_is_not_found(client, db, token):
    assert client.get(reverse("unsubscribe", args=[token])).status_code == 404
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 404


# -- the reporting calendar -----------------------------------------------------------


def test_the_business_manager_sees_the_next_deadlines_and_who_gets_reminders(
    client, manager, plan, addressed, awaken_lead, police_lead, chair, time_machine
):
    addressed(awaken_lead, chair)
    time_machine.move_to(london(2041, 9, 1, 12, 0), tick=False)
    client.force_login(manager)

    html = client.get(reverse("reporting_calendar", args=[plan.pk])).content.decode()

    assert "The last day of each quarter" in html
    assert "14 and 3 days before each deadline" in html
    assert "1 day before each deadline" in html
    assert (
        '<th scope="row" class="govuk-table__header">30 September 2041</th>\n'
        '      <td class="govuk-table__cell">16 September 2041<br>27 September 2041</td>\n'
        '      <td class="govuk-table__cell">29 September 2041</td>'
    ) in html
    assert "31 December 2041" in html and "31 March 2042" in html
    assert "awaken.lead@example.org" in html
    assert "1 person has no email address and will get nothing." in html
    assert "Police Tester" in html


def test_the_business_manager_sets_board_dates_instead_of_quarter_ends(
    client, manager, plan, time_machine
):
    time_machine.move_to(london(2041, 9, 1, 12, 0), tick=False)
    client.force_login(manager)
    url = reverse("reporting_calendar_edit", args=[plan.pk])

    response = submit(
        client,
        url,
        {
            "other_dates": "15/09/2041\n 2041-12-01 \n\n15/09/2041",
            "reminder_days": "3, 10 and 10",
            "review_days": "2",
        },
    )

    assert response.status_code == 302
    calendar = ReportingCalendar.objects.get(plan=plan)
    assert not calendar.quarter_ends
    assert calendar.reminder_days == "10, 3"
    assert calendar.review_days == 2
    assert list(UpdateDeadline.objects.values_list("date", flat=True)) == [
        datetime.date(2041, 9, 15),
        datetime.date(2041, 12, 1),
    ]
    assert calendar.history.first().history_user_id == manager.pk
    html = client.get(reverse("reporting_calendar", args=[plan.pk])).content.decode()
    assert "15 September 2041, 1 December 2041" in html
    assert "10 and 3 days before each deadline" in html

    # And back: one date removed (kept in the history), quarter ends again.
    submit(
        client,
        url,
        {
            "quarter_ends": "on",
            "other_dates": "01/12/2041",
            "reminder_days": "14, 3",
            "review_days": "1",
        },
    )
    assert list(UpdateDeadline.objects.values_list("date", flat=True)) == [
        datetime.date(2041, 12, 1)
    ]
    assert UpdateDeadline.history.filter(history_type="-").count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"other_dates": "15/09/2041\nthe board"}, "Line 2 is not a date"),
        ({"other_dates": "31/02/2041"}, "Line 1 is not a date"),
        ({"other_dates": "01/01/1999"}, "Line 1: A deadline must be 2000 or later"),
        ({"quarter_ends": "", "other_dates": ""}, "Choose the last day of each quarter, or"),
        ({"reminder_days": "fourteen"}, "Enter the days before the deadline as whole numbers"),
        ({"reminder_days": "120"}, "Reminders can be at most 90 days before"),
        ({"reminder_days": ""}, "Enter how many days before each deadline to remind"),
        ({"review_days": "-1"}, "The days before the deadline must be 0 or more"),
        ({"review_days": "soon"}, "Enter the days before the deadline as a whole number"),
    ],
)
def test_a_wrong_calendar_is_explained_and_nothing_is_saved(
    client, manager, plan, data, error, time_machine
):
    time_machine.move_to(london(2041, 9, 1, 12, 0), tick=False)
    client.force_login(manager)
    base = {"quarter_ends": "on", "reminder_days": "14, 3", "review_days": "1"}

    response = client.post(reverse("reporting_calendar_edit", args=[plan.pk]), {**base, **data})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error in response.text
    assert not ReportingCalendar.objects.exists()
