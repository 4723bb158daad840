"""Odd input that once broke a page or was silently taken for something else: control
characters pasted from Word, dates far outside the plan's years, digits that are not
0 to 9, and forms sent in a charset other than UTF-8. Each is cleaned, or refused with
a message saying what to do, and never a server error (issue 10). The random
submissions of test_bad_input.py include all of these too."""

import datetime

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplan.fields import PlainTextField
from actionplan.models import Action, EvidenceEntry
from tests.served import submit

from .conftest import table_counts

LATEST = timezone.localdate().year + 10
BAD_REQUEST = "Sorry, there is a problem with your request"


def error_page(response, message):
    """The page came back (200) with ``message`` in it."""
    assert response.status_code == 200, response.status_code
    assert message in response.content.decode(), message
    return response


# -- control characters ------------------------------------------------------------------


def test_evidence_pasted_with_a_vertical_tab_is_saved_with_a_line_break_instead(
    client, awaken_lead, get_action
):
    # Word puts U+000B where a line breaks inside a table cell.
    client.force_login(awaken_lead)
    action = get_action("3.1")
    pasted = "Drop-in sessions started\x0bWeekly from June\x1b\x07\r\nAttended by 12"

    response = submit(
        client,
        reverse("add_evidence", args=[action.pk]),
        {"text": pasted, "activity_date": "01/06/2015"},
    )

    assert response.status_code == 302
    entry = EvidenceEntry.objects.filter(action=action).latest("recorded_at")
    assert entry.text == "Drop-in sessions started\nWeekly from June\nAttended by 12"
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Weekly from June" in page and "\x0b" not in page


def test_a_reason_pasted_with_control_characters_is_saved_without_them(client, chair, get_action):
    client.force_login(chair)
    action = get_action("2.2")

    response = submit(
        client,
        reverse("rate_action", args=[action.pk]),
        {"rag": "amber", "reason": "\x0cSlower\x00 than planned\x7f\x9b"},
    )

    # A NUL is still refused with a message (PostgreSQL cannot store one).
    error_page(response, "Null characters are not allowed")
    response = submit(
        client,
        reverse("rate_action", args=[action.pk]),
        {"rag": "amber", "reason": "\x0cSlower than planned\x7f\x9b"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag_reason == "Slower than planned"


def free_text_fields():
    """(form, field) for every text field of the plan's and the board pack's forms."""
    import actionplan.forms
    import reporting.forms

    for module in (actionplan.forms, reporting.forms):
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                for name, field in form.base_fields.items():
                    if isinstance(field, forms.CharField):
                        yield form, name, field


def test_every_free_text_field_of_the_forms_takes_out_control_characters():
    found = list(free_text_fields())

    plain = [
        f"{form.__name__}.{name}"
        for form, name, field in found
        if type(field) is not PlainTextField
    ]
    assert plain == []
    assert len(found) >= 10


# -- dates outside the plan's years --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "0001-01-01"}, "From must be 2000 or later"),
        ({"end": "9999-12-31"}, f"To must be {LATEST} or earlier"),
        ({"start": "31/12/1999", "end": "01/01/2015"}, "From must be 2000 or later"),
        ({"start": "０１/０１/２０１５"}, "From must be a real date"),
    ],
)
def test_the_activity_page_with_a_date_out_of_range_says_so_instead_of_failing(
    client, manager, query, message
):
    client.force_login(manager)

    response = client.get(reverse("activity"), query)

    error_page(response, message)
    assert "There is a problem" in response.content.decode()


def test_the_activity_page_takes_dates_at_both_ends_of_the_window(client, manager):
    client.force_login(manager)

    response = client.get(reverse("activity"), {"start": "2000-01-01", "end": f"{LATEST}-12-31"})

    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("01/01/0001", "Date of the activity must be 2000 or later"),
        ("0001-01-01", "Date of the activity must be 2000 or later"),
        ("31/12/1999", "Date of the activity must be 2000 or later"),
        ("31/12/9999", "Date of the activity must be today or in the past"),
        ("０１/０６/２０１５", "Date of the activity must be a real date"),
    ],
)
def test_evidence_dated_outside_the_window_is_refused_with_a_clear_error(
    client, awaken_lead, get_action, date, message
):
    client.force_login(awaken_lead)
    before = table_counts()

    response = submit(
        client,
        reverse("add_evidence", args=[get_action("3.1").pk]),
        {"text": "Drop-in sessions", "activity_date": date},
    )

    error_page(response, message)
    assert table_counts() == before


