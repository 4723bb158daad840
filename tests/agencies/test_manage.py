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
            "email": "yan.yot@example.org",
        },
    )
    assert response.status_code == 302
    person = get_user_model().objects.get(username="yot.lead")
    # Nobody but them will know their password: they set it from the invitation.
    assert not person.has_usable_password()
    assert person.email == "yan.yot@example.org"
    yot = Agency.objects.get(slug="youth-offending-team")
    client.post(
        reverse("membership_new"), {"user": person.pk, "agency": yot.pk, "role": "agency_lead"}
    )
    membership = Membership.objects.get(user=person)
    assert membership.agency == yot
    assert membership.history.get().history_user_id == manager.pk


def test_the_add_person_page_asks_for_an_email_address_and_no_password(client, manager):
    client.force_login(manager)

    html = client.get(reverse("person_new")).content.decode()

    assert 'type="email" name="email"' in html
    assert 'type="password"' not in html
    assert "They will get an email with a link to set their own password." in html
    assert "Add and send invitation</button>" in html


def test_a_new_person_needs_an_email_address_no_one_else_has(client, manager, awaken_lead):
    awaken_lead.email = "shared@example.org"
    awaken_lead.save()
    client.force_login(manager)

    missing = client.post(
        reverse("person_new"), {"username": "x.y", "first_name": "X", "last_name": "Y"}
    )
    taken = client.post(
        reverse("person_new"),
        {"username": "x.y", "first_name": "X", "last_name": "Y", "email": "SHARED@example.org"},
    )

    assert "Enter their email address: their invitation is sent there" in missing.text
    assert "Someone already has this email address" in taken.text
    assert not get_user_model().objects.filter(username="x.y").exists()


def test_someone_added_before_invitations_can_be_edited_without_an_address(
    client, manager, board_member
):
    client.force_login(manager)

    response = client.post(
        reverse("person_edit", args=[board_member.pk]),
        {"username": "board.member", "first_name": "Bo", "last_name": "Member"},
    )

    assert response.status_code == 302
    board_member.refresh_from_db()
    assert board_member.first_name == "Bo" and board_member.email == ""


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
    response = client.post(reverse("person_deactivate", args=[manager.pk]))
    assert response.status_code == 403
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
