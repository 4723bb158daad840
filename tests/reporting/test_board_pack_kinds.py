"""The two kinds of pack: the full plan, and the exception report most boards read.

Chosen on the form (the exception report is offered first), carried from the preview to
the draft PDF and the issued pack, and on the command line with ``--kind``. What each
shows: the PDF tests are in test_board_pack_layout.py."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import Rag
from reporting.models import BoardPack, PackJob, PackKind
from reporting.pack import pack_context
from tests.served import hidden_fields

from .conftest import FAKE_PDF, add_evidence_on, london, rate_on

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)


def signed_in(client, user):
    client.force_login(user)
    return client


def in_full(context):
    return [row.action.ref for part in context["parts"] for row in part.rows if row.in_full]


# -- what is in full ------------------------------------------------------------------


def test_the_exception_report_has_red_amber_overdue_and_changed_actions_in_full(plan_of_2015):
    rate_on(plan_of_2015, "7.1", Rag.RED, "Training stopped", london(2015, 8, 3, 10))
    add_evidence_on(plan_of_2015, "7.3", "E-safety pack out", london(2015, 8, 4, 10))
    rate_on(plan_of_2015, "7.6", Rag.AMBER, "After the as-at date", london(2015, 10, 2, 10))

    context = pack_context(plan_of_2015, SEPT_30, kind=PackKind.EXCEPTIONS)

    amber = ["2.1", "3.1", "3.2", "4.1", "5.1", "6.1", "6.2"]
    overdue = ["1.1", "2.2", "3.2", "4.1", "4.2", "6.1", "6.2", "6.3", "6.4"]
    assert in_full(context) == sorted(
        {*amber, *overdue, "7.1", "7.3"}, key=lambda ref: [int(n) for n in ref.split(".")]
    )
    assert context["in_full"] == 14
    one_line = [row.action.ref for part in context["parts"] for row in part.rows if not row.in_full]
    assert one_line == ["2.3", "7.2", "7.4", "7.5", "7.6"]
    changed = [row.action.ref for part in context["parts"] for row in part.rows if row.changed]
    assert changed == ["7.1", "7.3"]


def test_the_full_plan_has_every_action_in_full(plan_of_2015):
    context = pack_context(plan_of_2015, SEPT_30)
    assert context["kind"] == PackKind.FULL
    assert len(in_full(context)) == context["in_full"] == 19


def test_an_exception_report_takes_the_same_queries_as_the_full_plan(plan_of_2015):
    counted = {}
    for kind in PackKind:
        with CaptureQueriesContext(connection) as queries:
            pack_context(plan_of_2015, SEPT_30, kind=kind)
        counted[kind] = len(queries)
    assert counted[PackKind.EXCEPTIONS] == counted[PackKind.FULL] <= 15


# -- in the browser ---------------------------------------------------------------------


def test_the_form_offers_both_kinds_with_the_exception_report_chosen(client, manager, plan):
    page = signed_in(client, manager).get(reverse("board_pack_new")).content.decode()
    assert "What the pack shows" in page
    assert (
        'type="radio" value="exceptions" checked>' in page and 'type="radio" value="full">' in page
    )
    assert "Full plan: every action in full" in page
    assert (
        "Exception report: actions rated Red or Amber, overdue or changed in the period in "
        "full; every other action on one line" in page
    )


def test_the_preview_of_an_exception_report_puts_the_other_actions_on_one_line(
    client, manager, plan_of_2015
):
    signed_in(client, manager)
    response = client.get(
        reverse("board_pack_preview"),
        {"plan": "cse-2015", "kind": "exceptions", "as_at": "2015-09-30"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Exception report, Quarter 2, 2015/16, as at 30 September 2015" in page
    assert "(12 of 19 actions in full)" in page
    assert page.count('class="bp-row bp-row--line"') == 7
    assert hidden_fields(page)["kind"] == "exceptions"


def test_a_draft_exception_report_is_made_and_named_for_its_kind(
    client, manager, plan_of_2015, immediate, fake_pdf
):
    signed_in(client, manager)
    preview = client.get(
        reverse("board_pack_preview"),
        {"plan": "cse-2015", "kind": "exceptions", "as_at": "2015-09-30"},
    )
    response = client.post(
        reverse("board_pack_draft_pdf"), hidden_fields(preview.content), follow=True
    )
    job = PackJob.objects.get()
    assert (job.kind, job.pack_kind, job.status) == ("draft", "exceptions", "done")
    assert "Exception report" in response.content.decode()
    download = client.get(reverse("board_pack_job_pdf", args=[job.pk]))
    assert download["Content-Disposition"] == (
        'attachment; filename="board-pack-cse-2015-2015-09-30-exceptions-draft.pdf"'
    )


def test_an_issued_exception_report_is_listed_as_one_for_every_member(
    client, manager, board_member, plan_of_2015, immediate, fake_pdf
):
    signed_in(client, manager)
    preview = client.get(
        reverse("board_pack_preview"),
        {"plan": "cse-2015", "kind": "exceptions", "as_at": "2015-09-30"},
    )
    client.post(reverse("board_pack_issue"), hidden_fields(preview.content))

    pack = BoardPack.objects.get()
    assert pack.kind == "exceptions"
    assert pack.filename == "board-pack-cse-2015-2015-09-30-exceptions.pdf"
    listing = signed_in(client, board_member).get(reverse("board_packs")).content.decode()
    assert "Exception report" in listing
    download = client.get(reverse("board_pack_download", args=[pack.pk]))
    assert download.status_code == 200 and download.content == FAKE_PDF


def test_a_link_without_a_kind_makes_the_full_plan_as_before(
    client, manager, plan_of_2015, immediate, fake_pdf
):
    signed_in(client, manager)
    client.post(reverse("board_pack_issue"), {"plan": "cse-2015", "as_at": "2015-09-30"})
    assert BoardPack.objects.get().kind == "full"


@pytest.mark.parametrize("name", ["board_pack_preview", "board_pack_draft_pdf", "board_pack_issue"])
@pytest.mark.parametrize("kind", ["everything", "FULL", "full\x00", " "])
def test_an_unknown_kind_is_a_clear_error_and_changes_nothing(
    client, manager, plan_of_2015, fake_pdf, name, kind
):
    signed_in(client, manager)
    send = client.get if name == "board_pack_preview" else client.post
    response = send(reverse(name), {"plan": "cse-2015", "kind": kind, "as_at": "2015-09-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Select full plan or exception report" in page
    assert not PackJob.objects.exists() and not BoardPack.objects.exists()


# -- on the command line ---------------------------------------------------------------


def test_the_command_writes_an_exception_report(plan_of_2015, tmp_path):
    target = tmp_path / "pack.pdf"
    err = io.StringIO()
    call_command(
        "board_pack", "--plan", "cse-2015", "--as-at", "2015-09-30", "--kind", "exceptions",
        "--output", str(target), stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert "(exception report)" in err.getvalue()
    reader = PdfReader(target)
    assert "Exception report, Quarter 2, 2015/16" in reader.pages[0].extract_text()
    assert reader.metadata.title.startswith("Board pack (exception report): ")


def test_the_command_refuses_an_unknown_kind(plan_of_2015, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'some'"):
        call_command(
            "board_pack", "--plan", "cse-2015", "--as-at", "2015-09-30", "--kind", "some",
            "--output", str(tmp_path / "pack.pdf"), stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "pack.pdf").exists()
