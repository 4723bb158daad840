"""The spreadsheet round trip in the browser: download, change, upload, check, save."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.served import submit

from .test_spreadsheet_updates import exported, returned

pytestmark = pytest.mark.django_db


def urls(plan):
    return [
        reverse(name, kwargs={"slug": plan.slug})
        for name in ("plan_updates", "plan_updates_check", "plan_updates_save")
    ]


def bring_back(client, plan, data, name="returned.xlsx"):
    upload, _, _ = urls(plan)
    return submit(client, upload, {"file": SimpleUploadedFile(name, data)})


def test_a_lead_brings_back_the_downloaded_sheet_and_saves_their_evidence(
    plan, client, awaken_lead, get_action
):
    client.force_login(awaken_lead)
    download = client.get(reverse("export_xlsx_for", kwargs={"slug": plan.slug}))
    action = get_action("3.1")
    position = "\n".join(e.text for e in action.evidence_entries.all())
    data = returned(
        download.content, {"3.1": {"Current position": position + "\nParents' group started"}}
    )
    _, check, save = urls(plan)

    response = bring_back(client, plan, data)

    assert response["Location"] == check
    page = client.get(check).content.decode()
    assert "1 action will be changed" in page
    assert "Parents&#x27; group started" in page
    assert f'<form method="post" action="{save}"' in page  # "Save these changes"
    response = client.post(save)
    assert response["Location"] == reverse("plan_overview_for", kwargs={"slug": plan.slug})
    assert (
        "The changes to 3.1 have been saved." in client.get(response["Location"]).content.decode()
    )
    assert action.evidence_entries.filter(text="Parents' group started").exists()


def test_the_check_page_shows_a_conflict_and_what_the_person_may_not_change(
    plan, client, board_member, chair, get_action
):
    data = returned(exported(plan), {"5.1": {"RAG": "Red"}, "2.2": {"RAG": "Red"}})
    get_action("5.1").rate("green", "Signed off", by=chair)
    client.force_login(chair)
    bring_back(client, plan, data)

    page = client.get(urls(plan)[1]).content.decode()

    assert "5.1 has been changed in the tracker since the spreadsheet was exported" in page
    assert "1 action will be changed; 1 conflict will not be saved." in page
    client.force_login(board_member)
    bring_back(client, plan, data)
    page = client.get(urls(plan)[1]).content.decode()
    assert "RAG: only the chair of the group that owns the plan rates actions" in page
    assert "Save these changes" not in page


def test_a_workbook_that_is_not_a_returned_export_is_refused_on_the_upload_page(
    plan, client, chair
):
    client.force_login(chair)

    response = bring_back(client, plan, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", name="plan.xls")

    assert "is not an Excel workbook (.xlsx)" in response.content.decode()


def test_a_closed_plan_takes_no_spreadsheet_back(plan, client, chair):
    plan.close("Replaced")
    client.force_login(chair)

    assert client.get(urls(plan)[0]).status_code == 403
