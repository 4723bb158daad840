"""Attachments in a real browser: a lead attaches a document to their entry, a board
member downloads it, a web page dressed as a PDF is refused, and the lead withdraws it."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actionplan.models import Attachment, EvidenceEntry
from agencies.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def entry(get_action, awaken_lead):
    entry = EvidenceEntry(
        action=get_action("3.1"),
        text="Drop-in sessions running at the youth centre",
        activity_date=datetime.date(2015, 6, 1),
        agency=Agency.objects.get(slug="awaken"),
        recorded_by=awaken_lead,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    return entry


def test_a_lead_attaches_a_pdf_a_member_downloads_it_and_the_lead_withdraws_it(
    sign_in, live_server, awaken_lead, board_member, entry, tmp_path, browser
):
    page = sign_in(awaken_lead)
    page.goto(f"{live_server.url}/actions/{entry.action_id}/")
    page.get_by_role("link", name="Attach documents or a link to this entry").click()

    fake = tmp_path / "Minutes.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    page.get_by_label("Files").set_input_files(str(fake))
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("web page")

    real = tmp_path / "Minutes of the May meeting.pdf"
    real.write_bytes(PDF)
    page.get_by_label("Files").set_input_files(str(real))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("1 attachment added.")).to_be_visible()
    listed = page.locator(".app-attachments")
    expect(listed).to_contain_text("Minutes of the May meeting.pdf")
    expect(listed).to_contain_text("PDF")

    member = browser.new_context(accept_downloads=True).new_page()
    board_member.set_password("correct horse battery staple")
    board_member.save()
    member.goto(f"{live_server.url}/accounts/login/")
    member.get_by_label("Username").fill(board_member.username)
    member.get_by_label("Password").fill("correct horse battery staple")
    member.get_by_role("button", name="Sign in").click()
    member.goto(f"{live_server.url}/actions/{entry.action_id}/")
    with member.expect_download() as download:
        member.get_by_role("link", name="Minutes of the May meeting.pdf").click()
    assert download.value.suggested_filename == "Minutes of the May meeting.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    page.get_by_role("link", name="Withdraw Minutes of the May meeting.pdf").click()
    page.get_by_label("Why are you withdrawing this attachment?").fill("Draft minutes, not agreed")
    page.get_by_role("button", name="Withdraw attachment").click()
    expect(page.locator(".app-attachments")).not_to_contain_text("Minutes of the May meeting")
    attachment = Attachment.objects.get()
    assert attachment.is_withdrawn and attachment.withdrawn_reason == "Draft minutes, not agreed"
