"""Issuing a board pack is checked first, and a pack issued by mistake can be withdrawn
(issue 13): what the business manager sees, and what the pack keeps."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse

from agencies.models import AuditEvent
from reporting.models import BoardPack, IssuedPackIsFinal, PackJob
from reporting.pack import pack_period
from tests.served import submit

from .conftest import FAKE_PDF

pytestmark = pytest.mark.django_db


def issue(plan, as_at, by=None):
    pack = BoardPack(
        plan=plan,
        period_label="Quarter 2, 2015/16",
        as_at=as_at,
        since_date=datetime.date(2015, 6, 30),
        issued_by=by,
        issued_by_name="Manager Tester",
        pdf=FAKE_PDF,
    )
    pack.save()
    return pack


@pytest.fixture
def mistaken(plan, manager):
    """The pack as at 30 September 2015, issued by mistake."""
    return issue(plan, datetime.date(2015, 9, 30), by=manager)


def query(plan, as_at):
    return f"?plan={plan.slug}&kind=exceptions&as_at={as_at:%Y-%m-%d}"


# -- check before issuing --------------------------------------------------------------


def test_the_draft_is_the_main_button_of_the_preview_and_issue_leads_to_a_check(
    client, manager, plan
):
    client.force_login(manager)
    today = datetime.date.today()

    page = client.get(reverse("board_pack_preview") + query(plan, today)).content.decode()

    main = re.search(r'<button type="submit" class="govuk-button"[^>]*>([^<]*)</button>', page)
    assert main.group(1) == "Make the draft PDF"
    issue_link = re.search(
        r'<a href="([^"]*)"[^>]*govuk-button--secondary[^>]*>Issue this pack', page
    )
    assert issue_link.group(1).replace("&amp;", "&").startswith(reverse("board_pack_issue") + "?")
    assert f'action="{reverse("board_pack_issue")}"' not in page


def test_the_check_page_says_what_will_be_issued_and_that_it_cannot_be_undone(
    client, manager, plan
):
    client.force_login(manager)
    today = datetime.date.today()

    page = client.get(reverse("board_pack_issue") + query(plan, today)).content.decode()

    assert "Check the board pack before issuing it" in page
    for words in [plan.title, "Exception report", f"The end of {today:%-d %B %Y}", "Quarter"]:
        assert words in page
    assert "Issuing cannot be undone" in page
    assert not PackJob.objects.exists() and not BoardPack.objects.exists()


def test_only_the_check_pages_button_issues_the_pack(client, manager, plan, immediate, fake_pdf):
    client.force_login(manager)
    today = datetime.date.today()

    response = submit(client, reverse("board_pack_issue") + query(plan, today))

    pack = BoardPack.objects.get()
    assert response.status_code == 302
    assert (pack.as_at, pack.kind, pack.issued_by) == (today, "exceptions", manager)


# -- withdrawing a pack issued by mistake -----------------------------------------------


def test_the_business_manager_withdraws_a_pack_with_a_reason_and_it_is_kept_as_issued(
    client, manager, mistaken
):
    client.force_login(manager)
    listing = client.get(reverse("board_packs")).content.decode()
    withdraw_url = reverse("board_pack_withdraw", args=[mistaken.pk])
    assert withdraw_url in listing

    response = submit(client, withdraw_url, {"reason": "Issued with the wrong as-at date"})

    assert response.status_code == 302 and response["Location"] == reverse("board_packs")
    pack = BoardPack.objects.get()
    assert bytes(pack.pdf) == FAKE_PDF
    assert pack.sha256 == hashlib.sha256(FAKE_PDF).hexdigest() == mistaken.sha256
    withdrawal = pack.withdrawal
    assert (withdrawal.withdrawn_by, withdrawal.withdrawn_by_name) == (manager, "Manager Tester")
    assert withdrawal.reason == "Issued with the wrong as-at date"
    assert withdrawal.history.get().history_change_reason == (
        "Withdrawn: Issued with the wrong as-at date"
    )
    event = AuditEvent.objects.get(event=AuditEvent.Event.PACK_WITHDRAWN)
    assert (event.username, event.detail) == (manager.username, pack.filename)


def test_every_member_sees_the_pack_as_withdrawn_in_the_list_and_on_download(
    client, manager, board_member, mistaken
):
    mistaken.withdraw("Issued with the wrong as-at date", by=manager)
    client.force_login(board_member)

    listing = client.get(reverse("board_packs")).content.decode()
    download = client.get(reverse("board_pack_download", args=[mistaken.pk]))

    assert "Withdrawn" in listing
    assert "by Manager Tester: Issued with the wrong as-at date" in listing
    assert reverse("board_pack_withdraw", args=[mistaken.pk]) not in listing
    assert download["Content-Disposition"] == (
        'attachment; filename="board-pack-cse-operational-action-plan-2015-09-30-withdrawn.pdf"'
    )
    assert download.content == FAKE_PDF


def test_a_withdrawal_needs_a_reason(client, manager, mistaken):
    client.force_login(manager)

    response = submit(client, reverse("board_pack_withdraw", args=[mistaken.pk]), {"reason": " "})

    assert response.status_code == 200
    assert "Enter the reason for withdrawing this pack" in response.content.decode()
    assert not BoardPack.objects.get().is_withdrawn


def test_a_withdrawn_pack_cannot_be_withdrawn_again_nor_the_withdrawal_changed(
    client, manager, mistaken
):
    withdrawal = mistaken.withdraw("Issued with the wrong as-at date", by=manager)
    client.force_login(manager)

    again = submit(client, reverse("board_pack_withdraw", args=[mistaken.pk]), {"reason": "x"})

    assert again.status_code == 403
    withdrawal.reason = "Something else"
    with pytest.raises(IssuedPackIsFinal):
        withdrawal.save()
    with pytest.raises(IssuedPackIsFinal):
        withdrawal.delete()


def test_a_withdrawn_pack_is_no_longer_the_baseline_of_the_next_pack(plan, manager):
    june = issue(plan, datetime.date(2015, 6, 30), by=manager)
    september = issue(plan, datetime.date(2015, 9, 30), by=manager)
    december = datetime.date(2015, 12, 31)
    assert BoardPack.objects.last_before(plan, december) == september

    september.withdraw("Issued before the police had reported", by=manager)

    assert BoardPack.objects.last_before(plan, december) == june
    period = pack_period(plan, december)
    assert (period.baseline, period.since, period.previous_pack) == (
        "pack",
        datetime.date(2015, 6, 30),
        june,
    )


def test_the_date_of_a_withdrawn_pack_can_be_issued_again_and_is_then_the_baseline(
    plan_of_2015, manager, fake_pdf
):
    plan = plan_of_2015
    from reporting.issuing import PackAlreadyIssued, issue_pack

    september = datetime.date(2015, 9, 30)
    first = issue_pack(plan, september, by=manager)
    with pytest.raises(PackAlreadyIssued):
        issue_pack(plan, september, by=manager)
    first.withdraw("Issued before the police had reported", by=manager)

    second = issue_pack(plan, september, by=manager)

    assert (first.issue_number, second.issue_number) == (1, 2)
    assert BoardPack.objects.last_before(plan, datetime.date(2015, 12, 31)) == second
    with pytest.raises(PackAlreadyIssued, match="has already been issued"):
        issue_pack(plan, september, by=manager)


def test_the_admin_shows_withdrawals_but_cannot_add_change_or_delete_them(manager, mistaken):
    from django.contrib.admin import site
    from django.test import RequestFactory

    from reporting.models import PackWithdrawal

    withdrawal = mistaken.withdraw("Issued with the wrong as-at date", by=manager)
    request = RequestFactory().get("/")
    manager.is_superuser = manager.is_staff = True
    request.user = manager
    admin = site._registry[PackWithdrawal]

    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, withdrawal)
    assert not admin.has_delete_permission(request, withdrawal)
