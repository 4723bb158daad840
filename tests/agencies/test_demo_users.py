import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import Membership


def test_it_creates_the_five_demo_people_with_their_roles(plan, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users", password="demo-password-2026")
    roles = {
        m.user.username: (m.role, m.agency.slug)
        for m in Membership.objects.select_related("user", "agency")
    }
    assert roles == {
        "chair": ("chair", "cse-priority-group"),
        "awaken.lead": ("agency_lead", "awaken"),
        "police.lead": ("agency_lead", "lancashire-police"),
        "manager": ("business_manager", "bscb"),
        "board.member": ("board_member", "bscb"),
    }
    assert get_user_model().objects.get(username="chair").check_password("demo-password-2026")
    call_command("create_demo_users", password="demo-password-2026")  # twice is fine
    assert Membership.objects.count() == 5


def test_it_takes_the_password_from_the_environment(plan, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment")
    call_command("create_demo_users")
    assert get_user_model().objects.get(username="manager").check_password("from-the-environment")


def test_it_refuses_to_run_when_debug_is_off(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run when DEBUG is off"):
        call_command("create_demo_users", password="x")
    assert not get_user_model().objects.filter(username="chair").exists()


def test_the_demo_people_get_example_org_addresses(plan, settings):
    settings.DEBUG = True
    call_command("create_demo_users", password="demo-password-2026")

    emails = dict(get_user_model().objects.values_list("username", "email"))

    assert emails == {
        "chair": "chair@example.org",
        "awaken.lead": "awaken.lead@example.org",
        "police.lead": "police.lead@example.org",
        "manager": "manager@example.org",
        "board.member": "board.member@example.org",
    }
