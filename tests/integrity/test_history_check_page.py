"""The business manager asks for a check of the history and sees what verify_history
says (who else may: the access matrix). The check reads every record, so the worker
makes it (integrity/tasks.py); here the task backend runs it at once."""

import pytest
from django.urls import reverse

from integrity import tasks
from integrity.models import ChainLink, HistoryCheck
from tests.served import submit

from .conftest import execute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _worker_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def check_now(client):
    """Press the page's button, as the served form posts it."""
    return submit(client, reverse("history_check"), follow=True)


def test_the_manager_asks_for_a_check_and_sees_the_history_is_intact_with_the_count(
    client, manager
):
    client.force_login(manager)
    first = client.get(reverse("history_check"))
    assert "The history has not been checked here yet." in first.text
    response = check_now(client)
    assert response.status_code == 200
    assert "The history is intact" in response.text
    assert f"{ChainLink.objects.count()} records checked, 0 issued packs" in response.text
    assert "Asked for by" in response.text and "Check again" in response.text


def test_the_manager_sees_each_changed_row_named(client, manager, rated):
    execute(
        "UPDATE actionplan_historicalaction SET rag = 'blue' WHERE history_id = %s",
        [rated.history_id],
    )
    client.force_login(manager)
    response = check_now(client)
    assert "The history has been changed outside the service" in response.text
    assert "<code>actionplan_historicalaction</code>" in response.text
    assert "changed since it was recorded" in response.text


def test_opening_the_page_reads_no_record_it_shows_the_last_check(client, manager, monkeypatch):
    client.force_login(manager)
    check_now(client)
    monkeypatch.setattr(tasks, "verify", lambda: pytest.fail("the page checked on GET"))
    response = client.get(reverse("history_check"))
    assert "The history is intact" in response.text


def test_while_a_check_is_under_way_the_page_says_so_and_refreshes_itself(
    client, manager, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(manager)
    response = check_now(client)
    assert "A check is waiting for the worker" in response.text
    assert '<meta http-equiv="refresh" content="5">' in response.text
    assert "Check again" not in response.text and '<form method="post"' not in response.text
    # Asked again (another tab): one check, not two.
    client.post(reverse("history_check"))
    assert HistoryCheck.objects.count() == 1
    tasks.check_history.call(HistoryCheck.objects.get().pk)  # the worker runs it
    done = client.get(reverse("history_check")).text
    assert "The history is intact" in done and "refresh" not in done


def test_a_check_lost_with_its_worker_does_not_hold_the_page_for_ever(client, manager):
    import datetime

    from django.utils import timezone

    HistoryCheck.objects.create(
        requested_by=manager, requested_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client.force_login(manager)
    page = client.get(reverse("history_check")).text
    assert "refresh" not in page and "Check the history</button>" in page
    assert "The history is intact" in check_now(client).text  # a new one is made


def test_a_check_that_cannot_finish_says_so(client, manager, monkeypatch):
    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "verify", broken)
    client.force_login(manager)
    response = check_now(client)  # the task queue keeps the error, the page goes on
    assert response.status_code == 200
    assert "The check could not finish" in response.text
    assert "disk on fire" not in response.text


def test_the_manage_page_links_to_it(client, manager):
    client.force_login(manager)
    assert reverse("history_check") in client.get(reverse("manage")).text
