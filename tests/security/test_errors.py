"""With DEBUG off: friendly 400, 403, 404 and 500 pages without internals, oversized
bodies refused with a 400, and errors logged without what people typed."""

import datetime
import logging
import sys

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from actionplan.models import EvidenceEntry
from tests.served import submit

from .conftest import table_counts

SECRET_EVIDENCE = "Child X (DOB 01/02/2003) seen at the Seaview Hotel with adult male"
INTERNALS = ["Traceback", "File &quot;", 'File "', "site-packages", "DatabaseError", "Django"]
ONE_MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def assert_no_internals(html):
    for word in INTERNALS:
        assert word not in html, word


def test_a_page_that_does_not_exist_is_a_friendly_404(client, board_member):
    client.force_login(board_member)

    response = client.get("/plans/no-such-plan/dashboard/")
    anonymous = Client().get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert_no_internals(response.content.decode())
    assert anonymous.status_code == 404
    assert "Page not found" in anonymous.content.decode()
    assert "URLconf" not in anonymous.content.decode()


def test_a_refusal_is_a_friendly_403(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("manage"))

    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()
    assert_no_internals(response.content.decode())


def test_a_missing_csrf_token_is_a_friendly_403(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "chair", "password": "x"})

    assert response.status_code == 403
    assert "Sorry, your change was not saved" in response.content.decode()
    assert_no_internals(response.content.decode())


def test_an_unknown_host_is_a_friendly_400(client, db):
    # Refused before AuthenticationMiddleware runs: the page must render all the same.
    client.raise_request_exception = False
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    assert "evil.example.com" not in response.content.decode()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_1_mb_body_is_refused_with_the_400_page_and_changes_nothing(
    client, awaken_lead, get_action, encoding
):
    client.force_login(awaken_lead)
    url = reverse("add_evidence", args=[get_action("3.1").pk])
    data = {"text": "A" * ONE_MB, "activity_date": "01/06/2015"}
    before = table_counts()

    if encoding == "urlencoded":
        from urllib.parse import urlencode

        response = client.post(
            url, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post(url, data)

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    assert table_counts() == before


def test_a_1_mb_sign_in_is_refused_with_the_400_page(client, db):
    response = client.post(reverse("login"), {"username": "u" * ONE_MB, "password": "x"})

    assert response.status_code == 400


def test_the_largest_real_form_fits_under_the_limit(client, manager, get_action):
    # An action at every limit, in three-byte characters: well under the 256 KB limit.
    client.force_login(manager)
    action = get_action("2.2")
    lead = f"agency:{action.leads.first().agency_id}"
    data = {
        "text": "€" * 5000,
        "outcomes": "€" * 5000,
        "leads": [lead],
        "timescale": "Dec 2016",
        "timescale_reason": "€" * 2000,
    }

    response = submit(client, reverse("edit_action", args=[action.pk]), data)

    assert response.status_code in (200, 302)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 256 * 1024


@pytest.fixture
def broken_evidence_save(monkeypatch):
    """Saving evidence fails the way a full disk or a lost connection would."""

    def save(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(EvidenceEntry, "save", save)


def post_secret_evidence(client, awaken_lead, get_action):
    client.raise_request_exception = False
    client.force_login(awaken_lead)
    url = reverse("add_evidence", args=[get_action("3.1").pk])
    return client.post(url, {"text": SECRET_EVIDENCE, "activity_date": "01/06/2015"})


def test_an_error_is_a_friendly_500_without_a_traceback(
    client, awaken_lead, get_action, broken_evidence_save
):
    response = post_secret_evidence(client, awaken_lead, get_action)

    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert_no_internals(html)
    assert "No space left" not in html
    assert SECRET_EVIDENCE not in html


def test_an_error_is_logged_without_the_evidence_text(
    client, awaken_lead, get_action, broken_evidence_save, caplog
):
    caplog.set_level(logging.DEBUG)
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])

    post_secret_evidence(client, awaken_lead, get_action)

    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "Internal Server Error: /actions/" in logged
    assert "DatabaseError: could not extend file" in logged  # the traceback is there
    assert SECRET_EVIDENCE not in logged
    assert "Seaview" not in logged


def test_an_error_report_shows_no_post_values_or_local_variables(rf):
    request = rf.post("/actions/1/evidence/new/", {"text": SECRET_EVIDENCE, "password": "pw"})

    def view(text):
        raise ValueError("something broke")

    try:
        view(SECRET_EVIDENCE)
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info(), is_email=True)
        text = reporter.get_traceback_text()
        html = reporter.get_traceback_html()

    assert "something broke" in text
    assert "Seaview" not in text
    assert "Seaview" not in html
    assert "text = &#x27;********************&#x27;" in html or "********************" in html


def test_the_access_log_leaves_out_query_strings():
    # A search can hold a child's name: gunicorn logs the path only.
    from pathlib import Path

    config = {}
    source = (Path(settings.BASE_DIR) / "gunicorn.conf.py").read_text()
    exec(compile(source, "gunicorn.conf.py", "exec"), config)  # noqa: S102 -- our own file

    assert "%(U)s" in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]
    assert "%(q)s" not in config["access_log_format"]


def test_nothing_is_logged_at_debug_level_with_the_posted_text_on_success(
    client, awaken_lead, get_action, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(awaken_lead)
    url = reverse("add_evidence", args=[get_action("3.1").pk])
    response = client.post(
        url, {"text": SECRET_EVIDENCE, "activity_date": datetime.date(2015, 6, 1).isoformat()}
    )

    assert response.status_code == 302
    # SQL at DEBUG (only with settings.DEBUG on) is the one place text could appear.
    assert SECRET_EVIDENCE not in "\n".join(r.getMessage() for r in caplog.records)
