"""Board pack pages, for each of the cast: the list, the form, the preview, the draft
PDF, issuing, the progress page of a pack being made, and downloading.

PDFs are made in the background (reporting/tasks.py). Tests that follow a pack to the
end use the immediate task backend, which runs the job during the request as if the
worker had taken it at once; the others keep the project's database queue, where a
job stays queued (the worker itself is tested in test_board_pack_jobs.py)."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from reporting import issuing
from reporting.models import BoardPack, PackDownload, PackJob
from reporting.tasks import UNEXPECTED

from .conftest import FAKE_PDF

pytestmark = pytest.mark.django_db
MANAGER_ONLY_GET = ["board_pack_new", "board_pack_preview"]
MANAGER_ONLY_POST = ["board_pack_draft_pdf", "board_pack_issue"]
JOB_PAGES = ["board_pack_job", "board_pack_job_pdf"]
NOT_MANAGERS = ["board_member", "chair", "awaken_lead", "police_lead"]
REFRESH = '<meta http-equiv="refresh" content="3">'


def make_job(plan, manager, today, **fields):
    job = PackJob(plan=plan, as_at=today, requested_by=manager, **{"kind": "draft", **fields})
    job._change_reason = "Test"
    job.save()
    return job


@pytest.fixture
def draft_job(plan, manager, today):
    """A draft PDF made for the business manager."""
    return make_job(plan, manager, today, status="done", pdf=FAKE_PDF)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def issued(plan, manager, today):
    pack = BoardPack(
        plan=plan,
        period_label="Quarter 3, 2026/27",
        as_at=today,
        since_date=today,
        issued_by=manager,
        issued_by_name="Manager Tester",
        pdf=FAKE_PDF,
    )
    pack.save()
    return pack


def choice(plan, as_at, since=None):
    data = {"plan": plan.slug, "as_at": as_at.isoformat()}
    if since:
        data["since"] = since.isoformat()
    return data


def signed_in(client, user):
    client.force_login(user)
    return client


# -- who may do what ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["board_packs", *MANAGER_ONLY_GET])
def test_anonymous_visitors_are_sent_to_sign_in(client, plan, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", JOB_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_a_job(client, draft_job, name):
    response = client.get(reverse(name, args=[draft_job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", MANAGER_ONLY_POST)
def test_anonymous_visitors_can_neither_issue_nor_download(client, issued, today, name):
    response = client.post(reverse(name), choice(issued.plan, today))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.get(reverse("board_pack_download", args=[issued.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not PackDownload.objects.exists()
    assert not PackJob.objects.exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
@pytest.mark.parametrize("name", MANAGER_ONLY_GET)
def test_only_the_business_manager_prepares_packs(client, request, plan, today, role, name):
    signed_in(client, request.getfixturevalue(role))
    response = client.get(reverse(name), choice(plan, today))
    assert response.status_code == 403


@pytest.mark.parametrize("role", NOT_MANAGERS)
@pytest.mark.parametrize("name", MANAGER_ONLY_POST)
def test_only_the_business_manager_issues_packs_or_asks_for_drafts(
    client, request, plan, today, role, name
):
    signed_in(client, request.getfixturevalue(role))
    response = client.post(reverse(name), choice(plan, today))
    assert response.status_code == 403
    assert not BoardPack.objects.exists()
    assert not PackJob.objects.exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
@pytest.mark.parametrize("name", JOB_PAGES)
def test_only_the_business_manager_sees_a_pack_being_made(client, request, draft_job, role, name):
    signed_in(client, request.getfixturevalue(role))
    assert client.get(reverse(name, args=[draft_job.pk])).status_code == 403


@pytest.mark.parametrize("name", JOB_PAGES)
def test_a_job_that_does_not_exist_is_404(client, manager, name):
    signed_in(client, manager)
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_pdf_of_a_draft_not_yet_made_is_404(client, manager, plan, today):
    signed_in(client, manager)
    job = make_job(plan, manager, today)
    assert client.get(reverse("board_pack_job_pdf", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", [*NOT_MANAGERS, "manager"])
def test_every_member_sees_the_issued_packs_and_downloads_them(client, request, issued, role):
    person = request.getfixturevalue(role)
    signed_in(client, person)
    listing = client.get(reverse("board_packs"))
    assert listing.status_code == 200
    assert reverse("board_pack_download", args=[issued.pk]) in listing.content.decode()
    assert (reverse("board_pack_new") in listing.content.decode()) == (role == "manager")

    response = client.get(reverse("board_pack_download", args=[issued.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="board-pack-{issued.plan.slug}-{issued.as_at:%Y-%m-%d}.pdf"'
    )
    assert response.content == FAKE_PDF
    assert list(PackDownload.objects.values_list("pack", "user")) == [(issued.pk, person.pk)]


def test_someone_signed_in_but_in_no_agency_sees_no_packs(client, issued):
    stranger = get_user_model().objects.create_user(username="stranger")
    signed_in(client, stranger)
    assert client.get(reverse("board_packs")).status_code == 403
    assert client.get(reverse("board_pack_download", args=[issued.pk])).status_code == 403
    assert not PackDownload.objects.exists()


def test_a_pack_that_does_not_exist_is_404(client, board_member):
    signed_in(client, board_member)
    assert client.get(reverse("board_pack_download", args=[999999])).status_code == 404


def test_asking_for_a_draft_is_post_only_and_the_issue_page_only_asks_to_check(
    client, manager, plan, today
):
    signed_in(client, manager)
    assert client.get(reverse("board_pack_draft_pdf"), choice(plan, today)).status_code == 405
    check = client.get(reverse("board_pack_issue"), choice(plan, today))
    assert check.status_code == 200
    assert "Check the board pack before issuing it" in check.content.decode()
    assert not BoardPack.objects.exists()
    assert not PackJob.objects.exists()


def test_a_download_is_not_answered_to_head_requests(client, board_member, issued):
    signed_in(client, board_member)
    assert client.head(reverse("board_pack_download", args=[issued.pk])).status_code == 405
    assert not PackDownload.objects.exists()


# -- the business manager's journey ---------------------------------------------------


def test_the_form_offers_the_plan_and_asks_for_the_dates(client, manager, plan):
    signed_in(client, manager)
    response = client.get(reverse("board_pack_new"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ["Prepare a board pack", 'name="as_at-day"', 'name="since-year"', plan.title]:
        assert text in page


def test_the_preview_shows_the_draft_pack_in_the_browser(client, manager, plan, today):
    signed_in(client, manager)
    response = client.get(reverse("board_pack_preview"), choice(plan, today))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Draft board pack",
        "govuk-summary-list",
        "Issue this pack",
        "Make the draft PDF",
        "RAG ratings by section",
        "<svg",
        "7.6",
        "Not rated",
    ]:
        assert text in page
    assert "<h1" in page and page.count("<h1") == 1


def test_asking_for_the_draft_pdf_queues_it_and_shows_its_progress(client, manager, plan, today):
    signed_in(client, manager)

    response = client.post(reverse("board_pack_draft_pdf"), choice(plan, today))

    job = PackJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("board_pack_job", args=[job.pk])
    assert (job.plan, job.kind, job.as_at, job.since_date) == (plan, "draft", today, None)
    assert (job.requested_by, job.status) == (manager, "queued")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "reporting.tasks.make_board_pack",
        [job.pk],
    )
    assert job.history.get().history_change_reason == "Requested: draft pdf"

    page = client.get(response["Location"])

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert REFRESH in text
    assert (
        f'<a class="govuk-link" href="{reverse("board_pack_job", args=[job.pk])}">Refresh</a>'
        in text
    )
    assert "Waiting to start" in text and "refreshes itself every 3 seconds" in text
    assert "worker may not be running" not in text
    assert reverse("board_pack_job_pdf", args=[job.pk]) not in text
    assert "<script>" not in text and "style=" not in text


def test_a_job_waiting_for_more_than_a_minute_says_the_worker_may_not_be_running(
    client, manager, plan, today
):
    signed_in(client, manager)
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=2)):
        job = make_job(plan, manager, today)
    text = client.get(reverse("board_pack_job", args=[job.pk])).content.decode()
    assert REFRESH in text
    assert "the worker may not be running" in text and "manage.py db_worker" in text


def test_a_running_job_says_it_is_being_made_and_keeps_refreshing(client, manager, plan, today):
    signed_in(client, manager)
    job = make_job(plan, manager, today)
    job.start()
    text = client.get(reverse("board_pack_job", args=[job.pk])).content.decode()
    assert REFRESH in text
    assert "Being made" in text and "The pack is being made" in text


def test_a_job_unfinished_after_half_an_hour_says_the_worker_has_probably_stopped(
    client, manager, plan, today
):
    signed_in(client, manager)
    # Asked for in the past (travelling forward would end the session instead).
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=31)):
        job = make_job(plan, manager, today)
        job.start()
    text = client.get(reverse("board_pack_job", args=[job.pk])).content.decode()
    assert "the board pack worker has probably stopped" in text
    assert "Ask for it again" in text


def test_the_draft_pdf_is_made_and_offered_as_a_download(
    client, manager, plan, today, immediate, fake_pdf
):
    signed_in(client, manager)

    response = client.post(reverse("board_pack_draft_pdf"), choice(plan, today), follow=True)

    job = PackJob.objects.get()
    assert response.redirect_chain == [(reverse("board_pack_job", args=[job.pk]), 302)]
    assert job.status == "done" and bytes(job.pdf) == FAKE_PDF
    page = response.content.decode()
    assert "The draft PDF is ready" in page
    assert REFRESH not in page and ">Refresh</a>" not in page
    assert reverse("board_pack_job_pdf", args=[job.pk]) in page

    download = client.get(reverse("board_pack_job_pdf", args=[job.pk]))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="board-pack-{plan.slug}-{today:%Y-%m-%d}-draft.pdf"'
    )
    assert download.content == FAKE_PDF
    assert not BoardPack.objects.exists()
    assert not PackDownload.objects.exists()


def test_issuing_makes_the_pack_in_the_background_and_links_to_its_download(
    client, manager, plan, today, immediate
):
    signed_in(client, manager)

    response = client.post(reverse("board_pack_issue"), choice(plan, today), follow=True)

    job = PackJob.objects.get()
    assert response.redirect_chain == [(reverse("board_pack_job", args=[job.pk]), 302)]
    pack = BoardPack.objects.get()
    assert (job.status, job.kind, job.pack) == ("done", "issue", pack)
    assert (pack.plan, pack.as_at, pack.since_date, pack.issued_by) == (plan, today, today, manager)
    assert pack.issued_by_name == "Manager Tester"
    assert pack.history.get().history_user_id == manager.pk
    assert hashlib.sha256(bytes(pack.pdf)).hexdigest() == pack.sha256
    page = response.content.decode()
    assert "Board pack issued" in page and REFRESH not in page
    assert reverse("board_pack_download", args=[pack.pk]) in page
    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    assert "Issued" in reader.pages[0].extract_text()
    assert "DRAFT" not in reader.pages[0].extract_text()

    download = client.get(reverse("board_pack_download", args=[pack.pk]))
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert hashlib.sha256(download.content).hexdigest() == pack.sha256
    assert PackDownload.objects.get().user == manager


def test_a_failed_job_says_so_plainly(client, manager, plan, today):
    signed_in(client, manager)
    job = make_job(plan, manager, today, kind="issue")
    job.start()
    job.fail("A board pack as at 1 May 2026 has already been issued for this plan")

    text = client.get(reverse("board_pack_job", args=[job.pk])).content.decode()

    assert "The pack was not issued" in text
    assert "has already been issued for this plan" in text
    assert REFRESH not in text and ">Refresh</a>" not in text
    assert "Back to the preview" in text


def test_an_unexpected_failure_is_logged_and_shown_without_internals(
    client, manager, plan, today, immediate, monkeypatch, caplog
):
    def broken(html):
        raise RuntimeError("internal detail /srv/secret")

    monkeypatch.setattr(issuing, "render_pack_pdf", broken)
    signed_in(client, manager)

    response = client.post(reverse("board_pack_draft_pdf"), choice(plan, today), follow=True)

    job = PackJob.objects.get()
    assert (job.status, job.error) == ("failed", UNEXPECTED)
    text = response.content.decode()
    assert "The draft PDF was not made" in text and "The details have been logged" in text
    assert "RuntimeError" not in text and "/srv/secret" not in text
    assert "internal detail /srv/secret" in caplog.text


def test_issuing_twice_for_the_same_date_is_refused_clearly(
    client, manager, plan, today, immediate, fake_pdf
):
    signed_in(client, manager)
    first = client.post(reverse("board_pack_issue"), choice(plan, today))
    assert first.status_code == 302 and PackJob.objects.get().status == "done"

    response = client.post(reverse("board_pack_issue"), choice(plan, today))

    assert response.status_code == 200
    assert "has already been issued for this plan" in response.content.decode()
    assert BoardPack.objects.count() == 1
    assert PackJob.objects.count() == 1


def test_pressing_issue_again_while_it_is_being_made_follows_the_same_job(
    client, manager, plan, today
):
    signed_in(client, manager)
    first = client.post(reverse("board_pack_issue"), choice(plan, today))
    second = client.post(reverse("board_pack_issue"), choice(plan, today))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert PackJob.objects.count() == DBTaskResult.objects.count() == 1


def test_the_board_packs_page_lists_recent_jobs_for_the_business_manager_only(
    client, manager, board_member, draft_job
):
    link = reverse("board_pack_job", args=[draft_job.pk])
    assert link in signed_in(client, manager).get(reverse("board_packs")).content.decode()
    assert link not in signed_in(client, board_member).get(reverse("board_packs")).content.decode()


def test_the_preview_warns_when_that_date_has_been_issued(client, manager, issued, today):
    signed_in(client, manager)
    page = client.get(reverse("board_pack_preview"), choice(issued.plan, today)).content.decode()
    assert "has already been issued for this plan" in page
    assert "Issue this pack" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the as-at date"),
        ({"as_at": ""}, "Enter the as-at date"),
        ({"as_at": "31/02/2015"}, "The as-at date must be a real date"),
        ({"as_at": "2999-01-01"}, "The as-at date must be today or in the past"),
        ({"as_at": "TODAY", "since": "TODAY"}, "The since date must be before the as-at date"),
        ({"as_at": "TODAY", "since": "2999-01-01"}, "The since date must be before the as-at date"),
        ({"as_at": "TODAY", "since": "soon"}, "The since date must be a real date"),
        ({"as_at": "TODAY", "plan": "no-such-plan"}, "Select a plan from the list"),
        ({"as_at": "2015-03-31", "plan": "cse-2015"}, "must be on or after 1 April 2015"),
    ],
)
@pytest.mark.parametrize("name", ["board_pack_preview", *MANAGER_ONLY_POST])
def test_bad_choices_show_the_form_again_with_a_clear_error_and_change_nothing(
    client, manager, plan_of_2015, today, fake_pdf, name, data, message
):
    data = {"plan": "cse-2015", **data}
    data = {key: today.isoformat() if value == "TODAY" else value for key, value in data.items()}
    signed_in(client, manager)
    send = client.post if name in MANAGER_ONLY_POST else client.get
    response = send(reverse(name), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert not BoardPack.objects.exists()
    assert not PackJob.objects.exists()


def test_a_past_pack_can_be_issued_for_a_plan_with_a_past(
    client, manager, plan_of_2015, immediate, fake_pdf
):
    signed_in(client, manager)
    response = client.post(
        reverse("board_pack_issue"), choice(plan_of_2015, datetime.date(2015, 9, 30))
    )
    assert response.status_code == 302
    pack = BoardPack.objects.get()
    assert (pack.period_label, pack.since_date) == ("Quarter 2, 2015/16", datetime.date(2015, 4, 1))
