"""Security events are logged: who, when, IP, what. Never evidence text or a password."""

import pytest
from django.urls import reverse

from agencies.models import AuditEvent

PASSWORD = "a perfectly long passphrase"


def events(but=("sign_in",)):
    """The events so far; by default without the sign-ins of force_login()."""
    rows = AuditEvent.objects.exclude(event__in=but).order_by("id")
    return list(rows.values_list("event", "username", "detail"))


@pytest.fixture
def person(board_member):
    board_member.set_password(PASSWORD)
    board_member.save()
    return board_member


def test_sign_in_failed_sign_in_and_sign_out_are_logged_without_passwords(client, person):
    client.post(reverse("login"), {"username": person.username, "password": "wrong password!"})
    client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    client.post(reverse("logout"))
    assert [(e, u) for e, u, _ in events(but=())] == [
        ("sign_in_failed", "board.member"),
        ("sign_in", "board.member"),
        ("sign_out", "board.member"),
    ]
    assert AuditEvent.objects.filter(ip_address="127.0.0.1").count() == 3
    logged = " ".join(str(value) for row in AuditEvent.objects.values_list() for value in row)
    assert PASSWORD not in logged and "wrong password!" not in logged


def test_an_unknown_username_is_logged_as_typed(client, plan):
    client.post(reverse("login"), {"username": "nobody", "password": "whatever it is"})
    assert events() == [("sign_in_failed", "nobody", "")]


def test_permission_refusals_are_logged_with_the_path(client, police_lead, get_action):
    client.force_login(police_lead)
    url = reverse("rate_action", args=[get_action("3.1").pk])
    assert client.get(url).status_code == 403
    assert events() == [("refused", "police.lead", url)]


def test_exports_are_logged_without_their_content(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("export_csv"))
    assert response["Content-Disposition"].startswith("attachment;")
    [(event, username, detail)] = events()
    assert (event, username) == ("export", "board.member")
    assert detail.startswith("cse-operational-action-plan csv as at ")


def test_the_audit_log_is_for_the_business_manager(client, manager, board_member):
    client.force_login(board_member)
    client.get(reverse("export_xlsx"))
    assert client.get(reverse("audit_log")).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("audit_log"))
    assert "Plan exported" in response.text and "Permission refused" in response.text
    only_exports = client.get(reverse("audit_log") + "?event=export")
    assert "Permission refused" not in only_exports.text.split("<tbody")[1]


def test_the_audit_log_is_append_only(client, board_member):
    client.force_login(board_member)
    client.get(reverse("export_csv"))
    event = AuditEvent.objects.get(event="export")
    event.detail = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_board_pack_downloads_are_logged(client, board_member, plan, manager):
    from django.utils import timezone

    from reporting.models import BoardPack

    pack = BoardPack(
        plan=plan,
        period_label="Quarter 3, 2026/27",
        as_at=timezone.localdate(),
        since_date=timezone.localdate(),
        issued_by=manager,
        issued_by_name="Manager Tester",
        pdf=b"%PDF-1.7 test",
    )
    pack.save()
    client.force_login(board_member)
    assert client.get(reverse("board_pack_download", args=[pack.pk])).status_code == 200
    [(event, username, detail)] = events()
    assert (event, username, detail) == ("pack_download", "board.member", pack.filename)
