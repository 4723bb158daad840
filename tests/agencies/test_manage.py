from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Agency, Membership


def test_the_manager_adds_a_person_and_gives_them_a_role(client, manager, plan):
    client.force_login(manager)
    response = client.post(
        reverse("person_new"),
        {
            "username": "yot.lead",
            "first_name": "Yan",
            "last_name": "Yot",
            "password": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    person = get_user_model().objects.get(username="yot.lead")
    assert person.check_password("a long enough passphrase")
    yot = Agency.objects.get(slug="youth-offending-team")
    client.post(
        reverse("membership_new"), {"user": person.pk, "agency": yot.pk, "role": "agency_lead"}
    )
    membership = Membership.objects.get(user=person)
    assert membership.agency == yot
    assert membership.history.get().history_user_id == manager.pk


def test_a_short_or_common_password_is_refused(client, manager, plan):
    client.force_login(manager)
    response = client.post(
        reverse("person_new"),
        {"username": "x", "first_name": "X", "last_name": "Y", "password": "password123"},
    )
    assert "This password is too short" in response.text or "too common" in response.text
    assert not get_user_model().objects.filter(username="x").exists()


def test_the_same_role_twice_is_a_clear_error(client, manager, awaken_lead):
    client.force_login(manager)
    awaken = Agency.objects.get(slug="awaken")
    response = client.post(
        reverse("membership_new"),
        {"user": awaken_lead.pk, "agency": awaken.pk, "role": "agency_lead"},
    )
    assert "This person already has this role in this agency or group" in response.text
    assert Membership.objects.filter(user=awaken_lead).count() == 1


def test_a_post_must_belong_to_the_chosen_agency(client, manager, awaken_lead, plan):
    client.force_login(manager)
    police_post = Agency.objects.get(slug="lancashire-police").posts.first()
    awaken = Agency.objects.get(slug="awaken")
    response = client.post(
        reverse("membership_new"),
        {"user": awaken_lead.pk, "agency": awaken.pk, "role": "chair", "post": police_post.pk},
    )
    assert "Select a post within the chosen agency or group" in response.text


def test_a_deactivated_person_keeps_their_name_but_cannot_sign_in(client, manager, awaken_lead):
    client.force_login(manager)
    client.post(reverse("person_deactivate", args=[awaken_lead.pk]))
    awaken_lead.refresh_from_db()
    assert not awaken_lead.is_active
    client.force_login(awaken_lead)
    assert client.get(reverse("plan_overview")).status_code == 302


def test_the_manager_cannot_deactivate_themselves(client, manager):
    client.force_login(manager)
    response = client.post(reverse("person_deactivate", args=[manager.pk]), follow=True)
    assert "You cannot deactivate yourself." in response.text
    manager.refresh_from_db()
    assert manager.is_active


def test_removing_a_membership_needs_a_reason_and_is_kept_in_history(client, manager, police_lead):
    membership = Membership.objects.get(user=police_lead)
    client.force_login(manager)
    assert (
        "Enter the reason"
        in client.post(reverse("membership_remove", args=[membership.pk]), {}).text
    )
    client.post(
        reverse("membership_remove", args=[membership.pk]), {"reason": "Moved to another force"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    record = Membership.history.filter(id=membership.pk).latest()
    assert (record.history_type, record.history_change_reason) == ("-", "Moved to another force")
    client.force_login(police_lead)
    assert client.get(reverse("plan_overview")).status_code == 403


def test_adding_an_agency_gives_it_a_unique_slug(client, manager, plan):
    client.force_login(manager)
    client.post(reverse("agency_new"), {"name": "Blackpool Teaching Hospitals", "kind": "agency"})
    agency = Agency.objects.get(name="Blackpool Teaching Hospitals")
    assert agency.slug == "blackpool-teaching-hospitals"
    response = client.post(
        reverse("agency_new"), {"name": "Blackpool Teaching Hospitals", "kind": "agency"}
    )
    assert "There is already an agency or group with this name" in response.text


def test_an_unknown_person_or_membership_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("person_edit", args=[999999])).status_code == 404
    assert client.get(reverse("membership_remove", args=[999999])).status_code == 404