@pytest.mark.parametrize(
    ("timescale", "message"),
    [
        ("Jan 0001", f"Timescale must be between 2000 and {LATEST}"),
        ("Dec 1999", f"Timescale must be between 2000 and {LATEST}"),
        (f"Jan {LATEST + 1}", f"Timescale must be between 2000 and {LATEST}"),
        ("Dec 99", f"Timescale must be between 2000 and {LATEST}"),
        ("Sept ２０１５", "Enter the timescale with the digits 0 to 9"),
        ("Sept ٢٠١٥", "Enter the timescale with the digits 0 to 9"),
    ],
)
@pytest.mark.parametrize("name", ["add_action", "edit_action"])
def test_a_timescale_outside_the_window_or_in_other_digits_is_refused(
    client, manager, get_action, name, timescale, message
):
    client.force_login(manager)
    action = get_action("2.2")
    url = reverse(name, args=[action.section_id if name == "add_action" else action.pk])
    lead = f"agency:{action.leads.first().agency_id}"
    before = Action.history.count()

    response = submit(
        client,
        url,
        {"text": "An action", "leads": [lead], "timescale": timescale, "timescale_reason": "x"},
    )

    error_page(response, message)
    assert Action.history.count() == before
    action.refresh_from_db()
    assert action.due_date.year >= 2000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"as_at": "0001-01-01"}, "The as-at date must be 2000 or later"),
        ({"as_at": "TODAY", "since": "1999-12-31"}, "The since date must be 2000 or later"),
        ({"as_at": "TODAY", "since": "9999-12-31"}, "The since date must be before the as-at date"),
    ],
)
def test_a_board_pack_date_outside_the_window_is_refused(client, manager, plan, data, message):
    client.force_login(manager)
    today = timezone.localdate().isoformat()
    data = {key: today if value == "TODAY" else value for key, value in data.items()}

    response = client.get(reverse("board_pack_preview"), {"plan": plan.slug, **data})

    error_page(response, message)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("no_evidence_since", "No evidence since must be 2000 or later"),
        ("as_at", "The as-at date must be 2000 or later"),
    ],
)
def test_the_plan_overview_filters_refuse_a_date_before_2000(
    client, board_member, plan, field, message
):
    # Needs actionplan/filters.py to declare these two as BoundedDateField (see report).
    client.force_login(board_member)

    response = client.get(reverse("plan_overview"), {field: "01/01/0001"})

    error_page(response, message)


# -- forms sent in another charset -----------------------------------------------------------


def csrf_client():
    """A client that checks CSRF tokens, as a browser's requests are checked: the check
    reads the form, which is where an undecodable body used to escape as a bare 500."""
    client = Client(enforce_csrf_checks=True)
    token = client.get(reverse("login")).cookies["csrftoken"].value
    return client, token


MULTIPART = (
    b'--XX\r\nContent-Disposition: form-data; name="username"\r\n\r\ncaf\xe9\r\n'
    b'--XX\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--XX--\r\n'
)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded; charset=latin-1", b"username=caf%E9&password=x"),
        ("application/x-www-form-urlencoded; charset=ISO-8859-1", b"username=caf%E9&password=x"),
        ("application/x-www-form-urlencoded; charset=windows-1252", b"username=x&password=x"),
        ("application/x-www-form-urlencoded; charset=utf-16", "username=é".encode("utf-16")),
        ("application/x-www-form-urlencoded; charset=rot13", b"username=x&password=x"),
        ("multipart/form-data; boundary=XX; charset=rot13", MULTIPART),
        ("multipart/form-data; boundary=XX; charset=base64", MULTIPART),
        ("multipart/form-data", MULTIPART),
    ],
)
def test_a_sign_in_sent_in_a_charset_other_than_utf_8_gets_the_400_page(
    db, settings, content_type, body
):
    settings.DEBUG = False
    client, token = csrf_client()

    response = client.generic(
        "POST", reverse("login"), body, content_type=content_type, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 400
    assert BAD_REQUEST in response.content.decode()
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/x-www-form-urlencoded; charset=no-such-charset",  # ignored, as UTF-8
        "multipart/form-data; boundary=XX; charset=latin-1",  # a charset a form may declare
    ],
)
def test_a_sign_in_in_utf_8_or_a_charset_a_form_may_declare_is_read(db, settings, content_type):
    settings.DEBUG = False
    client, token = csrf_client()
    if content_type.startswith("multipart"):
        body = MULTIPART
    else:
        body = "username=café&password=x".encode()

    response = client.generic(
        "POST", reverse("login"), body, content_type=content_type, HTTP_X_CSRFTOKEN=token
    )

    # Read, and refused: the page shows the username back, decoded.
    assert response.status_code == 200
    assert 'value="café"' in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_evidence_sent_in_latin_1_changes_nothing(db, awaken_lead, get_action, settings):
    settings.DEBUG = False
    client, token = csrf_client()
    client.force_login(awaken_lead)
    before = table_counts()

    response = client.generic(
        "POST",
        reverse("add_evidence", args=[get_action("3.1").pk]),
        b"text=Caf%E9+visits&activity_date=01%2F06%2F2015",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 400
    assert table_counts() == before


def test_dates_in_the_window_are_still_taken(client, awaken_lead, get_action):
    client.force_login(awaken_lead)
    action = get_action("3.1")
    first_of_2000 = datetime.date(2000, 1, 1)

    response = submit(
        client,
        reverse("add_evidence", args=[action.pk]),
        {"text": "The earliest date there can be", "activity_date": "01/01/2000"},
    )

    assert response.status_code == 302
    assert EvidenceEntry.objects.filter(action=action, activity_date=first_of_2000).exists()
