"""No lost updates: two people edit from the same version; exactly one save wins."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from actionplan.models import Action, EditConflict, EvidenceEntry
from agencies.models import Membership
from tests.conftest import make_person, run_at_once


@pytest.fixture
def second_chair(plan):
    return make_person("vice.chair", plan.owner, Membership.Role.CHAIR)


def test_two_chairs_rate_from_the_same_version_and_exactly_one_wins(
    client, chair, second_chair, get_action, django_user_model
):
    from django.test import Client

    action = get_action("4.2")
    first, second = Client(), Client()
    first.force_login(chair)
    second.force_login(second_chair)
    url = reverse("rate_action", args=[action.pk])
    version = first.get(url).context["form"]["version"].value()
    assert second.get(url).context["form"]["version"].value() == version
    records = action.history.count()

    won = first.post(url, {"rag": "red", "reason": "Training not delivered", "version": version})
    lost = second.post(url, {"rag": "green", "reason": "Leaflet updated", "version": version})

    assert won.status_code == 302 and lost.status_code == 409
    assert "Someone else changed this while you were editing" in lost.text
    assert "Training not delivered" in lost.text  # their version
    assert "Leaflet updated" in lost.text  # my unsaved text, to copy
    action.refresh_from_db()
    assert (action.rag, action.rag_reason) == ("red", "Training not delivered")
    assert action.history.count() == records + 1


def test_an_evidence_entry_edited_in_two_tabs_keeps_the_first_save(client, awaken_lead, get_action):
    entry = EvidenceEntry(action=get_action("3.1"), text="Drop-in", recorded_by=awaken_lead)
    entry.agency = awaken_lead.memberships.get().agency
    entry._change_reason = "Evidence added"
    entry.save()
    client.force_login(awaken_lead)
    url = reverse("edit_evidence", args=[entry.pk])
    version = client.get(url).context["form"]["version"].value()
    data = {"activity_date": "01/10/2015", "version": version}
    assert client.post(url, data | {"text": "Drop-in weekly"}).status_code == 302
    second = client.post(url, data | {"text": "Drop-in monthly"})
    assert second.status_code == 409
    entry.refresh_from_db()
    assert entry.text == "Drop-in weekly"
    assert entry.history.count() == 2


def test_an_action_edited_by_two_managers_keeps_the_first_save(client, manager, get_action):
    action = get_action("2.3")
    client.force_login(manager)
    url = reverse("edit_action", args=[action.pk])
    form = client.get(url).context["form"]
    data = {
        name: form[name].value() for name in ("text", "outcomes", "leads", "timescale", "version")
    } | {"wording_reason": "Reworded"}
    assert client.post(url, data | {"text": "First wording"}).status_code == 302
    assert client.post(url, data | {"text": "Second wording"}).status_code == 409
    assert Action.objects.get(pk=action.pk).text == "First wording"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_exactly_one_wins_and_history_has_one_record(plan, get_action):
    """Real concurrency: two threads, two database connections, one row lock."""
    action = get_action("6.4")
    version = action.version
    before = action.history.count()
    barrier = threading.Barrier(2)
    outcomes = []

    def save(rag):
        try:
            mine = Action.objects.get(pk=action.pk)
            barrier.wait(timeout=10)
            mine.rate(rag, f"Rated {rag}", version=version)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    run_at_once(save, ("red", "green"), timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert action.history.count() == before + 1
