"""The business manager imports a Word plan in the browser: upload, preview, confirm."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Action, Plan
from imports.models import PlanImport
from tests.served import submit

from . import documents

pytestmark = pytest.mark.django_db

UPLOAD = reverse("plan_import")
PREVIEW = reverse("plan_import_preview")


def upload(client, data, name="plan.docx", **fields):
    document = SimpleUploadedFile(name, data)
    return submit(client, UPLOAD, {"file": document, **fields})


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_the_manager_sees_exactly_what_the_seed_document_will_create(plan, signed_in):
    response = upload(
        signed_in, documents.seed_document(), title="CSE plan", owner="CSE Priority Group",
        slug="cse-web",
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == PREVIEW

    page = signed_in.get(PREVIEW).content.decode()

    assert "Check the plan before it is created" in page
    assert "7 sections, 19 actions, 27 leads, 108 evidence entries, 14 ratings" in page
    assert "Strategy and Governance" in page
    assert "Devise Local CSE Strategy" in page
    assert "Head of Public Protection, Lancashire Police" in page
    assert "This document shows the plan as at" in page
    assert not Plan.objects.filter(slug="cse-web").exists()


def test_confirming_creates_the_plan_dated_as_the_document_says(plan, signed_in, manager):
    data = documents.seed_document()
    upload(signed_in, data, name="CSE.docx", title="CSE plan", owner="CSE Priority Group",
           slug="cse-web", partnership="Blackpool Safeguarding Children Board")  # fmt: skip

    response = submit(signed_in, PREVIEW, {"as_of": "2015-09-30", "create": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("plan_overview_for", kwargs={"slug": "cse-web"})
    imported = Plan.objects.get(slug="cse-web")
    assert imported.partnership == "Blackpool Safeguarding Children Board"
    page = signed_in.get(response["Location"]).content.decode()
    assert "“CSE plan” has been imported: 19 actions in 7 sections" in page
    record = Action.history.filter(section__plan=imported).earliest("history_date")
    assert timezone.localtime(record.history_date).date() == datetime.date(2015, 9, 30)
    assert record.history_user_id == manager.pk
    assert "Imported from CSE.docx (sha256 " in record.history_change_reason
    kept = PlanImport.objects.get(plan=imported)
    assert hashlib.sha256(kept.file.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert kept.imported_by == manager
    document_url = reverse("plan_import_document", kwargs={"slug": "cse-web"})
    assert document_url in signed_in.get(reverse("manage")).content.decode()
    download = signed_in.get(document_url)
    assert download["Content-Disposition"] == 'attachment; filename="CSE.docx"'
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == (
        hashlib.sha256(data).hexdigest()
    )


def test_an_unrecognised_column_is_mapped_in_the_preview(plan, signed_in):
    upload(signed_in, documents.recommendations_document(), title="Child F SCR", owner="BSCB")
    page = signed_in.get(PREVIEW).content.decode()
    assert "What does the column “Milestone” hold?" in page
    assert "2 actions, 3 leads, 5 evidence entries" in page

    response = submit(signed_in, PREVIEW, {"column_0": "evidence", "remap": "1"})

    assert "2 actions, 3 leads, 7 evidence entries" in response.content.decode()
    submit(signed_in, PREVIEW, {"column_0": "evidence", "create": "1"})
    imported = Plan.objects.get(slug="child-f-scr")
    texts = (
        imported.sections.get()
        .actions.get(position=1)
        .evidence_entries.values_list("text", flat=True)
    )
    assert "Draft to board" in texts


def test_a_table_without_an_action_column_can_be_mapped_before_it_is_created(plan, signed_in):
    upload(signed_in, documents.no_action_column_document(), title="Tasks", owner="BSCB")

    page = signed_in.get(PREVIEW).content.decode()
    assert "No column of actions was found" in page
    assert "Create the plan" not in page
    refused = submit(signed_in, PREVIEW, {"column_0": "ignore", "create": "1"})
    assert refused.status_code == 200
    assert not Plan.objects.filter(slug="tasks").exists()

    page = submit(signed_in, PREVIEW, {"column_0": "action", "remap": "1"}).content.decode()

    assert "No column of actions was found" not in page
    assert "Create the plan" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.doc", documents.OLE_FILE, "is an older Word document (.doc)"),
        ("plan.docx", documents.zip_that_is_not_word(), "is not a Word document or is damaged"),
        ("plan.docx", documents.macro_enabled_document(), "with macros (.docm)"),
    ],
)
def test_a_bad_file_is_refused_on_the_upload_page(plan, signed_in, name, data, message):
    plans = Plan.objects.count()

    response = upload(signed_in, data, name=name, title="Bad", owner="BSCB")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Plan.objects.count() == plans


def test_a_plan_address_in_use_is_refused_on_the_upload_page(plan, signed_in):
    response = upload(
        signed_in, documents.seed_document(), title="CSE", owner="BSCB", slug=plan.slug
    )

    assert f"There is already a plan at “{plan.slug}”" in response.content.decode()


def test_the_preview_without_an_upload_sends_the_manager_back_to_upload(plan, signed_in):
    response = signed_in.get(PREVIEW)

    assert response.status_code == 302 and response["Location"] == UPLOAD


def test_the_preview_lists_every_warning_and_the_new_groups(plan, signed_in):
    upload(signed_in, documents.one_table_document(), title="Neglect", owner="Neglect Group")

    page = signed_in.get(PREVIEW).content.decode()

    assert "Warnings (2)" in page
    assert "“Amber/Green” was imported as Amber, the more cautious rating" in page
    assert "1.2: the timescale “Ongoing” is not a date" in page
    assert "Neglect Audit Panel (multi-agency group)" in page
    assert "Not a date" in page


def test_a_file_over_10_mb_is_refused_on_the_upload_page(plan, signed_in):
    big = documents.seed_document() + b"\0" * (10 * 1024 * 1024)

    response = upload(signed_in, big, title="Big", owner="BSCB")

    assert "The selected file must be smaller than 10 MB" in response.content.decode()


def test_the_document_cannot_show_the_plan_as_at_a_future_date(plan, signed_in):
    upload(signed_in, documents.seed_document(), title="CSE", owner="BSCB", slug="cse-future")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = submit(signed_in, PREVIEW, {"as_of": tomorrow.isoformat(), "create": "1"})

    assert "The date the document shows the plan at must be today or in the past" in (
        response.content.decode()
    )
    assert not Plan.objects.filter(slug="cse-future").exists()
