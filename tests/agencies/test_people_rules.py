"""Privileged changes: who may change whom (the "person" rules of actionplan/access.py),
and every change to people and their roles kept in their history and the audit log.

Forms are submitted from the page the person is served (tests/served.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Agency, AuditEvent, Membership
from tests.served import submit

PASSWORD = "a perfectly long test passphrase"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "root.admin", "root@example.org", first_name="Root", last_name="Admin"
    )


def events(kind):
    return list(AuditEvent.objects.filter(event=kind).values_list("username", "detail"))


def awaken():
    return Agency.objects.get(slug="awaken")


# -- what a business manager may not do ------------------------------------------------


def test_a_business_manager_cannot_edit_a_superuser(client, manager, superuser):
    client.force_login(manager)
    url = reverse("person_edit", args=[superuser.pk])

    response = submit(
        client, url, {"username": "root.admin", "first_name": "Mallory", "last_name": "Admin"}
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.first_name == "Root"
    assert superuser.history.count() == 1  # created, never changed
    assert set(events(AuditEvent.Event.REFUSED)) == {("manager", url)}  # the page, the post


@pytest.mark.parametrize("page", ["person_deactivate", "person_invite"])
def test_a_business_manager_cannot_deactivate_or_invite_a_superuser(
    client, manager, superuser, page
):
    client.force_login(manager)

    response = submit(client, reverse(page, args=[superuser.pk]))

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.has_usable_password() is False


def test_a_business_manager_cannot_give_themselves_a_role(client, manager):
    client.force_login(manager)
    page = client.get(reverse("membership_new")).content.decode()

    response = submit(
        client,
        reverse("membership_new"),
        {"user": manager.pk, "agency": awaken().pk, "role": "chair"},
    )

    assert f'<option value="{manager.pk}">manager</option>' not in page
    assert response.status_code == 200
    assert (
        "Select a person from the list: you cannot change your own roles or a superuser&#x27;s"
        in response.content.decode()
    )
    assert list(Membership.objects.filter(user=manager).values_list("role", flat=True)) == [
        "business_manager"
    ]


def test_a_business_manager_cannot_give_a_superuser_a_role(client, manager, superuser):
    client.force_login(manager)

    submit(
        client,
        reverse("membership_new"),
        {"user": superuser.pk, "agency": awaken().pk, "role": "board_member"},
    )

    assert not Membership.objects.filter(user=superuser).exists()


def test_a_business_manager_cannot_remove_their_own_role(client, manager):
    membership = Membership.objects.get(user=manager)
    client.force_login(manager)

    page = client.get(reverse("manage")).content.decode()
    response = submit(
        client, reverse("membership_remove", args=[membership.pk]), {"reason": "Promotion"}
    )

    assert reverse("membership_remove", args=[membership.pk]) not in page
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_manage_page_offers_no_control_over_a_superuser(client, manager, superuser):
    client.force_login(manager)

    html = client.get(reverse("manage")).content.decode()

    assert "root.admin" in html
    for page in ("person_edit", "person_deactivate", "person_reset_factor"):
        assert reverse(page, args=[superuser.pk]) not in html


def test_a_superuser_may_change_a_business_manager_and_another_superuser(
    client, manager, superuser
):
    other = get_user_model().objects.create_superuser("second.admin", "second@example.org")
    client.force_login(superuser)

    edited = submit(
        client,
        reverse("person_edit", args=[other.pk]),
        {"username": "second.admin", "first_name": "Second", "last_name": "Admin"},
    )
    role = submit(
        client,
        reverse("membership_new"),
        {"user": manager.pk, "agency": awaken().pk, "role": "board_member"},
    )

    assert edited.status_code == role.status_code == 302
    assert Membership.objects.filter(user=manager, role="board_member").exists()


# -- reactivation ----------------------------------------------------------------------


def test_a_deactivated_person_is_reactivated_with_a_reason(client, manager, board_member):
    client.force_login(manager)
    submit(client, reverse("person_deactivate", args=[board_member.pk]))
    url = reverse("person_reactivate", args=[board_member.pk])

    no_reason = submit(client, url, {"reason": ""})
    done = submit(client, url, {"reason": "Back from secondment"})

    assert "Enter the reason" in no_reason.content.decode()
    assert done.status_code == 302
    board_member.refresh_from_db()
    assert board_member.is_active
    latest = board_member.history.latest()
    assert (latest.history_change_reason, latest.history_user_id) == (
        "Back from secondment",
        manager.pk,
    )
    assert events(AuditEvent.Event.PERSON_DEACTIVATED) == [
        ("manager", "board.member (Deactivated)")
    ]
    assert events(AuditEvent.Event.PERSON_REACTIVATED) == [
        ("manager", "board.member (Back from secondment)")
    ]


def test_an_active_person_has_no_reactivate_page(client, manager, board_member):
    client.force_login(manager)

    assert client.get(reverse("person_reactivate", args=[board_member.pk])).status_code == 403


# -- history and the audit log -------------------------------------------------------


def test_who_changed_a_persons_name_and_email_is_kept_in_their_history_and_the_audit_log(
    client, manager, board_member
):
    client.force_login(manager)

    submit(
        client,
        reverse("person_edit", args=[board_member.pk]),
        {
            "username": "board.member",
            "first_name": "Bo",
            "last_name": "Tester",
            "email": "bo@example.org",
        },
    )

    latest = board_member.history.latest()
    assert (latest.first_name, latest.last_name, latest.email) == ("Bo", "Tester", "bo@example.org")
    assert (latest.history_user_id, latest.history_user_name) == (manager.pk, "Manager Tester")
    assert events(AuditEvent.Event.PERSON_CHANGED) == [
        ("manager", "board.member: first name, email address (Person's details edited)")
    ]


def test_adding_a_person_and_giving_and_removing_roles_are_in_the_audit_log(
    client, manager, police_lead
):
    client.force_login(manager)

    submit(
        client,
        reverse("person_new"),
        {"username": "yot.lead", "first_name": "Yan", "last_name": "Yot", "email": "y@x.org"},
    )
    submit(
        client,
        reverse("membership_new"),
        {"user": police_lead.pk, "agency": awaken().pk, "role": "agency_lead"},
    )
    given = Membership.objects.get(user=police_lead, agency=awaken())
    submit(client, reverse("membership_remove", args=[given.pk]), {"reason": "Added in error"})

    assert events(AuditEvent.Event.PERSON_ADDED) == [("manager", "yot.lead")]
    assert events(AuditEvent.Event.ROLE_GIVEN) == [("manager", "police.lead: Agency lead, Awaken")]
    assert events(AuditEvent.Event.ROLE_REMOVED) == [
        ("manager", "police.lead: Agency lead, Awaken (Added in error)")
    ]


def test_a_new_password_and_signing_in_make_no_history_row_and_no_audit(client, chair):
    before = chair.history.count()

    chair.set_password(PASSWORD)
    chair.save()
    client.post(reverse("login"), {"username": "chair", "password": PASSWORD})

    chair.refresh_from_db()
    assert chair.last_login is not None
    assert chair.history.count() == before
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.PERSON_CHANGED).exists()


def test_a_persons_history_is_in_the_admin_and_a_change_there_is_audited(
    admin_client, board_member
):
    admin_client.post(
        reverse("admin:auth_user_change", args=[board_member.pk]),
        {
            "username": "board.member",
            "first_name": "Bobbie",
            "last_name": "Tester",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    history = admin_client.get(reverse("admin:auth_user_history", args=[board_member.pk]))

    assert history.status_code == 200
    assert "Bobbie" in history.content.decode()
    assert events(AuditEvent.Event.PERSON_CHANGED)[0][1] == "board.member: first name"


def test_a_deactivated_person_is_not_sent_an_invitation(client, manager, board_member):
    board_member.email = "board.member@example.org"
    board_member.is_active = False
    board_member.save()
    client.force_login(manager)

    assert client.get(reverse("person_invite", args=[board_member.pk])).status_code == 403
