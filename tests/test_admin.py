"""The Django admin covers every model, shows history, and never reverts it."""

import datetime

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


# -- the admin follows the rules of the pages (issue 10) ------------------------------------

PLAN_MODELS = ["plan", "section", "action", "evidenceentry"]


@pytest.fixture
def entry(get_action, awaken_lead):
    from actionplan.models import EvidenceEntry

    entry = EvidenceEntry(
        action=get_action("3.1"),
        text="Consultation with young people completed",
        activity_date=datetime.date(2015, 6, 1),
        recorded_by=awaken_lead,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    return entry


def plan_object(name, entry):
    return {
        "plan": entry.action.section.plan,
        "section": entry.action.section,
        "action": entry.action,
        "evidenceentry": entry,
    }[name]


@pytest.mark.parametrize("name", PLAN_MODELS)
def test_nothing_of_the_plan_can_be_deleted_in_the_admin_not_even_by_a_superuser(
    admin_client, entry, name
):
    obj = plan_object(name, entry)
    url = reverse(f"admin:actionplan_{name}_delete", args=[obj.pk])

    page = admin_client.get(url)
    forged = admin_client.post(url, {"post": "yes"})
    changelist = admin_client.get(reverse(f"admin:actionplan_{name}_changelist"))

    assert (page.status_code, forged.status_code) == (403, 403)
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert "delete_selected" not in changelist.content.decode()


def test_an_evidence_entry_shows_who_recorded_it_and_when_but_not_to_be_edited(admin_client, entry):
    response = admin_client.get(reverse("admin:actionplan_evidenceentry_change", args=[entry.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="text"' in html
    for field in ("recorded_by", "recorded_at", "version", "withdrawn_at", "withdrawn_reason"):
        assert f'name="{field}"' not in html, field
    assert "Awaken Tester" in html or "awaken.lead" in html  # shown, read-only


def test_a_forged_post_does_not_change_who_recorded_an_entry_or_when(admin_client, entry, manager):
    url = reverse("admin:actionplan_evidenceentry_change", args=[entry.pk])
    recorded_at = entry.recorded_at

    response = admin_client.post(
        url,
        {
            "text": "Consultation with young people completed\x0b(30 young people)",
            "activity_date": "01/06/2015",
            "agency": "",
            "recorded_by": manager.pk,
            "recorded_at_0": "01/01/2001",
            "recorded_at_1": "00:00:00",
            "withdrawn_at_0": "01/01/2001",
            "withdrawn_at_1": "00:00:00",
            "version": 99,
            "action": entry.action_id + 1,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Consultation with young people completed\n(30 young people)"
    assert entry.recorded_by.username == "awaken.lead"
    assert entry.recorded_at == recorded_at
    assert entry.withdrawn_at is None
    assert entry.version == 2
    assert entry.action.ref == "3.1"
    assert entry.history.first().history_change_reason == "Edited in the admin"


def test_an_entry_is_withdrawn_in_the_admin_with_a_reason_and_kept(admin_client, entry):
    url = reverse("admin:actionplan_evidenceentry_change", args=[entry.pk])
    data = {"text": entry.text, "activity_date": "01/06/2015", "agency": "", "_save": "Save"}

    admin_client.post(url, {**data, "withdraw_reason": "Recorded against the wrong action"})

    entry.refresh_from_db()
    assert entry.is_withdrawn
    assert entry.withdrawn_reason == "Recorded against the wrong action"
    assert entry.history.first().history_change_reason == "Recorded against the wrong action"
    # Withdrawn: to look at, no longer to change.
    assert admin_client.post(url, {**data, "text": "Changed after all"}).status_code == 403
    entry.refresh_from_db()
    assert entry.text == "Consultation with young people completed"


def test_an_evidence_date_out_of_range_is_refused_in_the_admin_too(admin_client, entry):
    url = reverse("admin:actionplan_evidenceentry_change", args=[entry.pk])

    response = admin_client.post(
        url, {"text": entry.text, "activity_date": "01/01/0001", "agency": "", "_save": "Save"}
    )

    assert response.status_code == 200
    assert "must be 2000 or later" in response.content.decode()
    entry.refresh_from_db()
    assert entry.activity_date == datetime.date(2015, 6, 1)


def test_an_action_shows_its_rating_and_history_fields_read_only(admin_client, get_action):
    action = get_action("2.1")

    html = admin_client.get(
        reverse("admin:actionplan_action_change", args=[action.pk])
    ).content.decode()

    for field in ("rag", "rag_reason", "rated_by", "rated_at", "removed_at", "due_date"):
        assert f'name="{field}"' not in html, field
    for field in ("section", "position"):  # moved on the Move page, with a reason
        assert f'name="{field}"' not in html, field
    assert 'name="remove_reason"' in html
    assert 'name="timescale_reason"' in html


def admin_form(client, url):
    """The change form's fields as the browser would send them (inlines included)."""
    from tests.security.test_bad_input import form_fields

    fields = form_fields(client.get(url).content.decode(), url)
    return {name: values for name, values in fields.items() if not name.startswith("_")}


def test_a_new_timescale_in_the_admin_needs_a_reason_as_on_the_edit_page(admin_client, get_action):
    action = get_action("2.1")
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    data = {**admin_form(admin_client, url), "timescale": ["Dec 2016"], "_save": ["Save"]}

    refused = admin_client.post(url, data)
    saved = admin_client.post(url, {**data, "timescale_reason": ["Waiting for the new team"]})

    assert "Enter the reason for changing the timescale" in refused.content.decode()
    assert saved.status_code == 302
    action.refresh_from_db()
    assert (action.timescale, action.due_date) == ("Dec 2016", datetime.date(2016, 12, 31))
    assert action.original_timescale == "Sept 2015"
    assert action.history.first().history_change_reason == "Waiting for the new team"


def test_an_action_is_removed_in_the_admin_with_a_reason_and_kept(admin_client, get_action):
    action = get_action("2.1")
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    data = {**admin_form(admin_client, url), "_save": ["Save"]}

    response = admin_client.post(url, {**data, "remove_reason": ["Merged into 2.2"]})

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.is_removed and action.removed_reason == "Merged into 2.2"
    assert action.history.first().history_change_reason == "Merged into 2.2"


def test_a_section_with_actions_cannot_be_removed_in_the_admin(admin_client, get_action):
    section = get_action("2.1").section
    url = reverse("admin:actionplan_section_change", args=[section.pk])
    data = {**admin_form(admin_client, url), "_save": ["Save"]}

    response = admin_client.post(url, {**data, "remove_reason": ["Not needed"]})

    assert "Move or remove this section" in response.content.decode()
    section.refresh_from_db()
    assert not section.is_removed
