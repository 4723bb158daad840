"""Board packs made in the background.

Rendering a pack is WeasyPrint's work: about 2 s for the real plan of 19 actions, about a
minute for 1,000 actions (measured with ``make bench``; see README "Board packs"). A web
request must not wait for that, so the pages record a ``PackJob`` and queue
``make_board_pack``; one worker (``manage.py db_worker`` from django-tasks-db, started by
``make run``) takes it from the queue table and makes the pack, and the progress page
reads the job.

The job, not the task queue, is the record people see: it keeps who asked for what and
how it went, with history, whichever task backend runs it (the database backend in
production, the immediate backend in tests).
"""

import logging

from django.db import transaction
from django_tasks import task

from actionplan.snapshot import PlanDidNotExist

from .issuing import PackAlreadyIssued, draft_pdf, issue_pack
from .models import PackJob, PackKind

logger = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong while making the pack, and it was not made. "
    "The details have been logged. Try again, and if it fails again, "
    "tell whoever runs the service."
)


def request_pack(kind, plan, as_at, since=None, *, by, pack_kind=PackKind.FULL):
    """Record the request (``kind``: a draft or an issue; ``pack_kind``: the full plan or
    an exception report) and queue it for the worker; the job shows its progress.

    The job row and the queued task are written in one transaction, so the worker never
    sees a task without its job, and a job is never left without its task."""
    with transaction.atomic():
        job = PackJob(
            plan=plan,
            kind=kind,
            pack_kind=pack_kind,
            as_at=as_at,
            since_date=since,
            requested_by=by,
        )
        job._change_reason = f"Requested: {job.get_kind_display().lower()}"
        job.save()
        make_board_pack.enqueue(job.pk)
    return job


@task()
def make_board_pack(job_id):
    """Make the pack job ``job_id`` asks for; returns the job's status."""
    return run_job(PackJob.objects.select_related("plan", "requested_by").get(pk=job_id))


def run_job(job):
    if job.status != PackJob.Status.QUEUED:  # made already: the queue ran it twice
        return job.status
    job.start()
    try:
        made = {"by": job.requested_by, "kind": job.pack_kind}
        if job.kind == PackJob.Kind.ISSUE:
            job.succeed(pack=issue_pack(job.plan, job.as_at, job.since_date, **made))
        else:
            job.succeed(pdf=draft_pdf(job.plan, job.as_at, job.since_date, **made))
    except (PackAlreadyIssued, PlanDidNotExist) as refusal:
        job.fail(str(refusal))
    except Exception:
        logger.exception("Board pack job %s (%s) failed", job.pk, job)
        job.fail(UNEXPECTED)
        raise  # so the task queue records the failure and its traceback too
    return job.status
