"""Packs made in the background: a job records the request, the worker (django-tasks-db's
``db_worker``) takes it from the queue, makes the pack and records how it went."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from reporting import issuing
from reporting.models import BoardPack, PackJob
from reporting.tasks import UNEXPECTED, request_pack, run_job

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)
FAKE_PDF = b"%PDF-1.7 made by the worker"


@pytest.fixture
def fake_pdf(monkeypatch):
    """The worker is under test here, not WeasyPrint (test_board_pack_pdf.py)."""
    monkeypatch.setattr(issuing, "render_pack_pdf", lambda html: FAKE_PDF)


@pytest.fixture
def run_the_worker_once(monkeypatch):
    """What ``manage.py db_worker`` does, once: take the next task, run it, stop.

    The worker checks its database connection between tasks; inside a test's
    transaction that would close it (Django's test client skips that check too)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        db_worker.Worker(
            queue_names=["default"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            max_tasks=1,
            backend_name="default",
            startup_delay=False,
            worker_id="test-worker",
        ).run()

    return run


def test_the_worker_picks_up_a_queued_draft_and_makes_it(
    plan_of_2015, manager, fake_pdf, run_the_worker_once
):
    job = request_pack(PackJob.Kind.DRAFT, plan_of_2015, SEPT_30, by=manager)
    assert job.status == "queued"

    run_the_worker_once()

    job.refresh_from_db()
    assert (job.status, bytes(job.pdf), job.error) == ("done", FAKE_PDF, "")
    assert job.started_at <= job.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not BoardPack.objects.exists()
    history = job.history.order_by("history_date", "history_id")
    assert [(h.status, h.history_change_reason) for h in history] == [
        ("queued", "Requested: draft pdf"),
        ("running", "Started by the worker"),
        ("done", "Made by the worker"),
    ]


def test_the_worker_issues_a_queued_pack_as_the_person_who_asked(
    plan_of_2015, manager, fake_pdf, run_the_worker_once
):
    job = request_pack(
        PackJob.Kind.ISSUE, plan_of_2015, SEPT_30, datetime.date(2015, 6, 30), by=manager
    )

    run_the_worker_once()

    job.refresh_from_db()
    pack = BoardPack.objects.get()
    assert (job.status, job.pack) == ("done", pack)
    assert (pack.as_at, pack.since_date, pack.issued_by) == (
        SEPT_30,
        datetime.date(2015, 6, 30),
        manager,
    )
    assert bytes(pack.pdf) == FAKE_PDF
    record = pack.history.get()
    assert (record.history_user_id, record.history_user_name) == (manager.pk, "Manager Tester")


def test_two_issues_of_the_same_date_end_with_one_pack_and_a_clear_refusal(
    plan_of_2015, manager, fake_pdf, run_the_worker_once
):
    first = request_pack(PackJob.Kind.ISSUE, plan_of_2015, SEPT_30, by=manager)
    second = request_pack(PackJob.Kind.ISSUE, plan_of_2015, SEPT_30, by=manager)

    run_the_worker_once()
    run_the_worker_once()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "done"
    assert second.status == "failed"
    assert second.error.startswith(
        "A board pack as at 30 September 2015 has already been issued for this plan"
    )
    assert BoardPack.objects.count() == 1


def test_an_unexpected_error_fails_the_job_plainly_and_the_task_keeps_the_traceback(
    plan_of_2015, manager, monkeypatch, run_the_worker_once
):
    def broken(html):
        raise MemoryError("out of memory in WeasyPrint")

    monkeypatch.setattr(issuing, "render_pack_pdf", broken)
    job = request_pack(PackJob.Kind.DRAFT, plan_of_2015, SEPT_30, by=manager)

    run_the_worker_once()

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", UNEXPECTED)
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    assert "out of memory in WeasyPrint" in task.traceback


def test_a_job_already_made_is_not_made_again(plan_of_2015, manager, fake_pdf):
    job = request_pack(PackJob.Kind.DRAFT, plan_of_2015, SEPT_30, by=manager)
    assert run_job(job) == "done"
    made = job.history.count()

    assert run_job(PackJob.objects.get(pk=job.pk)) == "done"
    assert job.history.count() == made


def test_a_job_reads_like_what_was_asked_for(plan_of_2015, manager):
    job = PackJob(plan=plan_of_2015, kind="issue", as_at=SEPT_30, requested_by=manager)
    assert str(job) == (
        "Issued pack of Child Sexual Exploitation Operational Action Plan as at 30 September 2015"
    )
    assert job.in_progress and not job.looks_stuck


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": "done"}, "pack_job_done_has_its_pdf"),
        ({"kind": "issue", "status": "done", "pdf": FAKE_PDF}, "pack_job_done_has_its_pdf"),
        ({"since_date": SEPT_30}, "pack_job_since_before_as_at"),
        ({"status": "lost"}, "pack_job_kind_and_status_known"),
    ],
)
def test_the_database_refuses_a_job_that_cannot_be_by_its_named_constraints(
    plan_of_2015, manager, fields, constraint
):
    job = PackJob(
        plan=plan_of_2015, as_at=SEPT_30, requested_by=manager, **{"kind": "draft", **fields}
    )
    refused = pytest.raises(IntegrityError, match=f"{constraint}|CHECK")
    with refused, transaction.atomic():
        job.save()


def test_the_admin_shows_jobs_but_cannot_change_them(client, plan_of_2015, manager, fake_pdf):
    job = request_pack(PackJob.Kind.DRAFT, plan_of_2015, SEPT_30, by=manager)
    manager.is_superuser = manager.is_staff = True
    manager.save()
    client.force_login(manager)
    page = client.get(reverse("admin:reporting_packjob_change", args=[job.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:reporting_packjob_changelist")).status_code == 200
