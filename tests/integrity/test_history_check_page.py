"""The business manager sees what verify_history says (who else may: the access matrix)."""

import pytest
from django.urls import reverse

from integrity.models import ChainLink

from .conftest import execute

pytestmark = pytest.mark.django_db


def test_the_manager_sees_the_history_is_intact_with_the_count(client, manager):
    client.force_login(manager)
    response = client.get(reverse("history_check"))
    assert response.status_code == 200
    assert "The history is intact" in response.text
    assert f"{ChainLink.objects.count()} records checked, 0 issued packs" in response.text


def test_the_manager_sees_each_changed_row_named(client, manager, rated):
    execute(
        "UPDATE actionplan_historicalaction SET rag = 'blue' WHERE history_id = %s",
        [rated.history_id],
    )
    client.force_login(manager)
    response = client.get(reverse("history_check"))
    assert "The history has been changed outside the service" in response.text
    assert "<code>actionplan_historicalaction</code>" in response.text
    assert "changed since it was recorded" in response.text


def test_the_manage_page_links_to_it(client, manager):
    client.force_login(manager)
    assert reverse("history_check") in client.get(reverse("manage")).text
