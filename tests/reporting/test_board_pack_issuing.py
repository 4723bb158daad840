"""An issued pack is a record of what the board was given: stored once, never changed."""

import datetime
import hashlib

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from actionplan.models import Rag
from reporting import issuing
from reporting.issuing import PackAlreadyIssued, issue_pack
from reporting.models import BoardPack, IssuedPackIsFinal, PackDownload
from reporting.pack import pack_context

from .conftest import london, rate_on

pytestmark = pytest.mark.django_db
JUNE_30 = datetime.date(2015, 6, 30)
SEPT_30 = datetime.date(2015, 9, 30)


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(issuing, "render_pack_pdf", lambda html: b"%PDF-1.7 " + html[:40].encode())


def test_an_issued_pack_stores_plan_period_dates_who_when_pdf_and_its_sha256(plan_of_2015, manager):
    pack = issue_pack(plan_of_2015, JUNE_30, by=manager)
    pack.refresh_from_db()
    assert (pack.plan, pack.period_label, pack.as_at, pack.since_date) == (
        plan_of_2015,
        "Quarter 1, 2015/16",
        JUNE_30,
        datetime.date(2015, 4, 1),
    )
    assert (pack.issued_by, pack.issued_by_name) == (manager, "Manager Tester")
    assert bytes(pack.pdf).startswith(b"%PDF")
    assert pack.sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()
    assert str(pack) == "Child Sexual Exploitation Operational Action Plan as at 30 June 2015"
    assert pack.history.get().history_type == "+"


def test_the_issued_pack_is_the_baseline_of_the_next_one(plan_of_2015, manager, fake_pdf):
    rate_on(plan_of_2015, "2.1", Rag.RED, "Slipped in May", london(2015, 5, 5, 10))
    june = issue_pack(plan_of_2015, JUNE_30, by=manager)
    rate_on(plan_of_2015, "2.1", Rag.GREEN, "Recovered in August", london(2015, 8, 5, 10))

    september = issue_pack(plan_of_2015, SEPT_30, by=manager)
    context = pack_context(plan_of_2015, SEPT_30)

    assert (september.previous_pack, september.since_date) == (june, JUNE_30)
    assert [change.reason for change in context["changes"].ratings] == ["Recovered in August"]


def test_an_issued_pack_cannot_be_changed_or_deleted(plan_of_2015, manager, fake_pdf):
    pack = issue_pack(plan_of_2015, JUNE_30, by=manager)
    pack.period_label = "Something else"
    with pytest.raises(IssuedPackIsFinal, match="has been issued and cannot be changed"):
        pack.save()
    with pytest.raises(IssuedPackIsFinal, match="cannot be deleted"):
        pack.delete()
    pack.refresh_from_db()
    assert pack.period_label == "Quarter 1, 2015/16"


def test_issuing_twice_for_the_same_plan_and_date_is_refused(plan_of_2015, manager, fake_pdf):
    issue_pack(plan_of_2015, JUNE_30, by=manager)
    with pytest.raises(PackAlreadyIssued, match="as at 30 June 2015 has already been issued"):
        issue_pack(plan_of_2015, JUNE_30)
    assert BoardPack.objects.count() == 1


def test_the_database_refuses_a_second_pack_for_the_same_date_by_its_named_constraint(
    plan_of_2015,
):
    def make():
        BoardPack(
            plan=plan_of_2015,
            period_label="Q",
            as_at=JUNE_30,
            since_date=JUNE_30,
            issued_by_name="Test",
            pdf=b"%PDF",
        ).save()

    make()
    refused = pytest.raises(IntegrityError, match="board_pack_once_per_plan_date|UNIQUE")
    with refused, transaction.atomic():
        make()


def test_downloads_are_recorded_with_who_and_when(plan_of_2015, manager, board_member, fake_pdf):
    pack = issue_pack(plan_of_2015, JUNE_30, by=manager)
    download = pack.record_download(board_member)
    assert (download.pack, download.user) == (pack, board_member)
    assert str(download).startswith(f"{pack} downloaded by board.member on ")
    assert list(PackDownload.objects.all()) == [download]


def test_the_admin_shows_packs_but_cannot_add_change_or_delete_them(
    client, plan_of_2015, manager, fake_pdf
):
    pack = issue_pack(plan_of_2015, JUNE_30, by=manager)
    request = RequestFactory().get("/")
    manager.is_superuser = manager.is_staff = True
    manager.save()
    request.user = manager
    for model in (BoardPack, PackDownload):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request, pack)
        assert not admin.has_delete_permission(request, pack)
    client.force_login(manager)
    page = client.get(reverse("admin:reporting_boardpack_change", args=[pack.pk]))
    assert page.status_code == 200
    assert pack.sha256 in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:reporting_boardpack_changelist")).status_code == 200
