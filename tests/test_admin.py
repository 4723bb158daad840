"""The Django admin covers every model, shows history, and never reverts it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


@pytest.fixture
def admin_client(client, django_user_model, plan, board_member):
    superuser = django_user_model.objects.create_superuser("root", password="x" * 16)
    client.force_login(superuser)
    return client


DOMAIN_MODELS = [
    "agencies.Agency",
    "agencies.Post",
    "agencies.Membership",
    "actionplan.Plan",
    "actionplan.Section",
    "actionplan.Action",
    "actionplan.EvidenceEntry",
]


@pytest.mark.parametrize("label", DOMAIN_MODELS)
def test_every_domain_model_has_an_admin_with_its_history(admin_client, label):
    model = apps.get_model(label)
    assert model in admin.site._registry
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    obj = model.objects.first()
    history = admin_client.get(reverse(f"{prefix}_history", args=[obj.pk]))
    assert history.status_code == 200


def test_reverting_history_is_disabled(admin_client, get_action, settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    action = get_action("2.2")
    record = action.history.first()
    url = reverse("admin:actionplan_action_simple_history", args=[action.pk, record.history_id])
    response = admin_client.post(url, {"text": "Reverted"})
    action.refresh_from_db()
    assert action.text != "Reverted"
    assert response.status_code in (200, 403, 405)


def test_people_who_are_not_staff_cannot_use_the_admin(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
