"""Bringing plans in, in a real browser: the business manager imports a Word plan, and
an agency lead sends the Excel download round and brings it back."""

import pytest
from playwright.sync_api import expect

from actionplan.models import EvidenceEntry, Plan
from tests.imports import documents
from tests.imports.test_spreadsheet_updates import returned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.browser_context_args(bypass_csp=True)  # axe-core is injected inline
def test_the_manager_imports_the_seed_plan_from_word(
    sign_in, live_server, manager, tmp_path, axe_violations
):
    document = tmp_path / "CSE plan September 2015.docx"
    document.write_bytes(documents.seed_document())
    page = sign_in(manager)
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Import a plan from Word").click()
    page.get_by_label("Word document").set_input_files(str(document))
    page.get_by_label("Title of the plan").fill("CSE plan as at September 2015")
    page.get_by_label("Owning group").fill("CSE Priority Group")
    page.get_by_label("Short name for addresses").fill("cse-2015")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.locator("#counts")).to_have_text(
        "7 sections, 19 actions, 27 leads, 108 evidence entries, 14 ratings"
    )
    assert axe_violations() == []
    date = page.get_by_role(
        "group", name="This document shows the plan as at"
    )  # Day, Month, Year boxes
    date.get_by_label("Day").fill("30")
    date.get_by_label("Month").fill("9")
    date.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Create the plan").click()

    expect(page.get_by_text("“CSE plan as at September 2015” has been imported")).to_be_visible()
    assert Plan.objects.get(slug="cse-2015").imported_from.file_name == document.name


def test_a_lead_brings_back_the_excel_download_with_new_evidence(
    sign_in, live_server, awaken_lead, plan, get_action, tmp_path
):
    page = sign_in(awaken_lead)
    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    action = get_action("3.1")
    position = "\n".join(e.text for e in action.evidence_entries.all())
    sheet = tmp_path / "returned.xlsx"
    sheet.write_bytes(
        returned(
            download.value.path().read_bytes(),
            {"3.1": {"Current position": position + "\nParents' group started"}},
        )
    )

    page.get_by_role("link", name="Bring back a returned spreadsheet").click()
    page.get_by_label("Returned spreadsheet").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload and check the changes").click()
    expect(page.locator("#summary")).to_have_text("1 action will be changed.")
    page.get_by_role("button", name="Save these changes").click()

    expect(page.get_by_text("The changes to 3.1 have been saved.")).to_be_visible()
    assert EvidenceEntry.objects.filter(action=action, text="Parents' group started").exists()
